"""Write a document's chunks in batches while it is embedded, so an interrupted long document
resumes from its last written batch instead of from the start.

Point ids are fixed by (doc id, record hash, window), so a rerun recognises the chunks it already
wrote: a chunk counts as written when all its points of this version are in the store. Points of
another version (an older text) are deleted first. The document record is still written last
(index/build/one_file.py), so until then the document is invisible to search, and partial.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from llama_index.core.schema import Document, TextNode
from vidensbank.index.build.points import to_points
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.index.text.chunking import chunk_id, window_spans

WRITE_EVERY = 16  # chunks (about 20,000 characters) embedded between two writes


def written_chunks(idx: OpenIndex, doc: Document, digest: str,
                   nodes: list[TextNode]) -> set[int]:
    """Indexes of the nodes whose points of this version are all stored already."""
    stored = idx.store.chunks_of(doc.id_)
    if any(c.payload.get("record_hash") != digest for c in stored):
        idx.store.delete_doc(doc.id_)  # another version's points: start this one afresh
        return set()
    per_chunk: dict[str, int] = {}
    for chunk in stored:
        key = chunk.payload.get("chunk_id") or ""
        per_chunk[key] = per_chunk.get(key, 0) + 1
    done = set()
    for i, node in enumerate(nodes):
        a, b = node.start_char_idx or 0, node.end_char_idx or 0
        expected = len(window_spans(doc.text, (a, b), idx.config.window_size))
        if per_chunk.get(chunk_id(doc.id_, a, b)) == expected:
            done.add(i)
    return done


def embed_and_write(idx: OpenIndex, doc: Document, digest: str, nodes: list[TextNode],
                    on_embedded: Callable[[float], None] | None = None,
                    on_written: Callable[[int], None] | None = None) -> int:
    """Embed and write the chunks not yet written; returns how many were embedded now.
    `on_written` gets the number of the document's chunks in the store after each batch."""
    done = written_chunks(idx, doc, digest, nodes)
    todo = [node for i, node in enumerate(nodes) if i not in done]
    if on_written:
        on_written(len(done))
    for start in range(0, len(todo), WRITE_EVERY):
        clock = time.perf_counter()
        points: list[ChunkPoint] = to_points(idx, doc, todo[start:start + WRITE_EVERY])
        if on_embedded:
            on_embedded(time.perf_counter() - clock)
        idx.write_points(points)
        if on_written:
            on_written(len(done) + min(start + WRITE_EVERY, len(todo)))
    return len(todo)
