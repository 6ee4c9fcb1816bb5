"""The architecture holds: data flows ingest -> index -> app, no import cycles, small modules,
and every module imports on its own in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGES = {"vidensbank": ROOT / "vidensbank", "vidensbank.ingest": ROOT / "ingest",
            "vidensbank.index": ROOT / "index", "vidensbank.app": ROOT / "app"}
# Each layer may use only those before it.
LAYERS = ("vidensbank.ingest", "vidensbank.index", "vidensbank.app")
MAX_LINES = 300


def modules() -> dict[str, Path]:
    out = {}
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            if package == "vidensbank" and path.parent != folder:
                continue
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join([package, *parts])] = path
    return out


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules `name` imports anywhere in its file, inside functions too."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            # `from pkg import module` imports that module; `from module import name` the module.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(path, name, set(mods)) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read() -> None:
    edges = graph()
    assert "vidensbank.index.search" in edges["vidensbank.index.answer"]
    assert "vidensbank.index.api" in edges["vidensbank.app.cli.search"]


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_a_cycle_would_be_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_data_flows_ingest_index_app_never_back() -> None:
    def layer(name: str) -> int:
        if name == "vidensbank.__main__":  # the entry point stands above every layer
            return len(LAYERS)
        return next((i for i, p in enumerate(LAYERS) if name.startswith(p)), -1)

    backwards = [(a, b) for a, targets in graph().items() for b in targets if layer(b) > layer(a)]
    assert backwards == []


def test_app_reaches_the_index_only_through_its_api() -> None:
    allowed = {"vidensbank.index.api", "vidensbank.index.config"}
    reach = [(a, b) for a, targets in graph().items() if a.startswith("vidensbank.app")
             for b in targets if b.startswith("vidensbank.index") and b not in allowed]
    assert reach == []


def test_no_module_over_300_lines() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    # Pages and the app script run under Streamlit; __main__ would run the CLI.
    names = [n for n in modules() if ".app_pages" not in n and not n.endswith("streamlit_app")
             and n != "vidensbank.__main__"]
    code = ("import importlib, sys\nfor n in sys.argv[1:]:\n"
            "    try:\n        importlib.import_module(n)\n"
            "    except Exception as exc:\n        print(n, type(exc).__name__, exc)\n")
    out = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr
