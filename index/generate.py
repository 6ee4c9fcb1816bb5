"""Generated answers from any OpenAI-compatible endpoint, each sentence checked before it is shown.

Optional (`pip install .[llm]`): llama-index's OpenAILike speaks the OpenAI chat API to a local
server (llama.cpp, vLLM, Ollama) or a hosted one. The model sees the retrieved passages numbered
[1]..[k] and must end every Danish sentence with the numbers it rests on; index.citation_check
then marks each sentence supported or not. Without an LLM the extractive answer is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vidensbank.index.citation_check import (
    NO_SOURCE_ANSWER,
    SentenceCheck,
    check_answer,
    scorer_for,
)
from vidensbank.index.citations import CitedPassage, as_dicts
from vidensbank.index.config import Config
from vidensbank.index.kb import KnowledgeBase
from vidensbank.index.search import Hit, search
from vidensbank.index.stores.base import Filters

from vidensbank.errors import ConfigError, VidensbankError

DEFAULT_LLM_MODEL = "default"  # what single-model servers (llama.cpp, vLLM) accept
NO_API_KEY = "ingen-noegle"  # the OpenAI client insists on a key; local servers ignore it
MAX_TOKENS = 800
TIMEOUT_S = 120.0
SYSTEM_PROMPT = """Du besvarer spørgsmål om boligsocialt arbejde ud fra nummererede kildeuddrag.
Regler:
1. Svar på dansk og kun med det, uddragene siger. Tilføj ingen viden udefra.
2. Hver sætning slutter med nummeret på det eller de uddrag, der understøtter den, i firkantede
parenteser før punktummet, fx: "Helhedsplanen samarbejder med jobcentret [2]." eller "[1][3]".
3. Brug kun numrene 1 til {count}.
4. Gengiver du ordret, så sæt citatet i „ “ og skriv det nøjagtigt som i uddraget.
5. Hvis uddragene ikke besvarer spørgsmålet, så skriv kun: {refusal}"""


class LLMError(VidensbankError):
    """The language model could not be reached or gave no answer."""


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

    @property
    def all_supported(self) -> bool:
        return all(s.supported for s in self.sentences)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "citations": as_dicts(self.citations),
                "sentences": [s.as_dict() for s in self.sentences]}


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


def build_messages(question: str, hits: list[Hit]) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    sources = "\n\n".join(f"[{i}] {h.citation}\n{h.text}" for i, h in enumerate(hits, start=1))
    system = SYSTEM_PROMPT.format(count=len(hits), refusal=NO_SOURCE_ANSWER)
    user = f"Kildeuddrag:\n\n{sources}\n\nSpørgsmål: {question}"
    return [ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)]


def complete(llm: Any, messages: list[Any]) -> str:
    import openai

    try:
        response = llm.chat(messages)
    except openai.APIError as exc:
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


def generate(kb: KnowledgeBase, question: str, *, llm: Any = None, top_k: int | None = None,
             filters: Filters | None = None) -> GeneratedAnswer:
    """Retrieve, ask the LLM with numbered passages, check every sentence of its answer."""
    hits = search(kb, question, top_k=top_k, filters=filters)
    if not hits:
        return GeneratedAnswer(question, NO_SOURCE_ANSWER, [], [])
    text = complete(llm or make_llm(kb.config), build_messages(question, hits))
    sentences = check_answer(text, hits, scorer_for(kb))
    return GeneratedAnswer(question, text, cited_passages(sentences, hits), hits, sentences)
