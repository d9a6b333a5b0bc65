"""End to end in a real browser: `streamlit run` over the session's full store, driven by
Playwright in Debian's headless Chromium. Asks the brief's question, sees a cited answer,
opens a source and its whole page, and saves a screenshot (its path is printed)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.core.settings import PROJECT_ROOT
from tests.conftest import require

pytestmark = pytest.mark.slow
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("KARIGAR_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(full_store):
    settings = full_store[0]
    port = _free_port()
    env = dict(
        os.environ,
        KARIGAR_DATA_DIR=str(settings.data_dir),
        KARIGAR_CORPUS_DIR=str(settings.corpus_dir),
    )
    log = ARTIFACTS / "streamlit-e2e.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(PROJECT_ROOT / "ui" / "app.py"),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert proc.poll() is None, log.read_text()
                time.sleep(0.5)
            else:
                pytest.fail(f"streamlit did not listen on {port}: {log.read_text()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_ask_see_a_cited_answer_open_its_source_in_chromium(server, capsys):
    require(
        Path(CHROMIUM).exists() or shutil.which("chromium") is not None,
        "Debian's chromium (apt-get install chromium)",
    )
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        started = time.perf_counter()
        page.goto(server)
        box = page.get_by_placeholder("Ask about schemes")
        box.wait_for(timeout=120_000)
        ready = time.perf_counter() - started
        box.fill("Who is eligible for PMEGP?")
        box.press("Enter")
        asked = time.perf_counter()
        source = page.locator("[data-testid='stExpander'] summary").filter(has_text="[1]").first
        source.wait_for(timeout=120_000)
        answered = time.perf_counter() - asked
        answer = page.locator("[data-testid='stChatMessage']").last
        expect(answer).to_contain_text("[1]")
        expect(answer).to_contain_text("PMEGP")
        source.click()
        expect(page.locator("mark").first).to_be_visible(timeout=30_000)
        page.get_by_text("Show the whole page").first.click()
        expect(page.locator(".karigar-page").first).to_be_visible(timeout=60_000)
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "e2e-cited-answer.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
    with capsys.disabled():  # into the test output, passed or not
        print(
            f"\nscreenshot: {shot}\napp ready {ready:.1f} s after opening; first answer "
            f"{answered:.1f} s after asking"
        )
