"""The app in a real browser: every page renders, and the main journeys work end to end.

One ``streamlit run app.py`` serves every test (fixtures in ``conftest.py``);
each test opens a fresh browser context, i.e. a new Streamlit session.  A
full-page screenshot of every page goes to ``artifacts/screenshots/``.
"""

import re

import numpy as np
import pytest

from lnn_core import EchoStateClassifier
from lnn_core.data.generators import mackey_glass
from lnn_core.engine.model_io import load_model
from pages._ui.shell import PAGES

from .conftest import ARTIFACTS, RUN_TIMEOUT_MS

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "screenshots"
#: The app root once Streamlit is connected and no script run is in progress.
IDLE = ('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]')
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'


# ----------------------------------------------------------------------------- helpers

def wait_for_app(page, timeout=RUN_TIMEOUT_MS):
    """Wait until the app is connected and no script run is in progress."""
    page.wait_for_selector(IDLE, state="attached", timeout=timeout)


def landed(page, timeout=RUN_TIMEOUT_MS):
    """Wait until a page's URL has reached its page: the server answers ``/<page>?...``
    with a redirect to ``/?page=<page>&...``, and the router's first run switches to the
    page (``pages._ui.shell.open_linked_page``), which drops ``page=`` from the URL."""
    page.wait_for_function("() => !new URLSearchParams(location.search).has('page')",
                           timeout=timeout)


def settled(page, timeout=RUN_TIMEOUT_MS):
    """Wait for the app to be idle, and idle again a second later (a run that follows
    another at once leaves the app idle for a moment in between)."""
    wait_for_app(page, timeout=timeout)
    page.wait_for_timeout(1000)
    wait_for_app(page, timeout=timeout)


def rerun(page, action):
    """Do ``action()`` (a click, a key press, an upload), then wait for the run it starts.

    A run so quick that its running state is never seen is fine: after 3 s
    of looking for it, the idle state is what counts.
    """
    action()
    try:
        page.wait_for_selector(RUNNING, state="attached", timeout=3000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the run was quicker
        pass
    wait_for_app(page)


def open_page(page, base_url, path=""):
    """Load ``base_url/path`` and wait for its first script run."""
    page.goto(f"{base_url}/{path}")
    landed(page)
    page.locator("h1").first.wait_for()
    settled(page)
    return page


def metric_value(page, label):
    """Text of the ``st.metric`` labelled ``label`` (waits for it to appear)."""
    value = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)).locator(
        '[data-testid="stMetricValue"]').first
    value.wait_for()
    return value.inner_text().strip()


def percent(text):
    """``"97.3%"`` -> 0.973."""
    return float(text.rstrip("%").replace(",", "")) / 100


def uploader_input(page, label):
    """The ``<input type=file>`` of the ``st.file_uploader`` whose label contains ``label``."""
    return page.locator('[data-testid="stFileUploader"]').filter(has_text=label).locator(
        'input[type="file"]')


def choose(page, option):
    """Pick ``option`` of a segmented control (a click on the chosen one would clear it)."""
    radio = page.get_by_role("radio", name=option, exact=True)
    if radio.get_attribute("aria-checked") != "true":
        rerun(page, radio.click)


def chart_data(page, index=0):
    """The ``data`` (traces) of the ``index``-th Plotly chart on the page, as JSON text."""
    page.locator(".js-plotly-plot").nth(index).wait_for()
    return page.evaluate(
        "i => JSON.stringify(document.querySelectorAll('.js-plotly-plot')[i].data)", index)


def shared_sliders(page):
    """Values of the sidebar's reservoir sliders, by label (waits for them to be drawn)."""
    sliders = page.get_by_test_id("stSidebar").get_by_role("slider")
    sliders.first.wait_for()
    page.get_by_role("slider", name="Leak rate").wait_for()
    return {s.get_attribute("aria-label"): s.get_attribute("value") for s in sliders.all()}


def assert_no_error(page, where):
    """No exception box, no traceback text and no error alert on the page."""
    text = page.locator("body").inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0, f"{where}: exception\n{text}"
    assert "Traceback" not in text, f"{where}: a traceback is shown\n{text}"
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert errors == [], f"{where}: error message(s) {errors}"


