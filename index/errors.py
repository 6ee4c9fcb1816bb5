"""Errors of the index layer; all derive from the project's one base error."""

from ingest.errors import VidensbankError


class IndexNotFoundError(VidensbankError):
    """No index at the configured path."""


class ModelMismatchError(VidensbankError):
    """The index was built with another embedding model than the one configured."""


class IndexLockedError(VidensbankError):
    """Another process is writing to the index."""


class ConfigError(VidensbankError):
    """A configuration value is invalid."""
