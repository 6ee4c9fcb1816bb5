"""Generated answers from any OpenAI-compatible endpoint, each sentence checked before it is shown.

Optional (`pip install .[llm]`): llama-index's OpenAILike speaks the OpenAI chat API to a local
server (llama.cpp, vLLM, Ollama) or a hosted one. The model sees the retrieved passages numbered
[1]..[k]. Where the server takes a JSON schema (index.answers.structured), the answer comes as
points that each name a passage and copy a sentence of it; elsewhere as free text that must end
every Danish sentence with the numbers it rests on. index.answers.citation_check then marks each
sentence supported or not, and an answer with too few supported sentences falls back to the
extractive
answer (mode "fallback"), the model's text kept beside it. Without an LLM the extractive answer is
used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vidensbank.index.answers import structured
from vidensbank.index.answers.citation_check import (
    NO_SOURCE_ANSWER,
    SentenceCheck,
    check_answer,
    scorer_for,
)
from vidensbank.index.answers.extractive import Answer, answer
from vidensbank.index.config import Config
from vidensbank.index.open_index import OpenIndex
from vidensbank.index.retrieval.citations import CitedPassage, as_dicts
from vidensbank.index.retrieval.search import Hit, normalize_query, search
from vidensbank.index.stores.base import Filters

from vidensbank.errors import ConfigError, VidensbankError

DEFAULT_LLM_MODEL = "default"  # what single-model servers (llama.cpp, vLLM) accept
NO_API_KEY = "ingen-noegle"  # the OpenAI client insists on a key; local servers ignore it
MAX_TOKENS = 800
TIMEOUT_S = 300.0  # a CPU-only local model reads five passages in minutes under load
SYSTEM_PROMPT = """Du besvarer spørgsmål om boligsocialt arbejde ud fra nummererede kildeuddrag.
Regler:
1. Svar på dansk og kun med det, uddragene siger. Tilføj ingen viden udefra.
2. Hver sætning slutter med nummeret på det eller de uddrag, der understøtter den, i firkantede
parenteser før punktummet, fx: "Helhedsplanen samarbejder med jobcentret [2]." eller "[1][3]".
3. Brug kun numrene 1 til {count}.
4. Gengiver du ordret, så sæt citatet i „ “ og skriv det nøjagtigt som i uddraget.
5. Hvis uddragene ikke besvarer spørgsmålet, så skriv kun: {refusal}"""
STRUCTURED_PROMPT = """Du besvarer spørgsmål om boligsocialt arbejde ud fra nummererede kildeuddrag.
Svar med JSON: en liste "svar" med 1 til {points} punkter. Hvert punkt har:
- "kilde": nummeret på det uddrag, punktet bygger på (1 til {count}),
- "citat": en sætning ordret fra det uddrag, som besvarer spørgsmålet,
- "saetning": en kort sætning på dansk, der svarer på spørgsmålet med citatets egne ord og ikke
siger mere, end citatet siger."""
# Fall back unless at least half of the model's sentences are supported: the extractive answer is
# backed sentence by sentence, and a generated one where flagged sentences outnumber backed ones
# gives the reader more to distrust than to use. Zero supported sentences always falls back. Quotes
# shown in place of the model's sentences (index.answers.structured) do not count: they are the
# passages' words, picked by the model. On the tune half of evals/questions.jsonl (SmolLM2-135M,
# evals/quality/generated_answers.py, top-k 3) answers made only of such quotes held the gold answer
# in 1 of 23, the extractive answers to the same questions in 20 (test half: 2 of 24 against 16):
# where the model adds nothing of its own, the extractive answer is the better one to show.
MIN_SUPPORTED_SHARE = 0.5
FALLBACK_NOTE = ("Sprogmodellens svar kunne ikke underbygges af kilderne; her er i stedet de "
                 "ordrette uddrag, der bedst besvarer spørgsmålet.")


class LLMError(VidensbankError):
    """The language model could not be reached or gave no answer."""


class Rejected(LLMError):
    """The server refused a request option (400/422), e.g. `response_format`."""


@dataclass
class GeneratedAnswer:
    """An LLM answer with its numbered passages and the check of each sentence.

    `hits[n-1]` is passage [n]; `citations` holds the passages the answer cites (each whole, an
    exact slice of the document); `sentences` says per sentence whether it is supported and, if
    not, why (`problems`, in Danish). Offsets in `sentences` index `answer`.
    """

    question: str
    answer: str
    citations: list[CitedPassage]
    hits: list[Hit]
    sentences: list[SentenceCheck] = field(default_factory=list)
    output: str = "free"  # "structured": the server kept to the JSON schema
    extractive: Answer | None = None  # set when the answer fell back to it

    @property
    def all_supported(self) -> bool:
        return all(s.supported for s in self.sentences)

    @property
    def mode(self) -> str:
        """"generated": show the model's checked text; "fallback": show `extractive`."""
        return "fallback" if self.extractive is not None else "generated"

    @property
    def note(self) -> str | None:
        return FALLBACK_NOTE if self.extractive is not None else None

    def as_dict(self) -> dict[str, Any]:
        """`answer`, `citations`, `sentences`: the model's text, checked; `extractive`: the
        answer shown instead when `mode` is "fallback" (null otherwise)."""
        return {"question": self.question, "mode": self.mode, "output": self.output,
                "note": self.note, "answer": self.answer,
                "citations": as_dicts(self.citations),
                "sentences": [s.as_dict() for s in self.sentences],
                "extractive": self.extractive.as_dict() if self.extractive else None}


