"""The running app with several users: N headless browser sessions ask at the same time.

    python -m evals.benchmarks.app_load --index DIR [--sessions 8] [--rounds 3] [--modes link,typed]

Starts `vidensbank app` on a free loopback port, opens N browser contexts in Debian's chromium
(each its own Streamlit session) and in every round has all of them ask a different question at
once, in two ways:
- `link`: each opens the Spørg page anew with the question in the URL (a shared link: the whole
  page loads, a new session starts); time from navigation until the answer box is on the page;
- `typed`: each keeps its Spørg page open, types the question and presses Enter (a user asking
  the next question); time from Enter until the new answer has replaced the last one.
Prints p50/p95 over all answers per mode, and the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
from vidensbank.app.ui_text import ASK_INPUT

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ANSWER = "div.vb-answer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[str]:
    lines = (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def wait_healthy(port: int, timeout: float = 180.0) -> None:
    until = time.time() + timeout
    while time.time() < until:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("appen startede ikke")


async def ask(context: object, port: int, question: str) -> float:
    page = await context.new_page()  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}/?q={urllib.parse.quote(question)}"
    clock = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(ANSWER, timeout=180_000)
    elapsed = time.perf_counter() - clock
    await page.close()
    return elapsed


async def open_ask_page(context: object, port: int, question: str) -> object:
    """A Spørg page showing the answer to `question`: where a typing user starts (untimed)."""
    page = await context.new_page()  # type: ignore[attr-defined]
    await page.goto(f"http://127.0.0.1:{port}/?q={urllib.parse.quote(question)}")
    await page.wait_for_selector(ANSWER, timeout=180_000)
    return page


async def ask_typed(page: object, question: str) -> float:
    before = await page.inner_text(ANSWER)  # type: ignore[attr-defined]
    box = page.get_by_label(ASK_INPUT)  # type: ignore[attr-defined]
    await box.fill(question)
    clock = time.perf_counter()
    await box.press("Enter")
    # The new answer is in once the box holds other text and the URL names the new question.
    await page.wait_for_function(  # type: ignore[attr-defined]
        """([sel, before, q]) => {
            const box = document.querySelector(sel);
            return box && box.innerText !== before
                && new URL(location.href).searchParams.get("q") === q;
        }""", arg=[ANSWER, before, question], timeout=180_000)
    return time.perf_counter() - clock


async def run(port: int, sessions: int, rounds: int, modes: list[str]) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    pool = questions()
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM,
                                           args=["--no-sandbox", "--disable-gpu"])
        contexts = [await browser.new_context() for _ in range(sessions)]
        await asyncio.gather(*(ask(c, port, pool[0]) for c in contexts[:1]))  # warm the server
        pages = ([await open_ask_page(c, port, pool[-1 - k]) for k, c in enumerate(contexts)]
                 if "typed" in modes else [])
        for r in range(rounds):
            batch = [pool[(r * sessions + k + 1) % len(pool)] for k in range(sessions)]
            if "link" in modes:
                times["link"] += await asyncio.gather(*(ask(c, port, q) for c, q in zip(
                    contexts, batch, strict=True)))
            if "typed" in modes:
                later = [pool[(r * sessions + k + 1 + len(pool) // 2) % len(pool)]
                         for k in range(sessions)]
                times["typed"] += await asyncio.gather(*(ask_typed(p, q) for p, q in zip(
                    pages, later, strict=True)))
        await browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default="link,typed")
    args = parser.parse_args()
    port = free_port()
    cli = Path(sys.executable).with_name("vidensbank")
    server = subprocess.Popen([str(cli), "app", "--index", args.index, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_healthy(port)
        before = os.getloadavg()[0]
        times = asyncio.run(run(port, args.sessions, args.rounds, args.modes.split(",")))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    after = os.getloadavg()[0]
    for mode, got in times.items():
        ms = np.array(got) * 1000
        print(f"{mode}: {args.sessions} samtidige sessioner, {len(got)} svar: "
              f"p50 {statistics.median(ms):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, "
              f"max {ms.max():.0f} ms (belastning {before:.1f} -> {after:.1f})")


if __name__ == "__main__":
    main()
