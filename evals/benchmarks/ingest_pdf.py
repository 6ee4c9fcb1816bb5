"""Ingest time of one long report PDF: `vidensbank ingest` of a generated 300-page report.

    python -m evals.benchmarks.ingest_pdf [--pages 300] [--runs 1] [--out evals/out/] [--profile]

The PDF is generated once (cached under --out) from the corpus articles' sentences, spliced so
that none repeats (spliced()): Danish report prose with numbered chapter and section headings, a
running header and printed page numbers, as in a VIVE report. Each run ingests it with the CLI
into a fresh index under /tmp and prints wall seconds, CPU seconds (the child's user + system),
pages/s, chunks, chars/s and the load average before and after. --profile runs the same ingest
in-process under cProfile instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EVALS = Path(__file__).resolve().parents[1]
ROOT = EVALS.parent
CORPUS = ROOT / "corpus"
CHAPTERS = [
    "Indledning", "Baggrund og metode", "Boligområderne", "Samarbejde med kommunen",
    "Beskæftigelse og uddannelse", "Børn, unge og familier", "Beboerdemokrati",
    "Fremskudte indsatser", "Økonomi og organisering", "Erfaringer fra praksis",
    "Konklusion og anbefalinger",
]
SECTIONS = ["Formål", "Resultater", "Udfordringer", "Medarbejdernes erfaringer",
            "Beboernes perspektiv", "Opsamling"]
# fpdf2's core Helvetica is latin-1: typographic marks go to their plain forms.
PLAIN = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'",
                       "…": "...", "•": "-", "\u00a0": " "})


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(CORPUS.rglob("*.txt")):
        text = path.read_text(encoding="utf-8").translate(PLAIN)
        for part in re.split(r"(?<=[.!?])\s+", text):
            part = " ".join(part.split())
            latin1 = part.encode("latin-1", "ignore").decode("latin-1") == part
            if len(part.split()) >= 6 and latin1:
                found.append(part)
    return found


def spliced(rng: random.Random, pool: list[str], used: set[str]) -> str:
    """A sentence no earlier one repeats: the first half of one corpus sentence and the second
    half of another. A real report does not repeat its sentences, and ingest embeds a repeated
    text once: drawn whole from the pool, 28 % of a 60-page report's embedded characters
    repeated earlier ones."""
    while True:
        a, b = (s.split() for s in rng.sample(pool, 2))
        sentence = " ".join(a[:len(a) // 2] + b[len(b) // 2:])
        if sentence not in used:
            used.add(sentence)
            return sentence


def make_pdf(path: Path, pages: int = 300, seed: int = 12) -> Path:
    """A report of exactly `pages` pages: cover, chapters of ~25 pages with sections."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pool, used = sentences(), set[str]()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title("Boligsociale indsatser i udsatte boligområder")

    def header() -> None:
        if pdf.page_no() > 1:
            pdf.set_font("Helvetica", "", 8)
            pdf.cell(0, 6, "Boligsociale indsatser · Fiktiv rapport", align="R")
            pdf.ln(10)

    def footer() -> None:
        if pdf.page_no() > 1:
            pdf.set_y(-15)
            pdf.set_font("Helvetica", "", 9)
            pdf.cell(0, 10, str(pdf.page_no()), align="C")

    def line(height: float, text: str) -> None:
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    pdf.header, pdf.footer = header, footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    line(12, "Boligsociale indsatser i udsatte boligområder")
    pdf.set_font("Helvetica", "", 14)
    line(8, "En fiktiv evaluering til måling af indlæsning - VIVE 2024")
    chapter = 0
    while pdf.page_no() < pages:
        chapter += 1
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        line(9, f"{chapter} {CHAPTERS[(chapter - 1) % len(CHAPTERS)]}")
        for section in range(1, 9):
            if pdf.page_no() >= pages:
                break
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 12)
            line(7, f"{chapter}.{section} {SECTIONS[(section - 1) % len(SECTIONS)]}")
            pdf.set_font("Helvetica", "", 10.5)
            for _ in range(rng.randint(4, 7)):
                if pdf.page_no() >= pages:
                    break
                line(5, " ".join(spliced(rng, pool, used) for _ in range(rng.randint(3, 6))))
                pdf.ln(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def cached_pdf(out: Path, pages: int) -> Path:
    path = out / f"bench_report_{pages}p_unique.pdf"  # sentences not repeated (spliced)
    return path if path.exists() else make_pdf(path, pages)


def ingest_once(pdf: Path, extra: list[str]) -> dict[str, Any]:
    """`vidensbank ingest --json PDF` into a fresh index; the child's wall and CPU seconds."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="bench-ingest-") as index:
        cli = str(Path(sys.executable).parent / "vidensbank")
        cmd = [cli, "ingest", str(pdf), "--index", index, "--json", *extra]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()
        clock = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - clock
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise SystemExit(f"ingest fejlede: {proc.stderr[-2000:]}")
        report = json.loads(proc.stdout)
        chars = _document_chars(Path(index))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "chunks": report["chunks"],
            "chars": chars, "seconds": report["seconds"], "load_before": load,
            "load_after": os.getloadavg()}


def _document_chars(index: Path) -> int:
    from vidensbank.index.api import Library
    from vidensbank.index.config import load_config

    with Library.open(load_config(index_dir=str(index))) as library:
        return sum(len(library.show(d.doc_id).text) for d in library.documents())


def profile(pdf: Path) -> None:
    import cProfile
    import pstats

    from vidensbank.index.api import Library
    from vidensbank.index.config import load_config

    with (tempfile.TemporaryDirectory(dir="/tmp", prefix="bench-ingest-") as index,
          Library.open(load_config(index_dir=index), create=True) as library):
        prof = cProfile.Profile()
        prof.enable()
        library.ingest([pdf])
        prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Indlæsningstid for én lang rapport-PDF")
    p.add_argument("--pages", type=int, default=300)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--out", type=Path, default=EVALS / "out")
    p.add_argument("--profile", action="store_true", help="cProfile i stedet for tidtagning")
    p.add_argument("extra", nargs="*", help="flere argumenter til vidensbank ingest")
    args = p.parse_args(argv)
    pdf = cached_pdf(args.out, args.pages)
    if args.profile:
        profile(pdf)
        return 0
    for _ in range(args.runs):
        r = ingest_once(pdf, args.extra)
        print(f"{args.pages} sider: {r['wall_s']:.1f} s væg, {r['cpu_s']:.1f} s CPU, "
              f"{args.pages / r['wall_s']:.1f} sider/s, {r['chunks']} tekstbidder, "
              f"{r['chars'] / r['wall_s']:.0f} tegn/s ({r['chars']} tegn); "
              f"faser {r['seconds']}; belastning {r['load_before'][0]:.2f} -> "
              f"{r['load_after'][0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
