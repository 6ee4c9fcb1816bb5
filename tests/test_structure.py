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
MAX_INDEX_TOP_MODULES = 8  # index/ beside its subpackages: the door, configuration, manifest ...
EVALUATION = "vidensbank.index.evaluation"
# The evaluation's own faces: the CLI's `eval` and the app's evaluation page.
EVALUATION_FACES = {"vidensbank.app.cli.evaluate", "vidensbank.app.app_pages.evaluation"}
TEXT_METHODS = {"split", "splitlines", "startswith", "endswith", "find", "rfind", "index",
                "partition", "rpartition", "strip", "count"}


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
    assert "vidensbank.index.retrieval.search" in edges["vidensbank.index.answers.extractive"]
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
    allowed = {"vidensbank.index.api", "vidensbank.index.config",
               "vidensbank.index.evaluation.api"}
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


def test_index_top_level_holds_few_modules() -> None:
    top = sorted(p.name for p in (ROOT / "index").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_INDEX_TOP_MODULES, top


def test_production_code_never_imports_evaluation() -> None:
    reach = [(a, b) for a, targets in graph().items()
             if not a.startswith(EVALUATION) and a not in EVALUATION_FACES
             for b in targets if b.startswith(EVALUATION)]
    assert reach == []


def _is_answer(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "answer"


def _reads_answer(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):  # x.answer.split(...)
        return node.attr in TEXT_METHODS and _is_answer(node.value)
    if isinstance(node, ast.Call):  # re.search(pattern, x.answer)
        func = node.func
        return (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id == "re" and any(map(_is_answer, node.args)))
    if isinstance(node, ast.Compare):  # "- " in x.answer
        return (any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and any(map(_is_answer, node.comparators)))
    return False


def parses_answer_text(source: str) -> list[int]:
    """Lines that read an answer's text back: `x.answer.split(...)`, `re.search(p, x.answer)`,
    `"- " in x.answer`. Rendering it whole (print, st.write) is no parsing."""
    return sorted(n.lineno for n in ast.walk(ast.parse(source)) if _reads_answer(n))


def test_the_app_never_parses_answer_text() -> None:
    found = {name: lines for name, path in modules().items() if name.startswith("vidensbank.app")
             if (lines := parses_answer_text(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_parsing_answer_text_would_be_found() -> None:
    source = ("lines = result.answer.splitlines()\nm = re.search(r'x', result.answer)\n"
              "ok = '- ' in result.answer\nprint(result.answer)\n")
    assert parses_answer_text(source) == [1, 2, 3]
