"""End to end in a real browser: `streamlit run` over the session's full store, driven by
Playwright in Debian's headless Chromium, as each of the app's three users would use it: the
official (a verdict with its clauses), the facilitator (every Assam handloom scheme, counted)
and the researcher (a figure from a table, its row highlighted beside the PDF page). Each
journey saves a screenshot and prints the timings measured in the browser."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from retrieval.core.settings import PROJECT_ROOT
from tests.conftest import require
from tests.test_server import _free_port

pytestmark = pytest.mark.slow
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("KARIGAR_CHROMIUM", "/usr/bin/chromium")
SERVER_LOG = ARTIFACTS / "streamlit-e2e.log"


@contextmanager
def _streamlit(settings, log_name: str):
    """`streamlit run ui/app.py` over `settings`'s store, as `make run` starts it; its URL."""
    port = _free_port()
    env = dict(
        os.environ,
        KARIGAR_DATA_DIR=str(settings.data_dir),
        KARIGAR_CORPUS_DIR=str(settings.corpus_dir),
    )
    log = ARTIFACTS / log_name
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


@pytest.fixture(scope="module")
def server(full_store):
    with _streamlit(full_store[0], SERVER_LOG.name) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    require(
        Path(CHROMIUM).exists() or shutil.which("chromium") is not None,
        "Debian's chromium (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def _open(browser, server):
    """A new session on the app; (page, seconds until the chat box is usable)."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    started = time.perf_counter()
    page.goto(server)
    page.get_by_placeholder("Ask about schemes").wait_for(timeout=120_000)
    return page, time.perf_counter() - started


# Records, in the page's own clock, when the last chat message first shows a source `marker`,
# or else holds every element of `selectors` (an image counted once it has loaded):
# Playwright's waits poll with growing pauses (up to 0.5 s between looks), so the time they
# return can be half a second after the answer was drawn.
_WATCH = """([marker, selectors]) => {
  window.__karigarSeen = null;
  window.__karigarAsked = performance.now();
  window.__karigarAskedAt = performance.timeOrigin + performance.now();  // the epoch, in ms
  const seen = () => { if (window.__karigarSeen === null) window.__karigarSeen = performance.now(); };
  const check = observer => {
    const messages = document.querySelectorAll("[data-testid='stChatMessage']");
    const last = messages[messages.length - 1];
    if (!last) return;
    if (marker !== null) {
      if ([...last.querySelectorAll("[data-testid='stExpander'] summary")]
          .some(s => s.textContent.includes(marker))) { observer.disconnect(); seen(); }
      return;
    }
    const found = selectors.map(s => last.querySelector(s));
    if (found.some(e => e === null)) return;
    observer.disconnect();
    const images = found.filter(e => e.tagName === "IMG" && !(e.complete && e.naturalWidth));
    if (!images.length) { seen(); return; }
    images.forEach(i => i.addEventListener("load", () => {
      if (images.every(j => j.complete && j.naturalWidth)) seen();
    }));
  };
  const observer = new MutationObserver((_, o) => check(o));
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def _watch(page, marker: str | None = None, selectors: tuple[str, ...] = ()) -> None:
    page.evaluate(_WATCH, [marker, list(selectors)])


def _seen(page) -> float:
    """Seconds from `_watch` to what it watched for, in the page's clock."""
    return page.evaluate("() => (window.__karigarSeen - window.__karigarAsked) / 1000")


def _models_loaded_at(log: Path) -> float:
    """When the server last said its models were loaded (`ui.web.warm_and_settle`), as an
    epoch: its log's clock is the browser's, on one machine."""
    said = re.findall(
        r"^(\S+ \S+) karigar\.app: search models and indexes loaded", log.read_text(), re.M
    )
    assert said, f"the server never said its models were loaded: {log}"
    return datetime.strptime(said[-1], "%Y-%m-%d %H:%M:%S,%f").timestamp()


def _ask(page, question: str, marker: str = "[1]", log: Path = SERVER_LOG) -> dict[str, float]:
    """Ask in the chat; the seconds until the answer's source `marker` is drawn (timed in the
    page), the pipeline's own seconds and those spent waiting for the models, and what the
    page added to them.

    A question asked while the models load waits from Enter until the server's log says they
    are loaded: the answer's own figure starts later, when the app's script began (under the
    loading the script starts 0.2 to 0.4 s after Enter), so it is reported beside."""
    box = page.get_by_placeholder("Ask about schemes")
    box.fill(question)
    _watch(page, marker)
    box.press("Enter")
    page.locator("[data-testid='stExpander'] summary").filter(has_text=marker).first.wait_for(
        timeout=120_000
    )
    seen = _seen(page)
    asked_at = page.evaluate("() => window.__karigarAskedAt / 1000")
    took = page.locator("[data-testid='stChatMessage']").last.get_by_text("answered in")
    said = took.first.inner_text()
    own = re.search(r"answered in ([\d.]+) s", said)
    assert own is not None
    waited = re.search(r"after ([\d.]+) s loading the models", said)
    timings = {"answer": seen, "pipeline": float(own.group(1))}
    if waited:
        timings["waited_for_models"] = _models_loaded_at(log) - asked_at
        timings["waited_as_the_answer_says"] = float(waited.group(1))
    timings["page_added"] = seen - timings["pipeline"] - timings.get("waited_for_models", 0.0)
    return timings


def _click(target) -> None:
    """Click as a person does: scroll the thing to the middle of the window first (near the
    bottom it sits under the chat box, and a click there lands on the box)."""
    target.evaluate("e => e.scrollIntoView({block: 'center'})")
    target.click()


def _switch_on(scope, label: str) -> None:
    """Turn a switch on with one click on its label, and see it on."""
    from playwright.sync_api import expect

    _click(scope.get_by_text(label).first)
    expect(scope.get_by_role("switch", name=label).first).to_be_checked(timeout=10_000)


def _shot(page, name: str) -> Path:
    """The whole app: the app scrolls inside its own frame, so the window is made as tall as
    what that frame holds (up to 9,000 pixels) before the picture."""
    tallest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1500, "height": min(9000, int(tallest) + 100)})
    page.wait_for_timeout(1500)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"journey-{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    return shot


