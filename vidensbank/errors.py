"""The project's error types; the CLI and the app show each one as a single line."""


class VidensbankError(Exception):
    """Base for every error a user can cause (bad input, missing index, wrong model)."""


class IngestError(VidensbankError):
    """A file or URL could not be turned into a document. The message says why, in one line."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

class IndexNotFoundError(VidensbankError):
    """No index at the configured path."""


class ModelMismatchError(VidensbankError):
    """The index was built with another embedding model than the one configured."""


class IndexLockedError(VidensbankError):
    """Another process is writing to the index."""


class ConfigError(VidensbankError):
    """A configuration value is invalid."""
