"""The running app with several users: N headless browser sessions ask at the same time.

    python evals/bench_app_load.py --index DIR [--sessions 8] [--rounds 3]

Starts `vidensbank app` on a free loopback port, opens N browser contexts in Debian's chromium
(each its own Streamlit session), and in every round has all of them open the Spørg page with a
different question in the URL at once. Time to answer: from navigation until the answer box is on
the page. Prints p50/p95 over all answers, and the load average before and after.
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

ROOT = Path(__file__).resolve().parent.parent
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


async def run(port: int, sessions: int, rounds: int) -> list[float]:
    from playwright.async_api import async_playwright

    pool = questions()
    times: list[float] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM,
                                           args=["--no-sandbox", "--disable-gpu"])
        contexts = [await browser.new_context() for _ in range(sessions)]
        await asyncio.gather(*(ask(c, port, pool[0]) for c in contexts[:1]))  # warm the server
        for r in range(rounds):
            batch = [pool[(r * sessions + k + 1) % len(pool)] for k in range(sessions)]
            times += await asyncio.gather(*(ask(c, port, q) for c, q in zip(contexts, batch,
                                                                              strict=True)))
        await browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    cli = Path(sys.executable).with_name("vidensbank")
    server = subprocess.Popen([str(cli), "app", "--index", args.index, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_healthy(port)
        before = os.getloadavg()[0]
        times = asyncio.run(run(port, args.sessions, args.rounds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    ms = np.array(times) * 1000
    print(f"{args.sessions} samtidige sessioner, {len(times)} svar: "
          f"p50 {statistics.median(ms):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, "
          f"max {ms.max():.0f} ms (belastning {before:.1f} -> {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
