"""Synthetic but realistic Danish chunks for the scale benchmarks, and indexes built from them.

Method: the sentences of the articles in corpus/ are recombined into a pool of window-sized
passages (what ingest embeds: 150-350 characters), which the default embedder embeds once
(cached as .npy, keyed by the texts and the model). A synthetic window joins the first sentences
of one pool passage to the last ones of another; its vector is the normalised mixture
w*v_a + (1-w)*v_b (w in [0.55, 0.9]) plus a little Gaussian noise, so 100k points cost seconds
instead of hours of embedding yet lie where real ones lie. Its BM25 vector is computed from its
real text (with the title, as ingest does). Three windows make a chunk and four chunks a
document; every point carries its chunk's payload as the pipeline writes it (doc_type, source,
kommuner, year, themes, chunk text and span, window span). Sizes count points (windows).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from vidensbank.index.build.points import PAYLOAD_KEYS, point_id
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex, sparse_document
from vidensbank.index.stores.base import ChunkPoint
from vidensbank.index.text.chunking import chunk_id
from vidensbank.index.text.sentences import sentence_spans
from vidensbank.ingest import schema
from vidensbank.ingest.readers import read_path

ROOT = Path(__file__).resolve().parents[2]

CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "evals" / "questions.jsonl"
WINDOWS_PER_CHUNK = 3
CHUNKS_PER_DOC = 4
POINTS_PER_DOC = WINDOWS_PER_CHUNK * CHUNKS_PER_DOC
NOISE = 0.02  # std of the noise added to a mixed vector, before normalising again
DOC_TYPES = [("artikel", 50), ("rapport", 30), ("samarbejdsaftale", 15), ("andet", 5)]
SOURCES = ["Landsbyggefonden", "BL", "Boligsocialnet", "VIVE", "KL", "Socialstyrelsen"]
KOMMUNER = ["København", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Varde", "Silkeborg",
            "Sønderborg", "Roskilde", "Høje-Taastrup", "Ishøj", "Albertslund", "Horsens", "Randers",
            "Kolding", "Helsingør", "Holbæk", "Næstved", "Slagelse", "Viborg", "Herning",
            "Frederikshavn", "Svendborg", "Gladsaxe", "Brøndby", "Hvidovre", "Fredericia"]
THEMES = ["beskæftigelse", "uddannelse", "børn og unge", "tryghed", "beboerdemokrati",
          "sundhed", "kriminalitetsforebyggelse", "fællesskab", "frivillighed", "kernedrift"]
BOLIGOMRAADER = ["Vejleåparken", "Gellerup", "Vollsmose", "Mjølnerparken", "Tingbjerg",
                 "Stengårdsvej", "Sydbyen", "Nørremarken", "Skovparken", "Munkebo"]


def corpus_sentences(corpus: Path = CORPUS, min_words: int = 5) -> list[str]:
    """Sentences of the corpus articles, read by the project's own readers."""
    out = []
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".txt", ".md", ".html", ".pdf", ".docx"):
            continue
        text = read_path(path).text
        words = (text[a:b].split() for a, b in sentence_spans(text))
        out.extend(" ".join(w) for w in words if len(w) >= min_words)
    return out


def pool_passages(sentences: list[str], size: int, seed: int = 7) -> list[list[str]]:
    """Window-sized passages (150-350 characters) of random corpus sentences."""
    rng = random.Random(seed)
    out = []
    for _ in range(size):
        picked: list[str] = []
        target = rng.randint(150, 350)
        while sum(len(s) + 1 for s in picked) < target:
            picked.append(rng.choice(sentences))
        out.append(picked)
    return out


def pool_vectors(texts: list[str], cache_dir: Path, embedder: Any) -> tuple[np.ndarray, bool]:
    """Embeddings of the pool, from the .npy cache when texts and model are unchanged."""
    key = hashlib.sha256(json.dumps([embedder.identity.as_dict(), texts]).encode()).hexdigest()
    path = cache_dir / f"pool-{key[:16]}.npy"
    if path.exists():
        return np.load(path), True
    cache_dir.mkdir(parents=True, exist_ok=True)
    vectors = embedder.embed_passages(texts)
    np.save(path, vectors)
    return vectors, False