def api_base(url: str) -> str:
    """The API root; a bare host gets the usual /v1."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"ugyldig LLM-adresse '{url}': brug fx http://localhost:8000/v1")
    return url.rstrip("/") + ("/v1" if parts.path in ("", "/") else "")


def make_llm(config: Config) -> Any:
    if not config.llm_url:
        raise ConfigError("ingen sprogmodel valgt: angiv --llm URL eller VIDENSBANK_LLM_URL")
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError:
        raise ConfigError("genererede svar kræver `pip install .[llm]`") from None
    return OpenAILike(model=config.llm_model or DEFAULT_LLM_MODEL, api_base=api_base(
        config.llm_url), api_key=config.llm_api_key or NO_API_KEY, is_chat_model=True,
        temperature=0.0, max_tokens=MAX_TOKENS, timeout=TIMEOUT_S, max_retries=1)


def build_messages(question: str, hits: list[Hit], *, constrained: bool = False) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    sources = "\n\n".join(f"[{i}] {h.citation}\n{h.text}" for i, h in enumerate(hits, start=1))
    system = (STRUCTURED_PROMPT.format(points=structured.MAX_POINTS, count=len(hits))
              if constrained else SYSTEM_PROMPT.format(count=len(hits), refusal=NO_SOURCE_ANSWER))
    user = f"Kildeuddrag:\n\n{sources}\n\nSpørgsmål: {question}"
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def complete(llm: Any, messages: list[Any], **kwargs: Any) -> str:
    import openai

    try:
        response = llm.chat(messages, **kwargs)
    except openai.APIError as exc:
        # A server without structured output says so with 400/422, or, llama-cpp-python's, with a
        # 500 naming the field: the caller asks again in another form.
        status = getattr(exc, "status_code", None)
        if kwargs and (status in (400, 422) or any(k in str(exc) for k in kwargs)):
            raise Rejected(str(exc)) from None
        where = getattr(llm, "api_base", "")
        raise LLMError(f"sprogmodellen på {where} svarede ikke: {type(exc).__name__}: "
                       f"{' '.join(str(exc).split())[:200]}") from None
    text = (response.message.content or "").strip()
    if not text:
        raise LLMError("sprogmodellen gav et tomt svar")
    return text


def cited_passages(sentences: list[SentenceCheck], hits: list[Hit]) -> list[CitedPassage]:
    numbers = sorted({n for s in sentences for n in s.citations if 1 <= n <= len(hits)})
    return [CitedPassage.of(n, hits[n - 1]) for n in numbers]


def ask_model(llm: Any, question: str, hits: list[Hit], constrained: bool
              ) -> tuple[str, list[structured.AnswerSpan] | None]:
    """The answer text, and where each structured point stands in it (None: free text).

    A server that rejects both forms of `response_format` is asked again for free text; one that
    ignores it answers in free text anyway, which is then checked as such.
    """
    if constrained:
        messages = build_messages(question, hits, constrained=True)
        for form in structured.response_formats(hits):
            try:
                reply = complete(llm, messages, response_format=form)
            except Rejected:
                continue
            points = structured.parse(reply, len(hits))
            return (reply, None) if points is None else structured.compose(points)
    return complete(llm, build_messages(question, hits)), None


def falls_back(sentences: list[SentenceCheck]) -> bool:
    """Too few of the model's own sentences hold up (a quote in place of one is not its own)."""
    supported = sum(s.supported and s.model_sentence is None for s in sentences)
    return supported == 0 or supported < MIN_SUPPORTED_SHARE * len(sentences)


def generate(idx: OpenIndex, question: str, *, llm: Any = None, top_k: int | None = None,
             filters: Filters | None = None, constrained: bool = True) -> GeneratedAnswer:
    """Retrieve, ask the LLM with numbered passages, check every sentence of its answer, and
    fall back to the extractive answer when too few sentences are supported.

    `constrained=False` asks for free text even where the server could keep to a schema.
    """
    hits = search(idx, question, top_k=top_k, filters=filters)
    question = normalize_query(question)  # what search read, and the model
    if not hits:
        return GeneratedAnswer(question, NO_SOURCE_ANSWER, [], [])
    text, placed = ask_model(llm or make_llm(idx.config), question, hits, constrained)
    scorer = scorer_for(idx)
    sentences = check_answer(text, hits, scorer)
    if placed is not None:  # shown: sentences that hold up, quotes in place of the rest
        text, placed = structured.compose(structured.settle(placed, sentences, hits, scorer))
        sentences = structured.attach_quotes(check_answer(text, hits, scorer), placed, hits)
    result = GeneratedAnswer(question, text, cited_passages(sentences, hits), hits, sentences,
                             "structured" if placed is not None else "free")
    if falls_back(sentences):
        result.extractive = answer(idx, question, top_k=top_k, filters=filters)
    return result