def _report(capsys, name: str, shot: Path, **timings: float) -> None:
    with capsys.disabled():  # into the test output, passed or not
        said = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        print(f"\n{name}: screenshot {shot}; {said}")


def test_the_official_gets_a_verdict_with_its_clauses_on_their_page(browser, server, capsys):
    from playwright.sync_api import expect

    page, ready = _open(browser, server)
    asked = _ask(
        page,
        "Can a 45-year-old weaver in rural Assam with a Rs 12 lakh project get PMEGP margin "
        "money, and at what rate?",
    )
    answer = page.locator("[data-testid='stChatMessage']").last
    expect(answer).to_contain_text("PMEGP: margin money")
    expect(answer).to_contain_text("35%")  # the special-category rural rate, NER
    expect(answer).to_contain_text("Rs 4.2 lakh")
    expect(answer).to_contain_text("Has the applicant passed Class VIII?")  # asks what it needs
    expect(answer.get_by_text("Read with the conversation")).to_have_count(0)  # a first question
    source = answer.locator("[data-testid='stExpander'] summary").filter(has_text="[1]").first
    expect(source).to_contain_text("PMEGP")
    _click(source)
    expect(answer.locator("mark").first).to_be_visible(timeout=30_000)
    _watch(page, selectors=(".karigar-page", "[data-testid='stImage'] img"))
    _switch_on(answer, "Show the whole page")
    expect(answer.locator(".karigar-page").first).to_be_visible(timeout=60_000)
    expect(answer.locator("[data-testid='stImage'] img").first).to_be_visible(timeout=60_000)
    toggled = _seen(page)  # from the start of the click (the click itself included)
    shot = _shot(page, "official")
    _report(
        capsys,
        "official",
        shot,
        ready=ready,
        **asked,
        whole_page=toggled,
    )


def _idle(page) -> None:
    """Wait for the app's script run to end: a select opened while the run still draws the
    page is drawn again, closed, and the option clicked next is gone (with the models loaded
    in 3 s, the count above the table showed before the run ended in 2 of 4 tries)."""
    from playwright.sync_api import expect

    expect(page.locator("[data-testid='stApp']")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=30_000
    )


