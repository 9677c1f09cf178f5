"""The first visit of a fresh server, and the browser console on every page.

* On a fresh ``streamlit run app.py`` (a server of its own per test), the
  sidebar's page list is sampled every ~100 ms from the navigation until the
  page title appears: at every sample it shows only the app's page titles, or
  nothing (never the file names of ``pages/`` that Streamlit's legacy
  multipage mode lists).  The time to the title is measured, not asserted:
  it goes to ``artifacts/browser_metrics.json`` (``first_visit_*``), the
  samples to ``artifacts/first_visit/<name>.json`` and screenshots at ~0.5 s
  and at the title to ``artifacts/first_visit/``.
  The server's CPU-seconds from the navigation to the title go there too
  (``first_visit_server_cpu_seconds``): on a busy machine they vary far less
  than the wall-clock time.
* Every page opened by its URL logs no console error.  Streamlit's frontend
  looks for the server under a page's path first (``/reservoir/_stcore/health``,
  ``/reservoir/_stcore/host-config``: two 404s, streamlit/streamlit#7074), so
  ``app.py``'s server answers a page's URL with a redirect to
  ``/?page=reservoir&...`` (``pages._ui.shell.page_redirects``); a root link
  naming its page logs none either.
"""

import json
import time

import psutil
import pytest

from pages._ui.shell import PAGES

from .conftest import ARTIFACTS, RUN_TIMEOUT_MS, start_server, stop_server
from .test_e2e import IDLE, open_page, shared_sliders, wait_for_app

pytestmark = pytest.mark.browser

FIRST_VISIT = ARTIFACTS / "first_visit"
#: The page titles the sidebar may show.
TITLES = {title for _, title, _, _ in PAGES}
#: Seconds between two samples of the sidebar.
SAMPLE_EVERY = 0.1
#: Seconds a fresh server may take to show the title before the test gives up (2 busy cores).
TITLE_TIMEOUT = 120
#: The sidebar's page list: each link's label without its Material icon (whose name is text).
NAV_LABELS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavItems"] a')).map(link => {
        const label = link.cloneNode(true);
        label.querySelectorAll('[data-testid="stIconMaterial"]').forEach(icon => icon.remove());
        return label.innerText.trim();
    })"""


def _title_text(page):
    """Text of the page's first ``h1``, or None while there is none."""
    return page.evaluate("() => document.querySelector('h1')?.innerText ?? null")


def sample_first_visit(page, url, title, name):
    """Open ``url``, sample the sidebar's page list until an ``h1`` shows ``title``.

    Returns ``(samples, seconds_to_title)``; each sample is
    ``{"t": seconds, "nav": [labels], "title": document.title}``.  Screenshots
    at ~0.5 s and at the title go to ``artifacts/first_visit/<name>_*.png``.
    """
    FIRST_VISIT.mkdir(parents=True, exist_ok=True)
    samples, shot_taken = [], False
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    while True:
        now = time.perf_counter() - start
        samples.append({"t": round(now, 2), "nav": page.evaluate(NAV_LABELS),
                        "title": page.title()})
        heading = _title_text(page)
        if heading is not None and title in heading:
            page.screenshot(path=str(FIRST_VISIT / f"{name}_title.png"), timeout=60_000)
            return samples, now
        if not shot_taken and now >= 0.5:
            page.screenshot(path=str(FIRST_VISIT / f"{name}_0.5s.png"), timeout=60_000)
            shot_taken = True
        assert now < TITLE_TIMEOUT, f"no title {title!r} within {TITLE_TIMEOUT} s"
        time.sleep(SAMPLE_EVERY)


@pytest.fixture
def fresh_server(tmp_path):
    """A new ``streamlit run app.py`` for this test alone (its first visitor is the test)."""
    (tmp_path / "data").mkdir()
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    yield server
    stop_server(server.process)


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("path", "title"), [("", "Liquid Lab"),
                                             ("reservoir?spectral_radius=1.3", "Reservoir")],
                         ids=["home", "shared-link"])
def test_first_visit_shows_only_real_pages_then_the_title(browser, fresh_server, metrics_log,
                                                          path, title):
    name = path.split("?")[0] or "home"
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(RUN_TIMEOUT_MS)     # as conftest's `page`: 2 busy cores
    page = context.new_page()
    try:
        server = psutil.Process(fresh_server.process.pid)
        cpu_before = sum(server.cpu_times()[:2])
        samples, seconds = sample_first_visit(page, f"{fresh_server.url}/{path}", title, name)
        cpu_seconds = sum(server.cpu_times()[:2]) - cpu_before
        (FIRST_VISIT / f"{name}.json").write_text(json.dumps(samples, indent=1))
        metrics_log(f"first_visit_title_seconds[{name}]", round(seconds, 2))
        metrics_log(f"first_visit_server_cpu_seconds[{name}]", round(cpu_seconds, 2))
        shown = [s for s in samples if s["nav"]]
        if shown:
            metrics_log(f"first_visit_page_list_seconds[{name}]", shown[0]["t"])
        strangers = [(s["t"], s["nav"]) for s in samples if not set(s["nav"]) <= TITLES]
        assert strangers == [], f"the sidebar listed non-pages: {strangers[:3]}"
        # then the router's sidebar is complete, on the page the link names
        wait_for_app(page)
        nav = page.get_by_test_id("stSidebarNav")
        nav.locator("a").first.wait_for()
        assert set(page.evaluate(NAV_LABELS)) == TITLES
        assert nav.locator("a[aria-current='page']").inner_text().endswith(
            title if path else "Home")
        assert page.get_by_test_id("stSidebar").get_by_text("Presenter mode").count() == 1
        if path:
            assert shared_sliders(page)["Spectral radius"] == "1.3"
    finally:
        context.close()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("row", PAGES, ids=[url or "home" for *_, url in PAGES])
def test_no_console_errors_on_any_page(page, base_url, row):
    _, _, _, url_path = row
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(
        (message.text, message.location.get("url", ""))))
    page.on("pageerror", lambda error: errors.append((f"uncaught: {error}", "")))
    open_page(page, base_url, url_path or "")
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(1000)                 # late errors (charts drawn after the run)
    assert errors == [], f"/{url_path or ''}: console errors {errors}"


@pytest.mark.timeout(180)
def test_a_root_link_naming_a_page_logs_no_console_error(page, base_url):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.goto(f"{base_url}/?page=reservoir&spectral_radius=1.3")
    page.get_by_role("heading", name="Reservoir").first.wait_for()
    wait_for_app(page)
    page.wait_for_timeout(1000)                 # late errors (charts drawn after the run)
    assert errors == []
    assert page.url.startswith(f"{base_url}/reservoir")
    assert "page=" not in page.url
    assert shared_sliders(page)["Spectral radius"] == "1.3"
