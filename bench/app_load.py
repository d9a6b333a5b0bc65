"""Several people using the web app at once, each in their own browser session: the running
app (`streamlit run ui/app.py`, started here over KARIGAR_DATA_DIR) driven by Playwright in
Debian's Chromium, every user asking questions one after another, all users at the same time.

    .venv/bin/python -m bench.app_load [--users 4] [--questions 5]

Each answer is timed in the page (from Enter to its closing caption drawn, less any wait for
the models on a first start); the pipeline's own time is read from that caption. Prints
answers, errors (an exception or an error box on the page, or no answer within 120 s), and
p50 / p95 of the time in the browser and of the pipeline's own time, alone (one user) and
under load.
Exit code 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.answer_latency import percentile
from retrieval.core.settings import PROJECT_ROOT, Settings
from tests.test_e2e import CHROMIUM
from tests.test_server import _free_port

# when the `n`-th chat message (the answer awaited) first shows its closing caption, in the
# page's own clock: Playwright's waits poll with pauses of up to 0.5 s
_WATCH = """n => {
  window.__karigarSeen = null;
  window.__karigarAsked = performance.now();
  new MutationObserver((_, observer) => {
    const m = document.querySelectorAll("[data-testid='stChatMessage']")[n];
    if (window.__karigarSeen === null && m && m.textContent.includes("answered in")) {
      window.__karigarSeen = performance.now();
      observer.disconnect();
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""

QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "eval_set.jsonl"


async def _user(browser, url: str, asked: list[str], out: dict) -> None:
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        await page.goto(url)
        box = page.get_by_placeholder("Ask about schemes")
        await box.wait_for(timeout=120_000)
        for n, question in enumerate(asked, 1):
            await box.fill(question)
            await page.evaluate(_WATCH, 2 * n - 1)  # user, answer, user, answer...
            await box.press("Enter")
            message = page.locator("[data-testid='stChatMessage']").nth(2 * n - 1)
            try:
                await message.get_by_text("answered in").first.wait_for(timeout=120_000)
            except Exception as exc:
                out["errors"].append(f"{question[:60]}: no answer ({type(exc).__name__})")
                continue
            said = await message.get_by_text("answered in").first.inner_text()
            own = re.search(r"answered in ([\d.]+) s", said)
            waited = re.search(r"after ([\d.]+) s loading the models", said)
            seen = await page.evaluate(
                "() => (window.__karigarSeen - window.__karigarAsked) / 1000"
            )
            out["browser"].append(float(seen) - (float(waited.group(1)) if waited else 0.0))
            out["pipeline"].append(float(own.group(1)) if own else float("nan"))
            if await page.locator(
                "[data-testid='stException'], [data-testid='stAlertContentError']"
            ).count():
                out["errors"].append(f"{question[:60]}: an error on the page")
    finally:
        await page.close()


async def _round(url: str, users: int, per_user: list[list[str]]) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"browser": [], "pipeline": [], "errors": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        started = time.perf_counter()
        await asyncio.gather(*(_user(browser, url, per_user[i], out) for i in range(users)))
        out["wall"] = time.perf_counter() - started
        await browser.close()
    return out


def _say(label: str, out: dict) -> None:
    def p(key: str, share: float) -> float:
        return percentile(out[key], share) if out[key] else float("nan")

    print(
        f"{label}: {len(out['browser'])} answers in {out['wall']:.0f} s, "
        f"{len(out['errors'])} errors; in the browser p50 {p('browser', 0.5):.2f} / p95 "
        f"{p('browser', 0.95):.2f} s; the pipeline's own p50 {p('pipeline', 0.5):.2f} / p95 "
        f"{p('pipeline', 0.95):.2f} s"
    )
    for e in out["errors"][:5]:
        print(f"  error: {e}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    if not (settings.data_dir / "chroma").exists():
        print(f"no store in {settings.data_dir}: run `karigar ingest` first")
        return 2
    lines = [json.loads(x) for x in QUESTIONS.read_text("utf-8").splitlines() if x.strip()]
    asked = [x["question"] for x in lines]
    per_user = [asked[i * args.questions : (i + 1) * args.questions] for i in range(args.users)]
    port = _free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"karigar-app-load-{port}.log"
    with log.open("w") as sink:
        app = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "ui/app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        for _ in range(120):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        url = f"http://127.0.0.1:{port}"
        alone = asyncio.run(_round(url, 1, per_user))  # one user: the reference, models warm
        _say("1 user", alone)
        loaded = asyncio.run(_round(url, args.users, per_user))
        _say(f"{args.users} users at once", loaded)
        return 0 if not alone["errors"] and not loaded["errors"] else 1
    finally:
        app.terminate()
        app.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
