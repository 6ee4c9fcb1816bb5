"""The ingest recipe: what decides an index's stored vectors beyond the model itself.

The manifest records it when an index is created and `vidensbank reindex` rewrites it. An index
built with another recipe stays usable (its vectors are near-equal to today's); the differences
are a notice that reindexing would bring it up to date, never an error.
"""

from __future__ import annotations

from typing import Any

RECIPE_VERSION = 2  # 1: 4-bit passage vectors, no stored quote units, no recipe in the manifest
# What indexes from before the recipe embedded passages with: the 4-bit graph, later the int8
# one without the smoothed FFN-out. Every onnxruntime path recorded since differs from both.
OLD_PASSAGES = "4-bit eller int8"
ONNX_PASSAGES = "onnx-"  # the start of every passage path through onnxruntime
UNITS = "units"  # quote units of every chunk embedded at ingest (units.sqlite)
# The reader the index was built beside (index.reranking). It decides no stored vector, so a
# change of reader is no reason to reindex: recorded, never reported as a change.
RERANKER = "reranker"


def make_recipe(passages: str, window_size: int) -> dict[str, Any]:
    return {"version": RECIPE_VERSION, "passages": passages, "window_size": window_size,
            UNITS: True}


def passage_path_of(embedder: Any) -> str:
    return str(getattr(embedder, "passage_path", "") or type(embedder).__name__)


def current_recipe(config: Any, embedder: Any) -> dict[str, Any]:
    """The recipe an ingest with this config and embedder writes (config: index.config.Config)."""
    return {**make_recipe(passage_path_of(embedder), int(config.window_size)),
            RERANKER: config.reranker}


def recipe_changes(recorded: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """What differs between the recipe an index was built with and the current one, in Danish;
    empty where they agree. No recorded recipe: built before recipes were recorded."""
    if not recorded:
        lines = ["bygget før opskriften blev gemt i indekset"]
        if str(current.get("passages", "")).startswith(ONNX_PASSAGES):
            lines.append(f"passagevektorer fra en ældre udgave ({OLD_PASSAGES})")
        if current.get(UNITS):
            lines.append("sætningsvektorer til citater er måske ikke gemt")
        return lines
    lines = []
    if recorded.get("passages") != current.get("passages"):
        lines.append(f"passagevektorer fra '{recorded.get('passages')}' "
                     f"(nu '{current.get('passages')}')")
    if recorded.get("window_size") != current.get("window_size"):
        lines.append(f"søgevinduer på {recorded.get('window_size')} tegn "
                     f"(nu {current.get('window_size')})")
    if bool(recorded.get(UNITS)) != bool(current.get(UNITS)):
        lines.append("sætningsvektorer til citater er ikke gemt" if current.get(UNITS)
                     else "sætningsvektorer til citater er gemt (nu ikke)")
    known = {"version", "passages", "window_size", UNITS, RERANKER}
    for key in sorted((set(recorded) | set(current)) - known):
        if recorded.get(key) != current.get(key):
            lines.append(f"{key}: {recorded.get(key)} (nu {current.get(key)})")
    if not lines and recorded.get("version") != current.get("version"):
        lines.append(f"opskrift version {recorded.get('version')} "
                     f"(nu {current.get('version')})")
    return lines
