"""One log line per question, for whoever runs the service.

`logged(kind)` wraps the Library methods every question passes through (search, ask, generate)
and writes, at INFO on the `vidensbank.queries` logger: the kind, the search mode, the hits, the
outcome (answer, refusal, hits, no hits, or the error's type) and the milliseconds. Never the
question or document text: the log may be read by others than those who asked. The time comes
from the handler `configure` installs.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger("vidensbank.queries")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

F = TypeVar("F", bound=Callable[..., Any])


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (a test or a server may replace it)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(level: str | None) -> None:
    """Send vidensbank's log lines at `level` and above to stderr (None: leave logging as is)."""
    if not level:
        return
    root = logging.getLogger("vidensbank")
    root.setLevel(level.upper())
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        root.propagate = False  # one line, not a second copy through the root logger's handler


def outcome(result: Any) -> tuple[int, str]:
    """(hits, outcome) of a search (a list of hits) or an answer (hits and citations)."""
    if isinstance(result, list):
        return len(result), "hits" if result else "no_hits"
    hits = len(getattr(result, "hits", []) or [])
    return hits, "answer" if getattr(result, "citations", None) else "refusal"


def logged(kind: str) -> Callable[[F], F]:
    def wrap(method: F) -> F:
        @functools.wraps(method)
        def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not log.isEnabledFor(logging.INFO):
                return method(self, *args, **kwargs)
            mode = kwargs.get("mode") or self.config.mode
            clock = time.perf_counter()
            try:
                result = method(self, *args, **kwargs)
            except Exception as exc:
                _line(kind, mode, 0, f"error:{type(exc).__name__}", clock)
                raise
            _line(kind, mode, *outcome(result), clock)
            return result

        return inner  # type: ignore[return-value]

    return wrap


def _line(kind: str, mode: str, hits: int, result: str, clock: float) -> None:
    ms = (time.perf_counter() - clock) * 1000
    log.info("question kind=%s mode=%s hits=%d outcome=%s ms=%.0f", kind, mode, hits, result, ms)
