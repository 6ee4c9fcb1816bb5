"""Documents on the Qdrant server: payload-only points in the collection `<collection>_documents`.

With the documents beside the chunks on the server, every machine that knows the URL searches,
shows and cites the same index; nothing but the local cache of the manifest lives on disk. The
index's manifest (the model it was built with) is one more point in the same collection, so a
second machine learns the model from the server and refuses another.
Same interface as `DocStore` (SQLite), which serves the embedded index.
"""

from __future__ import annotations

import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from qdrant_client import models as qm
from vidensbank.index.config import Config
from vidensbank.index.manifest import read_manifest
from vidensbank.index.stores.docstore import StoredDocument
from vidensbank.index.stores.server_connection import connect, release, server_call

from vidensbank.errors import IndexNotFoundError, ModelMismatchError

DOCUMENTS_SUFFIX = "_documents"
KIND_DOCUMENT = "document"
KIND_MANIFEST = "manifest"
NAMESPACE = uuid.UUID("0c7d5a8e-3f43-4c1e-8a4b-7e0f2f6d1b52")
MANIFEST_ID = str(uuid.uuid5(NAMESPACE, "__manifest__"))
LIST_FIELDS = ["doc_id", "content_hash", "metadata", "chunks"]


def documents_collection(config: Config) -> str:
    return config.collection + DOCUMENTS_SUFFIX


def document_id(doc_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, doc_id))


def shared_manifest(config: Config) -> dict[str, Any] | None:
    """The manifest stored on the server, or None where there is no index yet."""
    client = connect(config)
    try:
        with server_call(config.qdrant_url or "", "læs manifest"):
            name = documents_collection(config)
            if not client.collection_exists(name):
                return None
            found = client.retrieve(name, [MANIFEST_ID], with_payload=True)
        return dict(found[0].payload["manifest"]) if found else None
    finally:
        release(client)


class ServerDocStore:
    def __init__(self, config: Config, index_dir: Path, *, create: bool) -> None:
        self.url = config.qdrant_url or ""
        self.name = documents_collection(config)
        self.client = connect(config)
        try:
            with server_call(self.url, "åbn dokumentsamling"):
                if not self.client.collection_exists(self.name):
                    if not create:
                        raise IndexNotFoundError(
                            f"ingen dokumentsamling '{self.name}' på {self.url}: byg indekset "
                            f"med `vidensbank ingest ... --qdrant-url` eller `vidensbank push`")
                    self._create(config)
                self._sync_manifest(index_dir)
        except BaseException:
            release(self.client)
            raise

    def _create(self, config: Config) -> None:
        self.client.create_collection(
            self.name, vectors_config={}, shard_number=config.shard_number,
            replication_factor=config.replication_factor,
            write_consistency_factor=config.write_consistency)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # local mode: no payload indexes
            for field in ("kind", "doc_id"):
                self.client.create_payload_index(self.name, field, qm.PayloadSchemaType.KEYWORD)

    def _sync_manifest(self, index_dir: Path) -> None:
        """Publish the local manifest if the server has none; refuse a different model."""
        local = read_manifest(index_dir)
        found = self.client.retrieve(self.name, [MANIFEST_ID], with_payload=True)
        if not found:
            if local is not None:
                self._upsert(MANIFEST_ID, {"kind": KIND_MANIFEST, "manifest": local})
            return
        remote = found[0].payload["manifest"]
        if local is not None and local.get("model") != remote.get("model"):
            raise ModelMismatchError(
                f"indekset på {self.url} er bygget med {remote.get('model')}, men indekset i "
                f"{index_dir} med {local.get('model')}: brug en anden --collection")

    def _upsert(self, point_id: str, payload: dict[str, Any]) -> None:
        with server_call(self.url, "skriv dokument"):
            self.client.upsert(self.name, [qm.PointStruct(id=point_id, vector={},
                                                          payload=payload)], wait=True)

    def _retrieve(self, doc_ids: list[str], fields: list[str] | None) -> list[Any]:
        selector: Any = fields if fields is not None else True
        with server_call(self.url, "læs dokumenter"):
            return self.client.retrieve(self.name, [document_id(d) for d in doc_ids],
                                        with_payload=selector)

    def hash_of(self, doc_id: str) -> str | None:
        return self.hashes([doc_id]).get(doc_id)

    def hashes(self, doc_ids: list[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        found = self._retrieve(doc_ids, ["doc_id", "content_hash"])
        return {r.payload["doc_id"]: r.payload["content_hash"] for r in found}

    def put(self, doc_id: str, content_hash: str, metadata: dict[str, Any], text: str,
            chunks: int) -> None:
        self._upsert(document_id(doc_id), {
            "kind": KIND_DOCUMENT, "doc_id": doc_id, "content_hash": content_hash,
            "metadata": metadata, "text": text, "chunks": chunks, "ingested_at": time.time()})

    def get(self, doc_id: str) -> StoredDocument | None:
        found = self._retrieve([doc_id], None)
        return _stored(found[0].payload, with_text=True) if found else None

    def delete(self, doc_id: str) -> None:
        with server_call(self.url, "slet dokument"):
            self.client.delete(self.name, qm.PointIdsList(points=[document_id(doc_id)]),
                               wait=True)

    def list(self) -> list[StoredDocument]:
        out: list[StoredDocument] = []
        offset: Any = None
        while True:
            with server_call(self.url, "læs dokumenter"):
                records, offset = self.client.scroll(
                    self.name, scroll_filter=_documents_only(), limit=256, offset=offset,
                    with_payload=LIST_FIELDS)
            out.extend(_stored(r.payload, with_text=False) for r in records)
            if offset is None or not records:
                return sorted(out, key=lambda d: d.doc_id)

    def count(self) -> int:
        with server_call(self.url, "tæl dokumenter"):
            return int(self.client.count(self.name, count_filter=_documents_only(),
                                         exact=True).count)

    def chunk_count(self) -> int:
        return sum(d.chunks for d in self.list())

    def close(self) -> None:
        release(self.client)


def _documents_only() -> qm.Filter:
    return qm.Filter(must=[qm.FieldCondition(key="kind", match=qm.MatchValue(value=KIND_DOCUMENT))])


def _stored(payload: dict[str, Any], *, with_text: bool) -> StoredDocument:
    return StoredDocument(payload["doc_id"], payload["content_hash"], dict(payload["metadata"]),
                          payload.get("text", "") if with_text else "", int(payload["chunks"]))
