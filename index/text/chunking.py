"""Chunk documents into TextNodes that are exact slices of `Document.text`.

Chunks are packed from whole paragraphs; a paragraph longer than the budget is split between
sentences, and a sentence longer than the budget between words. Chunks break at section starts so
a chunk has one section. Every node satisfies `doc.text[node.start_char_idx:node.end_char_idx] ==
node.text`: offsets are computed here, never re-found with `str.find` (agreements repeat clauses).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, Document, NodeRelationship, TextNode
from vidensbank.index.text.sentences import sentence_spans
from vidensbank.ingest import schema
from vidensbank.ingest.layout import location

Span = tuple[int, int]

# Document metadata that chunk payloads do not need (large, or only for locating pages).
NOT_ON_CHUNKS = (*schema.LAYOUT_KEYS, schema.PATH)


def paragraph_spans(text: str) -> list[Span]:
    """Spans of blank-line separated paragraphs, trimmed."""
    spans = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*\Z)", text, flags=re.DOTALL):
        spans.append((match.start(), match.end()))
    return spans


def _split_long(text: str, span: Span, budget: int) -> list[Span]:
    """Split an over-long span between sentences, then between words."""
    pieces: list[Span] = []
    for a, b in sentence_spans(text, *span):
        while b - a > budget:
            cut = text.rfind(" ", a + budget // 2, a + budget)
            cut = cut if cut > a else a + budget
            pieces.append((a, cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            pieces.append((a, b))
    return pieces


def units(text: str, budget: int) -> list[Span]:
    """Paragraphs, with the over-long ones split: the atoms chunks are packed from."""
    out: list[Span] = []
    for span in paragraph_spans(text):
        out.extend([span] if span[1] - span[0] <= budget else _split_long(text, span, budget))
    return out


def pack(
    pieces: list[Span], *, budget: int, minimum: int, breaks: Sequence[int] = ()
) -> list[Span]:
    """Greedily join consecutive pieces up to `budget` chars; never across a break offset."""
    breaks = sorted(breaks)
    chunks: list[Span] = []
    for a, b in pieces:
        if chunks:
            ca, cb = chunks[-1]
            crosses = bisect.bisect_right(breaks, ca) != bisect.bisect_right(breaks, a)
            if not crosses and (b - ca <= budget or (cb - ca < minimum and b - ca <= budget * 1.5)):
                chunks[-1] = (ca, b)
                continue
        chunks.append((a, b))
    return chunks


def chunk_spans(text: str, *, budget: int, minimum: int, breaks: Sequence[int] = ()) -> list[Span]:
    return pack(units(text, budget), budget=budget, minimum=minimum, breaks=breaks)


def window_spans(text: str, span: Span, budget: int) -> list[Span]:
    """What is embedded for a chunk: sentence-packed windows inside it, plus the whole chunk.

    Windows match a question about one detail precisely; the whole chunk matches a question whose
    answer needs several sentences together.
    """
    windows = pack(_split_long(text, span, budget), budget=budget, minimum=budget // 3)
    return [*windows, span] if len(windows) > 1 else windows


def chunk_id(doc_id: str, start: int, end: int) -> str:
    """The one id of a chunk: its document and offsets (node ids, point payloads, resume)."""
    return f"{doc_id}:{start}-{end}"


def chunk_document(doc: Document, *, budget: int = 900, minimum: int = 200) -> list[TextNode]:
    text = doc.text
    sections = doc.metadata.get(schema.SECTION_SPANS) or []
    base = {k: v for k, v in doc.metadata.items() if k not in NOT_ON_CHUNKS}
    nodes = []
    spans = chunk_spans(text, budget=budget, minimum=minimum, breaks=[s[0] for s in sections])
    source = doc.as_related_node_info()  # hashes the whole text: once, not once per chunk
    for i, (a, b) in enumerate(spans):
        where = location(doc.metadata, a)
        meta: dict[str, Any] = {**base, "chunk_index": i, "page": where.page,
                                "section": where.section}
        node = TextNode(
            id_=chunk_id(doc.id_, a, b),
            text=text[a:b],
            start_char_idx=a,
            end_char_idx=b,
            metadata=meta,
            excluded_embed_metadata_keys=list(meta),
            excluded_llm_metadata_keys=list(meta),
        )
        node.relationships[NodeRelationship.SOURCE] = source.model_copy()
        nodes.append(node)
    return nodes


class DanishChunker(NodeParser):
    """llama-index NodeParser over `chunk_document`, keeping its exact offsets."""

    chunk_size: int = 900
    chunk_min: int = 200

    def _parse_nodes(
        self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any
    ) -> list[BaseNode]:
        out: list[BaseNode] = []
        for doc in nodes:
            if isinstance(doc, Document):
                out.extend(chunk_document(doc, budget=self.chunk_size, minimum=self.chunk_min))
        return out

    def _postprocess_parsed_nodes(
        self, nodes: list[BaseNode], parent_doc_map: dict[str, Document]
    ) -> list[BaseNode]:
        # The base class re-finds offsets with str.find, wrong for repeated passages: restore ours.
        offsets = [(n.start_char_idx, n.end_char_idx) for n in nodes if isinstance(n, TextNode)]
        nodes = super()._postprocess_parsed_nodes(nodes, parent_doc_map)
        for node, (a, b) in zip((n for n in nodes if isinstance(n, TextNode)), offsets,
                                strict=True):
            node.start_char_idx, node.end_char_idx = a, b
        return nodes