def screenshot(page, name):
    """Save a full-page PNG to ``artifacts/screenshots/<name>.png``.

    Streamlit scrolls inside its main area (and its sidebar), so Playwright's
    ``full_page`` alone shows only the viewport: the viewport is stretched to
    the taller of the two for the shot, then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => Math.max(...Array.from(document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stSidebar"] *'), e => e.scrollHeight))""")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"],
                            "height": int(min(max(height + 120, size["height"]), 10_000))})
    page.wait_for_timeout(800)              # Plotly redraws at the new size
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


# ----------------------------------------------------------------------------- tests

def test_server_starts_within_10_seconds(streamlit_server):
    assert streamlit_server.healthy()
    assert streamlit_server.startup_seconds < 10, (
        f"streamlit run app.py took {streamlit_server.startup_seconds:.1f} s to answer its "
        f"health check\n{streamlit_server.output()}")


@pytest.mark.timeout(180)
@pytest.mark.parametrize(("number", "row"), list(enumerate(PAGES)),
                         ids=[url or "home" for *_, url in PAGES])
def test_every_page_loads_without_error(page, base_url, metrics_log, number, row):
    _, title, _, url_path = row
    start = page.evaluate("() => performance.now()")
    open_page(page, base_url, url_path or "")
    metrics_log(f"first_render_seconds[{url_path or 'home'}]",
                round((page.evaluate("() => performance.now()") - start) / 1000, 2))
    assert_no_error(page, f"/{url_path or ''}")
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert all(t in nav for _, t, _, _ in PAGES), f"sidebar menu is {nav!r}"
    assert page.get_by_test_id("stSidebarNav").locator("a[aria-current='page']").inner_text() \
        .endswith(title)
    screenshot(page, f"{number:02d}_{url_path or 'home'}")


@pytest.mark.timeout(180)
def test_spectral_radius_slider_moves_the_eigenvalues(page, base_url):
    open_page(page, base_url, "reservoir")
    before = chart_data(page)
    assert "spectral radius 0.9" in before
    slider = page.get_by_role("slider", name="Spectral radius")
    slider.focus()
    for _ in range(5):
        rerun(page, lambda: page.keyboard.press("ArrowRight"))
    assert slider.get_attribute("aria-valuetext") == "0.95"
    page.wait_for_function(
        "() => JSON.stringify(document.querySelector('.js-plotly-plot').data)"
        ".includes('spectral radius 0.95')")
    after = chart_data(page)
    assert after != before
    assert metric_value(page, "Spectral radius") == "0.95"
    assert "spectral_radius=0.95" in page.url
    assert_no_error(page, "/reservoir after moving the slider")


@pytest.mark.timeout(180)
def test_link_with_query_parameters_restores_the_sliders(page, base_url):
    open_page(page, base_url, "reservoir?spectral_radius=1.3&n_units=200")
    assert page.get_by_role("slider", name="Spectral radius").get_attribute("aria-valuetext") \
        == "1.30"
    assert page.get_by_role("slider", name="Number of neurons").get_attribute("value") == "200"
    assert metric_value(page, "Spectral radius") == "1.3"
    assert metric_value(page, "Neurons") == "200"
    assert "spectral radius 1.3" in chart_data(page)
    assert_no_error(page, "/reservoir opened from a link with parameters")


@pytest.mark.timeout(180)
@pytest.mark.parametrize("start", ["reservoir?spectral_radius=1.3&n_units=200", "reservoir"])
def test_switching_pages_keeps_each_pages_own_reservoir_settings(page, base_url, start):
    """Each page keeps its own reservoir: a link's values stay on the page it opened, and are
    still there when the visitor comes back through the menu."""
    open_page(page, base_url, start)
    expected = shared_sliders(page)
    assert expected["Spectral radius"] == ("1.3" if "1.3" in start else "0.9")
    nav = page.get_by_test_id("stSidebarNav")
    rerun(page, nav.get_by_role("link", name="Dynamics").click)
    page.get_by_role("slider", name="Time steps").wait_for()      # the Dynamics page is there
    assert shared_sliders(page)["Spectral radius"] == "0.9", page.url
    assert "spectral_radius" not in page.url
    assert_no_error(page, f"/dynamics after /{start}")
    rerun(page, nav.get_by_role("link", name="Reservoir").click)
    page.get_by_role("slider", name="Spectral radius").wait_for()
    page.wait_for_function("() => !document.querySelector('[role=slider][aria-label=\"Time steps\"]')")
    assert shared_sliders(page) == expected, page.url


