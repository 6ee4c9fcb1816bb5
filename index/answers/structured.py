"""Cited answers as structured output: a JSON schema that the server's grammar enforces.

llama.cpp, vLLM and Ollama turn the OpenAI API's `response_format` JSON schema into a grammar,
so the model can only write what the schema allows. Each point of the answer names one passage
(`kilde`), copies one of that passage's sentences (`citat`, an enum of them: verbatim by
construction) and then says it in its own Danish words (`saetning`). The quote comes first so that
the model writes its sentence with the evidence just in front of it; one passage per point keeps
the quote inside the passage it cites. The answer text is built from the points with [n] markers,
and index.answers.citation_check judges it.

A small model's own sentence is often not backed by the passage it names while its quote, fixed by
the grammar, is verbatim. So a point shows the model's sentence only where the checker passes it
and the quote alone supports it too; otherwise it shows the quote, marked as one, and keeps the
model's sentence beside it (`model_sentence`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from vidensbank.index.answers.citation_check import (
    MARKER,
    Passage,
    SentenceCheck,
    SupportScorer,
    quote_found,
    strip_markers,
)
from vidensbank.index.text.sentences import sentence_spans

MAX_POINTS = 3  # a short answer that fits MAX_TOKENS: a quote and a sentence are ~150 tokens
MAX_SENTENCE_CHARS = 300
MIN_QUOTE_CHARS = 20  # shorter "sentences" are headings and list stubs, not evidence
# llama-cpp-python (0.3.x) turns a `"` or `\` inside an enum string into a grammar that does not
# parse, and its server dies on it (segfault): such sentences are left out of the choices.
UNSAFE_IN_ENUM = ('"', "\\")


@dataclass(frozen=True)
class Point:
    n: int  # the passage, 1-based
    quote: str
    sentence: str
    as_quote: bool = False  # shown: the quote in place of the model's sentence


@dataclass(frozen=True)
class Evidence:
    """A quote as a passage of its own: the model's sentence is judged against it alone."""

    title: str
    text: str


@dataclass(frozen=True)
class AnswerSpan:
    """A point and where its sentence stands in the composed answer text."""

    point: Point
    start: int
    end: int


def passage_sentences(text: str) -> list[str]:
    """The passage's sentences, whitespace folded (quote_found compares that way)."""
    found = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    long = [s for s in found if len(s) >= MIN_QUOTE_CHARS]
    return [s for s in dict.fromkeys(long or [" ".join(text.split())])
            if s and not any(c in s for c in UNSAFE_IN_ENUM)]


def schema(passages: list[Passage]) -> dict[str, Any]:
    choices = [{
        "type": "object",
        "properties": {
            "kilde": {"type": "integer", "const": n},
            "citat": {"type": "string", "enum": passage_sentences(p.text)},
            "saetning": {"type": "string", "minLength": 1, "maxLength": MAX_SENTENCE_CHARS},
        },
        "required": ["kilde", "citat", "saetning"],
        "additionalProperties": False,
    } for n, p in enumerate(passages, start=1) if passage_sentences(p.text)]
    return {
        "type": "object",
        "properties": {"svar": {"type": "array", "items": {"anyOf": choices},
                                "minItems": 1, "maxItems": MAX_POINTS}},
        "required": ["svar"],
        "additionalProperties": False,
    }


def response_formats(passages: list[Passage]) -> list[dict[str, Any]]:
    """The schema in the forms servers read, to try in turn: the OpenAI API's (vLLM, Ollama,
    llama.cpp's llama-server), then `json_object` with `schema` (llama-cpp-python's server, whose
    request model allows only that form and answers 422 to the first)."""
    body = schema(passages)
    return [{"type": "json_schema",
             "json_schema": {"name": "citeret_svar", "strict": True, "schema": body}},
            {"type": "json_object", "schema": body}]


