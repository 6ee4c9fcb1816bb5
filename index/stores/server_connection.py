"""Connections to a Qdrant server (or qdrant-client's local mode): one client per URL and
process, and the client's errors turned into one line for the user."""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from qdrant_client import QdrantClient
from vidensbank.index.config import Config

from vidensbank.errors import IndexLockedError, VidensbankError

LOCAL_PREFIXES = ("local:", "path:")
TIMEOUT_S = 60


class ServerUnavailableError(VidensbankError):
    """The Qdrant server could not be reached or refused the request."""


@dataclass
class _Connection:
    client: QdrantClient
    users: int = 0


# One client per URL and process: local mode locks its folder, so the chunk store and the
# document store must share a client; a server connection is worth sharing too.
_CONNECTIONS: dict[tuple[str, str | None], _Connection] = {}


@atexit.register
def _close_all() -> None:
    # Commands that never close their store: close clients before the interpreter tears down
    # the modules their destructors need (local mode complains loudly otherwise).
    for conn in list(_CONNECTIONS.values()):
        conn.client.close()
    _CONNECTIONS.clear()


def local_path(url: str) -> str | None:
    for prefix in LOCAL_PREFIXES:
        if url.startswith(prefix):
            return url[len(prefix):]
    return None


def connect(config: Config) -> QdrantClient:
    url = config.qdrant_url or ""
    key = (url, config.qdrant_api_key)
    if key not in _CONNECTIONS:
        _CONNECTIONS[key] = _Connection(_new_client(url, config.qdrant_api_key))
    _CONNECTIONS[key].users += 1
    return _CONNECTIONS[key].client


def release(client: QdrantClient) -> None:
    for key, conn in list(_CONNECTIONS.items()):
        if conn.client is client:
            conn.users -= 1
            if conn.users <= 0:
                del _CONNECTIONS[key]
                client.close()
            return


def _new_client(url: str, api_key: str | None) -> QdrantClient:
    path = local_path(url)
    if path is not None:
        try:
            return QdrantClient(path=path)
        except RuntimeError as exc:  # portalocker: the folder is open in another process
            raise IndexLockedError(f"Qdrant-mappen {path} er åben i en anden proces "
                                   f"(lokal tilstand tillader én ad gangen): {exc}") from None
    return QdrantClient(url=url, api_key=api_key, timeout=TIMEOUT_S)


@contextmanager
def server_call(url: str, what: str) -> Iterator[None]:
    """Turn connection and HTTP errors of the client into one line for the user."""
    try:
        yield
    except VidensbankError:
        raise
    except Exception as exc:
        if not type(exc).__module__.startswith(("qdrant_client", "httpx", "httpcore", "grpc")):
            raise
        raise ServerUnavailableError(f"Qdrant på {url} svarede ikke som ventet ({what}): "
                                     f"{type(exc).__name__}: {str(exc)[:200]}") from None
