"""Training groups for the reader, mined from real Danish text with hard negatives from our search.

    python -m evals.tuning.reader_pairs --out evals/out/reader_pairs.jsonl [--index DIR]

The documents are corpus/, evals/distractors/ and the training-only articles in reader_texts/ as
ingest reads them (boilerplate gone). A query and the text that answers it are taken where the
text itself pairs them:
- an interview question ("Hvordan kobler I til kernedriften?") and the reply after it;
- a heading and the paragraph under it; a document's title and its lead;
- a sentence and the rest of its paragraph (the inverse cloze task), a few per document, for the
  law chapters and pages that have no questions or headings;
- questions written for training (reader_questions.jsonl beside this file: a question, the
  document, the sentence that answers it) over the distractor documents and over the sentences
  of corpus/ that no evaluation set answers with, and over the training-only articles (there
  each Danish question also once more in other words than the answer's, as people paraphrase),
  whose neighbours in the same paragraph are negatives too: the sentence beside the answer does
  not answer.
Negatives are what our own hybrid search returns for the query that is not the answer: units and
windows of other paragraphs and other documents, the neighbours e5 cannot tell from the answer.
No question set of evals/ is used, no pair whose query or answer overlaps a gold answer of any
set, and no negative that does: the evaluation judges text the reader never saw.

Each output line is one group: {"query", "kind", "doc_id", "texts": [positive, negatives...],
"grain": "unit" | "window"}.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vidensbank.index.api import Library
from vidensbank.index.config import load_config
from vidensbank.index.retrieval.search import Hit
from vidensbank.index.text.chunking import pack
from vidensbank.index.text.quote_units import units
from vidensbank.index.text.sentences import sentence_spans
from vidensbank.ingest.readers import doc_id_for

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = Path(__file__).with_name("reader_questions.jsonl")
# Training-only articles written in the register of the corpus (reader_texts/ beside this file):
# fictional places and people, never ingested into a library and never evaluated on.
TRAINING_TEXTS = Path(__file__).with_name("reader_texts")
# Their questions were written for them, so they give no inverse-cloze pairs: those would triple
# the groups (and the training time) with the kind of pair the law text already gives plenty of.
TRAINING_PREFIX = "syn-"
SOURCES = [ROOT / "corpus", ROOT / "evals" / "distractors", TRAINING_TEXTS]
NEGATIVES = 7  # per group: the positive and seven others
WINDOW_CHARS = 300  # a window as search embeds it (Config.window_size)
ICT_PER_DOC = 40  # sentence-and-its-paragraph pairs per document
ICT_PER_PARAGRAPH = 3
SEED = 13
HEADING = re.compile(r"^[^.!?:;§]{6,90}$")
NOT_HEADING = re.compile(r"^(Kapitel|Stk\.|https?:)", re.IGNORECASE)


@dataclass(frozen=True)
class Pair:
    query: str
    kind: str  # interview, heading, title, ict, written
    doc_id: str
    start: int  # the answering paragraph's span in the document text
    end: int
    text: str  # the document's text
    focus: int = -1  # ict: where the query sentence stood; the positive is read next to it
    paragraph: tuple[int, int] | None = None  # written: the paragraph that holds the answer


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-empty lines."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def mine(doc_id: str, title: str, text: str, rng: random.Random,
         shared_titles: set[str]) -> Iterator[Pair]:
    """Pairs of one document; a title several documents share (a law's chapters) leads none."""
    paras = paragraphs(text)
    body = [(a, b) for a, b in paras if b - a >= 120]
    if title and body and title not in shared_titles:
        yield Pair(title, "title", doc_id, *body[0], text)
    ict = []
    for (a, b), nxt in itertools.pairwise(paras):
        line = text[a:b].strip()
        follows = nxt[1] - nxt[0] >= 80
        if line.endswith("?") and 15 <= len(line) <= 220 and follows:
            yield Pair(line, "interview", doc_id, *nxt, text)
        elif (HEADING.match(line) and not NOT_HEADING.match(line) and len(line.split()) >= 2
              and follows and line != title):
            yield Pair(line, "heading", doc_id, *nxt, text)
    for a, b in body:
        spans = [(a + x, a + y) for x, y, asked in units(text[a:b]) if not asked]
        # Not the first sentence (it often names the topic), at most ICT_PER_PARAGRAPH others.
        for x, y in rng.sample(spans[1:], max(0, min(ICT_PER_PARAGRAPH, len(spans) - 1))):
            if y - x >= 40:
                ict.append((x, y, spans[0][0], spans[-1][1]))
    for x, y, a, b in rng.sample(ict, min(ICT_PER_DOC, len(ict))):
        yield Pair(text[x:y], "ict", doc_id, a, b, text[:x] + " " * (y - x) + text[y:], x)


def paragraph_units(pair: Pair) -> list[tuple[int, str]]:
    found = [(pair.start + x, pair.text[pair.start + x:pair.start + y].strip())
             for x, y, asked in units(pair.text[pair.start:pair.end]) if not asked]
    return [(a, u) for a, u in found if u]


def written_pairs(views: dict[str, str], text_of: dict[str, str]) -> Iterator[Pair]:
    """The questions written for training, on the documents they name (by file stem)."""
    if not WRITTEN.exists():
        return
    for line in WRITTEN.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        doc_id = views.get(doc_id_for(Path(row["doc"])))
        text = text_of.get(doc_id or "", "")
        a = text.find(row["answer"])
        if not doc_id or a < 0:
            continue
        b = a + len(row["answer"])
        para = next(((x, y) for x, y in paragraphs(text) if x <= a and b <= y), (a, b))
        yield Pair(row["question"], "written", doc_id, a, b, text, paragraph=para)


def answer_unit(pair: Pair) -> str:
    """The positive at sentence grain: the paragraph's first unit, or for ict the sentence next
    to the blanked query (after it, else before it). Not always a paragraph's first sentence:
    the reader must not learn that openings answer."""
    if pair.paragraph:
        return pair.text[pair.start:pair.end]
    found = paragraph_units(pair)
    if pair.focus < 0:
        return found[0][1] if found else ""
    after = [u for a, u in found if a > pair.focus]
    before = [u for a, u in found if a < pair.focus]
    return after[0] if after else (before[-1] if before else "")


def answer_window(pair: Pair) -> str:
    """Whole sentences of the answering paragraph up to a window's length, as search packs its
    windows: from the paragraph's start, or for ict from the sentence before the blank."""
    if pair.paragraph:  # the answer's paragraph, from the sentence before the answer
        pair = Pair(pair.query, pair.kind, pair.doc_id, *pair.paragraph, pair.text, pair.start)
    found = paragraph_units(pair)
    first = 0
    if pair.focus >= 0:
        first = max(0, sum(a < pair.focus for a, _ in found) - 1)
    out = ""
    for _, unit in found[first:]:
        if out and len(out) + len(unit) > WINDOW_CHARS:
            break
        out = f"{out} {unit}".strip()
    return " ".join(out.split())


def overlaps(hit: Hit, pair: Pair, a: int, b: int) -> bool:
    return hit.doc_id == pair.doc_id and a < pair.end and pair.start < b


def window_piece(text: str, rng: random.Random) -> str:
    """Whole sentences of a hit's window up to WINDOW_CHARS, from a sentence drawn at random: a
    matched window can be a whole chunk, and negatives longer than every positive taught the
    reader that length means "does not answer" (evals/LOG.md)."""
    spans = sentence_spans(text) or [(0, len(text))]
    a, b = pack(spans[rng.randrange(len(spans)):], budget=WINDOW_CHARS, minimum=0)[0]
    return " ".join(text[a:b].split())


def negatives(pair: Pair, hits: list[Hit], rng: random.Random, gold: list[str]
              ) -> tuple[list[str], list[str]]:
    """Units and windows of the hits that lie outside the answering paragraph, none of them
    touching a gold answer (the evaluation's text is not trained on, not even as a negative)."""
    unit_negs, window_negs = [], []
    for hit in hits:
        window = window_piece(hit.span(hit.window_start, hit.window_end), rng)
        if len(window) >= 30 and not overlaps(hit, pair, hit.window_start, hit.window_end) \
                and not touches_gold([window], gold):
            window_negs.append(window)
        for x, y, asked in units(hit.text):
            a, b = hit.start_char + x, hit.start_char + y
            unit = hit.text[x:y].strip()
            if not asked and not overlaps(hit, pair, a, b) and not touches_gold([unit], gold):
                unit_negs.append(unit)
    unit_negs = list(dict.fromkeys(u for u in unit_negs if len(u) >= 30))
    # The nearest units first (those of the best hits), then a few drawn from the rest.
    unit_negs = unit_negs[:4] + rng.sample(unit_negs[4:], min(3, len(unit_negs[4:])))
    return unit_negs[:NEGATIVES], list(dict.fromkeys(window_negs))[:NEGATIVES]


def gold_answers() -> list[str]:
    out = []
    for path in sorted((ROOT / "evals").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out += [row[k] for k in ("answer", "question") if row.get(k)]
                out += [a for g in row.get("gold", ()) for a in g["answers"]]  # compare's
    return [" ".join(g.split()) for g in out]


def touches_gold(texts: list[str], gold: list[str]) -> bool:
    flat = [" ".join(t.split()) for t in texts]
    return any(g in t or (len(t) >= 40 and t in g) for g in gold for t in flat)


def build(lib: Library, out: Path, seed: int = SEED) -> dict[str, int]:
    rng = random.Random(seed)
    gold = gold_answers()
    counts: dict[str, int] = {}
    views = sorted(lib.documents(), key=lambda d: d.doc_id)
    titles = [v.title for v in views]
    shared = {t for t in titles if titles.count(t) > 1}
    with out.open("w", encoding="utf-8") as fh:
        for view in views:
            doc = lib.show(view.doc_id)
            pairs = [p for p in mine(doc.doc_id, doc.title, doc.text, rng, shared)
                     if not (p.kind == "ict" and doc.doc_id.startswith(TRAINING_PREFIX))]
            if view is views[-1]:
                texts = {v.doc_id: lib.show(v.doc_id).text for v in views}
                pairs += written_pairs({v.doc_id: v.doc_id for v in views}, texts)
            for pair in pairs:
                unit, window = answer_unit(pair), answer_window(pair)
                if not unit or touches_gold([pair.query, pair.text[pair.start:pair.end]], gold):
                    counts["dropped (gold)"] = counts.get("dropped (gold)", 0) + 1
                    continue
                hits = lib.search(pair.query, top_k=10)
                unit_negs, window_negs = negatives(pair, hits, rng, gold)
                for grain, pos, negs in (("unit", unit, unit_negs),
                                         ("window", window, window_negs)):
                    if len(negs) >= 3 and not touches_gold([pos], gold):
                        fh.write(json.dumps({"query": pair.query, "kind": pair.kind,
                                             "doc_id": pair.doc_id, "grain": grain,
                                             "texts": [pos, *negs]}, ensure_ascii=False) + "\n")
                        counts[f"{pair.kind}/{grain}"] = counts.get(f"{pair.kind}/{grain}", 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "out" / "reader_pairs.jsonl")
    parser.add_argument("--index", type=Path, help="an index of the sources (made if missing)")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index or Path(tmp) / "index"
        fresh = not (index_dir / "manifest.json").exists()
        config = load_config(index_dir=index_dir, reranker="none")
        with Library.open(config, create=fresh) as lib:
            if fresh:
                paths = [p for src in SOURCES for p in sorted(src.rglob("*"))
                         if p.is_file() and not p.name.endswith((".meta.json", ".md", ".tsv"))]
                lib.ingest(paths)
            counts = build(lib, args.out)
    for key, n in sorted(counts.items()):
        print(f"{key:>22} {n:>6}")


if __name__ == "__main__":
    main()