def parse(content: str, count: int) -> list[Point] | None:
    """The points of a structured reply; None when the reply is not of that shape (free text)."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    items = data.get("svar") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    points = []
    for item in items:
        if not isinstance(item, dict):
            return None
        n, quote, sentence = item.get("kilde"), item.get("citat"), item.get("saetning")
        if not isinstance(n, int) or not isinstance(quote, str) or not isinstance(sentence, str):
            return None
        if 1 <= n <= count and sentence.strip():
            points.append(Point(n, quote.strip(), sentence))
    return points


def quoted(quote: str) -> str | None:
    """The quote in the first pair of marks it holds none of (the checker reads the pair back);
    None where no pair fits or the quote holds a [n] of its own."""
    bare = " ".join(quote.split()).rstrip(" .")
    if not bare or MARKER.search(bare):
        return None
    for left, right, banned in (("„", "“", "“”"), ("«", "»", "»"), ("»", "«", "«")):
        if not any(c in bare for c in banned):
            return f"{left}{bare}{right}"
    return None


def line_of(p: Point) -> str | None:
    bare = quoted(p.quote) if p.as_quote else " ".join(MARKER.sub("", p.sentence).split())
    bare = (bare or "").rstrip(" .")
    return f"{bare} [{p.n}]." if bare else None


def compose(points: list[Point]) -> tuple[str, list[AnswerSpan]]:
    """The answer text, one point per line ending in its marker, and where each point stands.

    Markers the model wrote itself are dropped: the number comes from `kilde` alone. A line said
    before is not said again (small models repeat a point).
    """
    lines: list[str] = []
    placed: list[AnswerSpan] = []
    at = 0
    for p in points:
        line = line_of(p)
        if line is None or line in lines:
            continue
        placed.append(AnswerSpan(p, at, at + len(line)))
        lines.append(line)
        at += len(line) + 1
    return "\n".join(lines), placed


def agrees(point: Point, checks: list[SentenceCheck], passage: Passage,
           scorer: SupportScorer) -> bool:
    """The checker passed the model's sentence, and its verbatim quote alone supports it too."""
    if not checks or not all(c.supported for c in checks):
        return False
    if not quote_found(point.quote, [passage]):
        return False
    evidence = [Evidence(passage.title, point.quote)]
    bare = [strip_markers(c.text) for c in checks]
    return all(scorer.supports(scorer.score(b, v, evidence))
               for b, v in zip(bare, scorer.embed(bare), strict=True))


def settle(placed: list[AnswerSpan], sentences: list[SentenceCheck], passages: list[Passage],
           scorer: SupportScorer) -> list[Point]:
    """The points as they are to be shown: the model's sentence where it agrees with checker and
    quote; else the quote where it is verbatim in its passage; else the sentence, to be flagged."""
    out = []
    for p in placed:
        checks = [s for s in sentences if p.start <= s.start < p.end]
        passage = passages[p.point.n - 1]
        if agrees(p.point, checks, passage, scorer):
            out.append(p.point)
            continue
        usable = quoted(p.point.quote) is not None and quote_found(p.point.quote, [passage])
        out.append(replace(p.point, as_quote=usable))
    return out


def attach_quotes(sentences: list[SentenceCheck], placed: list[AnswerSpan],
                  passages: list[Passage]) -> list[SentenceCheck]:
    """Each checked sentence with its point's quote (and the model's sentence where the quote
    stands in its place); a quote not verbatim in its passage (a server that ignored the
    grammar) makes the sentence unsupported."""
    out = []
    for s in sentences:
        point = next((p.point for p in placed if p.start <= s.start < p.end), None)
        if point is None:
            out.append(s)
            continue
        checked = replace(s, quote=point.quote,
                          model_sentence=point.sentence if point.as_quote else None)
        if not quote_found(point.quote, [passages[point.n - 1]]):
            problem = f"citatet »{point.quote}« står ikke ordret i kilde [{point.n}]"
            checked = replace(checked, supported=False, problems=[*s.problems, problem])
        out.append(checked)
    return out