def train_on_digits(page, base_url):
    """Open MNIST, choose the 8x8 digits, press Train; return the test accuracy text."""
    open_page(page, base_url, "mnist")
    choose(page, "8×8 digits (built in)")
    rerun(page, page.get_by_role("button", name="Train", exact=True).click)
    return metric_value(page, "Test accuracy")


@pytest.mark.timeout(240)
def test_training_on_8x8_digits_shows_an_accuracy(page, base_url):
    test_accuracy = percent(train_on_digits(page, base_url))
    assert 0.9 <= test_accuracy <= 1.0
    assert 0.9 <= percent(metric_value(page, "Train accuracy")) <= 1.0
    assert metric_value(page, "Neurons") == "300"
    assert_no_error(page, "/mnist after training")
    screenshot(page, "mnist_trained")


@pytest.mark.timeout(240)
def test_exported_model_imports_back_with_the_same_predictions(page, base_url, tmp_path):
    test_accuracy = train_on_digits(page, base_url)
    page.get_by_role("tab", name="Export / import").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download model (.npz)").click()
    download = download_info.value
    assert download.suggested_filename == "mnist_reservoir.npz"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    model = load_model(path.read_bytes())
    assert isinstance(model, EchoStateClassifier) and model.n_units == 300

    rerun(page, lambda: uploader_input(page, "Load a saved model").set_input_files(path))
    assert metric_value(page, "Test accuracy of the loaded model") == test_accuracy
    sentence = page.get_by_text(re.compile(r"Same prediction as the trained model on")).inner_text()
    same, total = re.search(r"on ([\d,]+) of ([\d,]+) test images", sentence).groups()
    assert same == total, sentence
    assert_no_error(page, "/mnist after importing the model")


@pytest.mark.timeout(240)
def test_uploaded_csv_trains_a_forecaster(page, base_url, tmp_path):
    series = mackey_glass(1500, seed=0).values
    path = tmp_path / "mackey_glass.csv"
    path.write_text("time,value\n" + "".join(f"{t},{v:.6f}\n" for t, v in enumerate(series)))
    open_page(page, base_url, "timeseries")
    choose(page, "Upload")
    rerun(page, lambda: uploader_input(page, "CSV or .ts file").set_input_files(path))
    nrmse = float(metric_value(page, "Test NRMSE"))
    assert 0 <= nrmse < 0.1, f"one-step Mackey-Glass forecast NRMSE {nrmse}"
    assert np.isfinite(nrmse)
    assert page.get_by_text("mackey_glass.csv").first.is_visible()
    assert_no_error(page, "/timeseries after an upload")
    screenshot(page, "timeseries_upload")



@pytest.mark.timeout(240)
def test_a_new_upload_is_read_with_the_layout_its_radio_shows(page, base_url, tmp_path):
    """After a file read as "wide", the next file's radio says Forecasting and the page
    reads it so (a shared radio key once showed Forecasting but read the file as wide)."""
    t = np.arange(600)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for path, phase in ((first, 0.0), (second, 1.0)):
        path.write_text("t,x,y\n" + "".join(f"{k},{np.sin(k / 9 + phase):.5f},"
                                            f"{np.cos(k / 7):.5f}\n" for k in t))
    open_page(page, base_url, "timeseries")
    choose(page, "Upload")
    rerun(page, lambda: uploader_input(page, "CSV or .ts file").set_input_files(first))
    rerun(page, page.get_by_text("Classification, wide: one row per series (label first)").click)
    assert page.get_by_text("first.csv: 600 series").first.is_visible()
    rerun(page, lambda: uploader_input(page, "CSV or .ts file").set_input_files(second))
    radio = page.get_by_role("radio", name="Forecasting: one row per time step")
    assert radio.is_checked()
    assert page.get_by_text("second.csv: 600 rows, 2 numeric columns").first.is_visible()
    assert float(metric_value(page, "Test NRMSE")) < 1
    assert_no_error(page, "/timeseries after a second upload")