@dataclass(frozen=True)
class Doc:
    doc_id: str
    metadata: dict[str, Any]
    text: str
    chunks: list[tuple[int, int]]
    windows: list[tuple[int, int, int]]  # (chunk number, start, end)
    vectors: np.ndarray


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _metadata(rng: random.Random, n: int, first: str) -> dict[str, Any]:
    year = rng.randint(2010, 2025)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return {schema.DOC_ID: f"syn-{n:06d}", schema.TITLE: " ".join(first.split()[:8]),
            schema.SOURCE: rng.choice(SOURCES), schema.DOC_TYPE: _weighted(rng, DOC_TYPES),
            schema.DATE: date, schema.YEAR: year, schema.AUTHORS: [], schema.URL: None,
            schema.KOMMUNER: rng.sample(KOMMUNER, rng.randint(1, 2)),
            schema.BOLIGOMRAADER: rng.sample(BOLIGOMRAADER, rng.randint(0, 1)),
            schema.THEMES: rng.sample(THEMES, rng.randint(1, 3))}


def _mixed_chunk(rng: random.Random, noise: np.random.Generator, pool: list[list[str]],
                 vecs: np.ndarray) -> tuple[str, np.ndarray]:
    """The head of pool passage a and the tail of b; the vector mixes theirs in that ratio."""
    a, b = rng.randrange(len(pool)), rng.randrange(len(pool))
    w = rng.uniform(0.55, 0.9)
    head = pool[a][:max(1, round(len(pool[a]) * w))]
    tail = pool[b][len(pool[b]) - round(len(pool[b]) * (1 - w)):]
    vec = w * vecs[a] + (1 - w) * vecs[b]
    vec = vec + noise.normal(0.0, NOISE / np.sqrt(vec.size), vec.size)
    return " ".join(head + tail), (vec / np.linalg.norm(vec)).astype(np.float32)


