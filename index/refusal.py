"""When to say that the library holds no answer, rather than quote the nearest sentences.

The evidence is the best quote candidate: its meaning similarity to the question (e5 cosine) and
the share of the question's term weight it contains. Both are fused as `evidence` and compared to
a threshold chosen on the tune halves of evals/offtopic_questions.jsonl and
evals/questions_paraphrase.jsonl (evals/tune_answers.py); the test halves judge it.
"""

from __future__ import annotations

from collections.abc import Sequence

from vidensbank.index.quotes import Candidate

LEXICAL_WEIGHT = 0.1
THRESHOLD = 0.855  # just under the weakest answerable tune question (evals/tune_answers.py)
REFUSAL = ("Vidensbanken har ikke noget svar på det spørgsmål: ingen af kilderne handler om det. "
           "Prøv at spørge med andre ord, eller søg i materialet.")


def evidence(cands: Sequence[Candidate]) -> float:
    """How strongly the best candidates answer the question (higher is stronger)."""
    if not cands:
        return float("-inf")
    return max(c.dense + LEXICAL_WEIGHT * c.lexical for c in cands)


def refuse(cands: Sequence[Candidate], threshold: float = THRESHOLD) -> bool:
    return evidence(cands) < threshold
