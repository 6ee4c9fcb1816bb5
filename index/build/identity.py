"""Which document a file is: its id, and whether it is new, changed, unchanged or a copy.

Ids are read by people (citations, links in notes), so they start from the slug of the file name
(`rapport.pdf` -> `rapport`). The first document with a name keeps the bare slug; a different
document with the same name gets the slug plus the first 8 hex digits of the sha256 of its text
(`rapport-3fa2c1d0`). The suffix hashes the content, not the path: a path differs between machines
and checkouts, the text of the same file does not, so the same files ingested into a new index
elsewhere (in the same order) get the same ids.

Once given, an id is kept. Every document records its sources (resolved file paths or URLs). A
file read again from a recorded source is that document: unchanged, or updated in place
("opdateret") when its text or metadata changed. The same text from a new source is the same
document with one more source. A document follows its first source: when that file changes, the
document is updated and lets its other sources go (they hold the old text and become their own
document when next read); when another source changes, that source leaves and becomes a new
document. Nothing is replaced without the report saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core.schema import Document
from vidensbank.index.build.points import record_hash
from vidensbank.ingest import schema

NEW, UPDATED, UNCHANGED, LINKED = "new", "updated", "unchanged", "linked"
EMBEDS = (NEW, UPDATED)  # the actions that write chunks; the others touch records only
SUFFIX_LENGTHS = (8, 12, 16, 24, 32, 64)


@dataclass(frozen=True)
class Decision:
    action: str
    doc_id: str
    digest: str  # record hash of the document under `doc_id`
    sources: tuple[str, ...]  # the document's sources after this file
    released: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other docs' new sources


def source_key(path: Path | str) -> str:
    """A URL as given; a file as its resolved absolute path (one key however it was named)."""
    if isinstance(path, str) and path.startswith(("http://", "https://")):
        return path
    return Path(path).resolve().as_posix()


def stored_sources(metadata: dict[str, Any]) -> list[str]:
    """The recorded sources; a record from before sources were kept has its path or URL."""
    if metadata.get(schema.SOURCES):
        return list(metadata[schema.SOURCES])
    legacy = metadata.get(schema.PATH) or metadata.get(schema.URL)
    return [source_key(legacy)] if legacy else []


def set_id(doc: Document, doc_id: str) -> None:
    doc.id_ = doc_id
    doc.metadata[schema.DOC_ID] = doc_id


@dataclass
class Registry:
    """What the index holds, kept current through one run (records may be written later)."""

    by_source: dict[str, str] = field(default_factory=dict)
    by_text: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, docs: Any) -> Registry:
        registry = cls()
        for stored in docs.list():
            registry._put(stored.doc_id, stored.content_hash,
                          stored.metadata.get(schema.CONTENT_HASH) or "",
                          stored_sources(stored.metadata))
        return registry

    def _put(self, doc_id: str, digest: str, text_hash: str, sources: list[str]) -> None:
        old_text = self.texts.get(doc_id)
        if old_text and self.by_text.get(old_text) == doc_id:
            del self.by_text[old_text]
        for source in self.sources.get(doc_id, []):
            if self.by_source.get(source) == doc_id:
                del self.by_source[source]
        self.digests[doc_id], self.texts[doc_id], self.sources[doc_id] = digest, text_hash, sources
        if text_hash:
            self.by_text.setdefault(text_hash, doc_id)
        for source in sources:
            self.by_source[source] = doc_id

    def resolve(self, doc: Document, source: str) -> Decision:
        """Decide what `doc`, read from `source`, is; sets its id. Changes nothing here."""
        text_hash = doc.metadata.get(schema.CONTENT_HASH) or schema.content_hash(doc.text)
        base = doc.id_
        released: dict[str, tuple[str, ...]] = {}
        owner = self.by_source.get(source)
        if owner is not None:
            set_id(doc, owner)
            digest, owned = record_hash(doc), self.sources[owner]
            primary = owned[0] == source
            if self.digests[owner] == digest or (not primary and self.texts[owner] == text_hash):
                return Decision(UNCHANGED, owner, self.digests[owner], tuple(owned))
            if primary:
                return Decision(UPDATED, owner, digest, (source,))
            released[owner] = tuple(s for s in owned if s != source)
        twin = self.by_text.get(text_hash)
        if twin is not None and twin != owner:
            set_id(doc, twin)
            return Decision(LINKED, twin, self.digests[twin],
                            (*self.sources[twin], source), released)
        set_id(doc, self.fresh_id(base, text_hash))
        return Decision(NEW, doc.id_, record_hash(doc), (source,), released)

    def fresh_id(self, base: str, text_hash: str) -> str:
        if base not in self.digests:
            return base
        for length in SUFFIX_LENGTHS:
            candidate = f"{base}-{text_hash[:length]}"
            if candidate not in self.digests:
                return candidate
        n = 2
        while f"{base}-{n}" in self.digests:
            n += 1
        return f"{base}-{n}"

    def commit(self, decision: Decision, text_hash: str) -> None:
        """Record a decision, so later files in the same run see it."""
        for other, sources in decision.released.items():
            self._put(other, self.digests[other], self.texts[other], list(sources))
        if decision.action != UNCHANGED:
            self._put(decision.doc_id, decision.digest,
                      text_hash if decision.action in EMBEDS else self.texts[decision.doc_id],
                      list(decision.sources))