def synthetic_docs(n_points: int, pool: list[list[str]], vecs: np.ndarray,
                   seed: int = 11) -> Iterator[Doc]:
    """Documents of POINTS_PER_DOC windows each (the last one fewer), n_points in all."""
    rng, noise = random.Random(seed), np.random.default_rng(seed)
    for n in range(0, n_points, POINTS_PER_DOC):
        parts = [_mixed_chunk(rng, noise, pool, vecs)
                 for _ in range(min(POINTS_PER_DOC, n_points - n))]
        text, chunks, windows = "", [], []
        for c in range(0, len(parts), WINDOWS_PER_CHUNK):
            start = len(text)
            for i, (window, _) in enumerate(parts[c:c + WINDOWS_PER_CHUNK]):
                text += " " if i else ""
                windows.append((len(chunks), len(text), len(text) + len(window)))
                text += window
            chunks.append((start, len(text)))
            text += "\n\n"
        meta = _metadata(rng, n // POINTS_PER_DOC, parts[0][0])
        yield Doc(meta[schema.DOC_ID], meta, text.rstrip("\n"), chunks, windows,
                  np.stack([v for _, v in parts]))


def doc_points(bm25: Any, doc: Doc) -> list[ChunkPoint]:
    """Window points with their chunk's payload as the pipeline writes it; BM25 from the text."""
    digest = schema.content_hash(doc.text + json.dumps(doc.metadata, sort_keys=True))
    title = doc.metadata[schema.TITLE]
    points = []
    for (chunk, wa, wb), vec in zip(doc.windows, doc.vectors, strict=True):
        a, b = doc.chunks[chunk]
        payload = {k: doc.metadata.get(k) for k in PAYLOAD_KEYS}
        payload.update(chunk_index=chunk, start_char=a, end_char=b, text=doc.text[a:b],
                       record_hash=digest, chunk_id=chunk_id(doc.doc_id, a, b), window_start=wa,
                       window_end=wb)
        points.append(ChunkPoint(point_id(doc.doc_id, digest, wa, wb), vec,
                                 sparse_document(bm25, f"{title}\n\n{doc.text[wa:wb]}"),
                                 payload))
    return points


def build_edge(index_dir: Path, docs: list[Doc], points: list[list[ChunkPoint]],
               batch: int = 1000) -> dict[str, float]:
    """Write documents and chunks through OpenIndex/EdgeStore, then optimise (HNSW)."""
    import time

    idx = OpenIndex.open(Config(index_dir=index_dir), create=True)
    idx.docs.db.execute("PRAGMA synchronous=OFF")  # setup speed only; not what is measured
    clock = time.perf_counter()
    flat = [p for doc_pts in points for p in doc_pts]
    for i in range(0, len(flat), batch):
        idx.store.upsert(flat[i:i + batch])
    upsert = time.perf_counter() - clock
    for doc, doc_pts in zip(docs, points, strict=True):
        idx.docs.put(doc.doc_id, doc_pts[0].payload["record_hash"], doc.metadata, doc.text,
                    len(doc.chunks))
    clock = time.perf_counter()
    idx.store.finish_writes()
    optimize = time.perf_counter() - clock
    idx.close()
    return {"upsert_s": upsert, "optimize_s": optimize}


def load_questions(path: Path = QUESTIONS) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def query_set(n: int, sentences: list[str], seed: int = 5) -> list[str]:
    """The evaluation questions, then phrases of 4-9 words cut from corpus sentences."""
    rng = random.Random(seed)
    out = list(dict.fromkeys(load_questions()))[:n]
    seen = set(out)  # distinct: a repeated question would be answered from the query cache
    while len(out) < n:
        words = rng.choice(sentences).split()
        size = min(len(words), rng.randint(4, 9))
        start = rng.randint(0, len(words) - size)
        phrase = " ".join(words[start:start + size])
        if phrase not in seen:
            seen.add(phrase)
            out.append(phrase)
    return out


def filter_cycle(i: int) -> dict[str, list[Any]] | None:
    """Filters as users set them: none, a document type, a kommune, a range of years."""
    return [None, {schema.DOC_TYPE: ["rapport"]}, {schema.KOMMUNER: ["Varde"]},
            {schema.YEAR: [2019, 2020, 2021, 2022]}][i % 4]


def fill_units(index_dir: Path, embedder: Any, batch: int = 2000) -> int:
    """The quote units' vectors of every chunk, as ingest keeps them (index.stores.unit_store).

    The synthetic library repeats corpus sentences, so each distinct unit text is embedded once
    here; answers then read the vectors per document and span, as in a real library."""
    from vidensbank.index.text.quote_units import units

    idx = OpenIndex.open(Config(index_dir=index_dir))
    if idx.units.count():
        idx.close()
        return 0
    model = idx.model_name
    memo: dict[str, np.ndarray] = {}
    rows: list[tuple[Any, np.ndarray]] = []
    seen: set[str] = set()
    written = 0
    for page in idx.store.all_chunks(with_vectors=False):
        for point in page:
            p = point.payload
            if p["chunk_id"] in seen:
                continue
            seen.add(p["chunk_id"])
            text, start = p["text"], p["start_char"]
            spans = [(start + a, start + b) for a, b, _ in units(text)]
            new = list({text[a - start:b - start] for a, b in spans} - memo.keys())
            memo.update(zip(new, embedder.embed_passages(new) if new else [], strict=True))
            rows += [((model, p["doc_id"], p["record_hash"], a, b),
                      memo[text[a - start:b - start]]) for a, b in spans]
            if len(rows) >= batch:
                idx.units.put_many(rows)
                written, rows = written + len(rows), []
    idx.units.put_many(rows)
    idx.close()
    return written + len(rows)
