"""When to say that the library holds no answer, rather than quote the nearest sentences.

Three signs, each enough on its own:
- weak evidence: the best quote candidate's meaning similarity to the question (e5 cosine) and
  the share of the question's term weight it contains, fused as `evidence`, lie under a threshold
  chosen on the tune halves of evals/offtopic_questions.jsonl and the answerable sets
  (evals/tuning/tune_answers.py); the test halves judge it;
- no shared word: none of the question's content terms (BM25 stems) occurs in any candidate;
  a question in another language (index.text.language) shares no word with a Danish answer, so
  for it this sign is not read, and the evidence has a threshold of its own, chosen on English
  tune questions (evals/tuning/tune_language.py);
- another place: the question names a kommune or boligområde (the gazetteer ingest uses) that
  no retrieved document lists among its places and the best quote does not name either.
  "Hvilke helhedsplaner findes der i Esbjerg?" over a library without Esbjerg finds passages
  about helhedsplaner elsewhere; they do not answer it.
With a reader (index.reranking), the evidence of the candidates it read, its score added
(W_READER), takes the place of the first two: it reads the question and the sentence together,
across languages too, so an English question about a Danish passage shares no word with it and
is still answered.
"""

from __future__ import annotations

from collections.abc import Sequence

from vidensbank.index.answers import places
from vidensbank.index.answers.quotes import W_READER, Candidate, evidence_of
from vidensbank.index.retrieval.search import Hit
from vidensbank.index.text.language import is_foreign
from vidensbank.ingest import schema

THRESHOLD = 0.855  # just under the weakest answerable tune question (evals/tuning/tune_answers.py)
FOREIGN_THRESHOLD = 0.8204  # the same for a question in another language (tune_language.py)
READER_THRESHOLD = 0.855  # on the same scale, the reader's score added (quotes.W_READER)
REFUSAL = ("Vidensbanken har ikke noget svar på det spørgsmål: ingen af kilderne handler om det. "
           "Prøv at spørge med andre ord, eller søg i materialet.")


def evidence(cands: Sequence[Candidate]) -> float:
    """How strongly the best candidates answer the question (higher is stronger)."""
    if not cands:
        return float("-inf")
    return max(evidence_of(c.dense, c.lexical) for c in cands)


def unknown_places(question: str, cands: Sequence[Candidate], hits: Sequence[Hit]) -> list[str]:
    """The places the question names that the retrieved documents are not about."""
    asked = places.question_places(question)
    if not asked:
        return []
    listed = {str(name) for h in hits for kind in (schema.KOMMUNER, schema.BOLIGOMRAADER)
              for name in h.metadata.get(kind) or []}
    best = cands[0] if cands else None
    quote = best.text if best else ""
    return [name for name in asked if name not in listed and not places.named(quote, [name])]


def read_evidence(cands: Sequence[Candidate], weight: float = W_READER) -> float | None:
    """The best evidence of the candidates the reader read, its score added (None where no
    reader read them)."""
    read = [evidence_of(c.dense, c.lexical) + weight * c.reader for c in cands
            if c.reader is not None]
    return max(read) if read else None


def refuse(cands: Sequence[Candidate], threshold: float = THRESHOLD, *,
           question: str | None = None, hits: Sequence[Hit] = (),
           reader_threshold: float = READER_THRESHOLD,
           foreign_threshold: float = FOREIGN_THRESHOLD) -> bool:
    """Whether to refuse; the word and place signs, and the threshold for a question in
    another language, need the `question` (and its `hits`)."""
    best_read = read_evidence(cands)
    if best_read is not None:
        if best_read < reader_threshold:
            return True
        return question is not None and bool(unknown_places(question, cands, hits))
    foreign = question is not None and is_foreign(question)
    if evidence(cands) < (foreign_threshold if foreign else threshold):
        return True
    if question is None:
        return False
    no_shared_word = not foreign and max(c.lexical for c in cands) == 0
    return no_shared_word or bool(unknown_places(question, cands, hits))
