"""A batch of broken and awkward files through `vidensbank ingest`: one-line reasons, no traceback.

The batch (tests/fixtures/bad_inputs.py) mixes files that must be refused with a clear reason
(empty, binary, truncated, encrypted, scanned, too big, too deep) with files that must be read
correctly although they are unusual (cp1252 and latin-1 without a charset, byte order marks, a
PDF with a broken cross-reference table, a name with spaces and æøå). The good ones are ingested
in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from fixtures.bad_inputs import write_bad_inputs
from fixtures.figures import record
from vidensbank.index.stores.docstore import DocStore

pytestmark = pytest.mark.integration  # the real model, an index on disk or a browser


def vidensbank(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """The installed console script (as a user runs it), else the module."""
    script = Path(sys.executable).with_name("vidensbank")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "vidensbank"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_each_bad_file_gets_its_reason_and_the_rest_is_ingested(tmp_path: Path) -> None:
    folder, index = tmp_path / "indbakke med æøå", tmp_path / "idx"
    expected = write_bad_inputs(folder)
    out = vidensbank("ingest", str(folder), "--json", "--index", str(index))
    assert out.returncode == 1, out.stderr  # some files failed: exit code 1, report on stdout
    assert "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    # A file whose text equals another's is that document's second source ("linked").
    linked = {Path(x["path"]).name: x["doc_id"] for x in report["linked"]}
    ingested = {Path(p).name for p in report["ingested"]} | set(linked)
    reasons = {Path(f["path"]).name: f["reason"] for f in report["failed"]}
    assert not ingested & set(reasons) and ingested | set(reasons) == set(expected)
    docs = DocStore(index / "documents.sqlite")
    stored = {Path(source).name: d.doc_id for d in docs.list()
              for source in d.metadata.get("sources") or [d.metadata["path"]]}
    assert all(stored.get(name) == doc_id for name, doc_id in linked.items())
    problems = []
    for name, want in expected.items():
        if not want.ingested:
            reason = reasons.get(name, "(ingested)")
            if want.reason not in reason or "\n" in reason:
                problems.append(f"{name}: expected '{want.reason}', got '{reason}'")
            continue
        doc = docs.get(stored[name]) if name in stored else None
        if doc is None or want.contains not in doc.text:
            problems.append(f"{name}: not ingested with its text ({reasons.get(name)})")
        elif want.doc_id and doc.doc_id != want.doc_id:
            problems.append(f"{name}: doc_id {doc.doc_id}, expected {want.doc_id}")
    docs.close()
    record("bad_inputs", files_tried=len(expected), ingested=len(ingested),
           refused_with_reason=len(reasons), wrong_outcomes=len(problems))
    assert not problems, "\n".join(problems)