def test_the_facilitator_lists_every_assam_handloom_scheme(browser, server, capsys):
    from playwright.sync_api import expect

    page, ready = _open(browser, server)
    asked = _ask(page, "Which schemes support handloom weavers in Assam?", marker="[5]")
    answer = page.locator("[data-testid='stChatMessage']").last
    expect(answer).to_contain_text(re.compile(r"5 of \d+ schemes match"))
    expect(answer).to_contain_text("Swanirbhar Naari (Assam)")
    expect(answer.locator("[data-testid='stExpander'] summary")).to_have_count(5)
    # the same list on the Schemes page, from its filters
    page.locator("[data-testid='stSidebar']").get_by_text("Schemes", exact=True).click()
    expect(page.get_by_text(re.compile(r"^\d+ of \d+ schemes$"))).to_be_visible(timeout=30_000)
    _idle(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="State").click()
    page.get_by_role("option", name="Assam", exact=True).click()
    # each choice reruns the page: wait for it to say so before the next one
    expect(page.get_by_text("state: Assam (all-India schemes included)")).to_be_visible(
        timeout=30_000
    )
    _idle(page)
    kinds = page.locator("[data-testid='stMultiSelect']").filter(has_text="For (any of)")
    kinds.click()
    page.get_by_role("option", name="Handloom weavers", exact=True).click()
    page.keyboard.press("Escape")
    expect(kinds).to_contain_text("Handloom weavers", timeout=30_000)
    counted = page.get_by_text(re.compile(r"5 of \d+ schemes"))
    expect(counted).to_be_visible(timeout=30_000)
    expect(page.get_by_text("state: Assam (all-India schemes included)")).to_be_visible()
    grid = page.locator("[data-testid='stDataFrame']").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    grid.click(position={"x": 14, "y": 35 + 17})  # the first row's selection cell
    expect(page.get_by_role("heading", name="Swanirbhar Naari")).to_be_visible(timeout=30_000)
    expect(page.locator(".karigar-page h4").first).to_be_visible()  # the record, formatted
    shot = _shot(page, "facilitator")
    _report(capsys, "facilitator", shot, ready=ready, **asked)


def test_the_researcher_reads_a_table_figure_with_its_row_highlighted(browser, server, capsys):
    from playwright.sync_api import expect

    page, ready = _open(browser, server)
    asked = _ask(
        page,
        "Which is the smallest of the top service activities listed in the Andhra Pradesh "
        "MSME survey, and how many units does it have?",
    )
    answer = page.locator("[data-testid='stChatMessage']").last
    expect(answer).to_contain_text("Toll collection services 3,917")
    source = answer.locator("[data-testid='stExpander'] summary").filter(has_text="[1]").first
    expect(source).to_contain_text("Andhra Pradesh MSME survey")
    _click(source)
    expect(answer.locator("mark").filter(has_text="Toll collection")).to_be_visible()
    _switch_on(answer, "Show the whole page")
    whole = answer.locator(".karigar-page").first
    expect(whole.locator("mark").filter(has_text="3,917").first).to_be_visible(timeout=60_000)
    image = answer.locator("[data-testid='stImage'] img").first
    expect(image).to_be_visible(timeout=60_000)
    text_box, image_box = whole.bounding_box(), image.bounding_box()
    assert text_box and image_box and image_box["x"] > text_box["x"] + text_box["width"] / 2
    shot = _shot(page, "researcher")
    _report(capsys, "researcher", shot, ready=ready, **asked)


def test_an_upload_through_the_browser_is_read_and_then_found(
    browser, make_settings, mini_corpus, corpus
):
    """The upload path in the real server: the file is read by the ingest worker process
    (which under Streamlit must not run the app's script again) and its passage is found."""
    from playwright.sync_api import expect

    from ingest.pipeline import Ingestor

    settings = make_settings(mini_corpus)
    Ingestor(settings).run()
    record = corpus / "schemes" / "Bank_Guarantee_Charges_Reimbursement_Scheme.json"
    with _streamlit(settings, "streamlit-upload.log") as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(url)
        page.locator("[data-testid='stSidebar']").get_by_text("Corpus", exact=True).click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(record))
        _click(page.get_by_role("button", name="Ingest these files"))
        expect(page.get_by_text(re.compile(r"Bank_Guarantee.*: added, \d+ chunks"))).to_be_visible(
            timeout=120_000
        )
        page.locator("[data-testid='stSidebar']").get_by_text("Chat", exact=True).click()
        page.get_by_placeholder("Ask about schemes").wait_for(timeout=60_000)
        _ask(
            page,
            "What does the Bank Guarantee Charges Reimbursement Scheme reimburse?",
            log=ARTIFACTS / "streamlit-upload.log",
        )
        answer = page.locator("[data-testid='stChatMessage']").last
        expect(answer.locator("[data-testid='stExpander'] summary").first).to_contain_text(
            "Bank Guarantee"
        )
