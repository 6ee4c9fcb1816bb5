"""Cited answers as structured output: a JSON schema that the server's grammar enforces.

llama.cpp, vLLM and Ollama turn the OpenAI API's `response_format` JSON schema into a grammar,
so the model can only write what the schema allows. Each point of the answer names one passage
(`kilde`), copies one of that passage's sentences (`citat`, an enum of them: verbatim by
construction) and then says it in its own Danish words (`saetning`). The quote comes first so that
the model writes its sentence with the evidence just in front of it; one passage per point keeps
the quote inside the passage it cites. The answer text is built from the points with [n] markers,
and index.citation_check judges the model's sentences, not the quotes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from vidensbank.index.citation_check import MARKER, Passage, SentenceCheck, quote_found
from vidensbank.index.sentences import sentence_spans

MAX_POINTS = 3  # a short answer that fits MAX_TOKENS: a quote and a sentence are ~150 tokens
MAX_SENTENCE_CHARS = 300
MIN_QUOTE_CHARS = 20  # shorter "sentences" are headings and list stubs, not evidence


@dataclass(frozen=True)
class Point:
    n: int  # the passage, 1-based
    quote: str
    sentence: str


@dataclass(frozen=True)
class Placed:
    """A point and where its sentence stands in the composed answer text."""

    point: Point
    start: int
    end: int


def passage_sentences(text: str) -> list[str]:
    """The passage's sentences, whitespace folded (quote_found compares that way)."""
    found = [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]
    long = [s for s in found if len(s) >= MIN_QUOTE_CHARS]
    return list(dict.fromkeys(long or [" ".join(text.split())]))


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
    } for n, p in enumerate(passages, start=1) if p.text.strip()]
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


def compose(points: list[Point]) -> tuple[str, list[Placed]]:
    """The answer text, one point per line ending in its marker, and where each point stands.

    Markers the model wrote itself are dropped: the number comes from `kilde` alone.
    """
    lines: list[str] = []
    placed: list[Placed] = []
    at = 0
    for p in points:
        bare = " ".join(MARKER.sub("", p.sentence).split()).rstrip(" .")
        if not bare:
            continue
        line = f"{bare} [{p.n}]."
        placed.append(Placed(p, at, at + len(line)))
        lines.append(line)
        at += len(line) + 1
    return "\n".join(lines), placed


def attach_quotes(sentences: list[SentenceCheck], placed: list[Placed],
                  passages: list[Passage]) -> list[SentenceCheck]:
    """Each checked sentence with its point's quote; a quote not verbatim in its passage (a
    server that ignored the grammar) makes the sentence unsupported."""
    out = []
    for s in sentences:
        point = next((p.point for p in placed if p.start <= s.start < p.end), None)
        if point is None:
            out.append(s)
            continue
        checked = replace(s, quote=point.quote)
        if not quote_found(point.quote, [passages[point.n - 1]]):
            problem = f"citatet »{point.quote}« står ikke ordret i kilde [{point.n}]"
            checked = replace(checked, supported=False, problems=[*s.problems, problem])
        out.append(checked)
    return out
