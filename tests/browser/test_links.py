"""Links that reproduce, and settings that stay on their page (issue 14, items 1 and 2).

* Per page: non-default values are set through the page's own widgets, the
  URL is taken, and opened in a fresh browser context (a new session): the
  same widget values and the same numbers are shown (the Sweep: the same plan,
  and the same best point once run).
* After the Dynamics page's *Chaotic* preset the MNIST page shows its own
  defaults; the sidebar names the preset on Dynamics; *Reset all pages*
  brings every page back to its defaults.
"""

import re

import pytest

from .conftest import RUN_TIMEOUT_MS, VIEWPORT
from .test_e2e import (
    assert_no_error,
    choose,
    landed,
    metric_value,
    rerun,
    settled,
    shared_sliders,
    wait_for_app,
)

pytestmark = pytest.mark.browser


#: Milliseconds a page may take to show its numbers here: several forecasts or trainings
#: may queue behind quick slider moves on 2 shared cores.
SLOW_MS = 240_000


# ----------------------------------------------------------------------------- helpers

def start(page, base_url, path):
    """Open ``path`` and wait, up to :data:`SLOW_MS`, for its title and first run."""
    page.goto(f"{base_url}/{path}")
    landed(page, timeout=SLOW_MS)
    page.locator("h1").first.wait_for(timeout=SLOW_MS)
    settled(page, timeout=SLOW_MS)
    return page


def fresh(browser, url):
    """``url`` opened in a new browser context (a session of its own); returns the page."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    landed(page, timeout=SLOW_MS)
    page.locator("h1").first.wait_for(timeout=SLOW_MS)
    settled(page, timeout=SLOW_MS)
    return page


def press(page, slider_name, key, target, url_part):
    """Press ``key`` on the slider called ``slider_name`` until it shows ``target`` (a key
    pressed while a run redraws the slider can be lost), wait until the URL holds
    ``url_part`` and the last run is over; return the slider's value."""
    slider = page.get_by_role("slider", name=slider_name)
    for _ in range(100):                         # bounded: a step at a time
        if slider.get_attribute("aria-valuetext") == target:
            break
        slider.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(150)
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=SLOW_MS)
    page.wait_for_timeout(3000)                  # the last key's run starts
    wait_for_app(page, timeout=SLOW_MS)
    return slider.get_attribute("aria-valuetext")


def select(page, label, option):
    """Pick ``option`` in the selectbox labelled ``label``."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    rerun(page, page.get_by_role("option", name=option, exact=True).click)


def selected(page, label):
    """The option shown by the selectbox labelled ``label`` (the value of its input)."""
    return page.get_by_test_id("stSelectbox").filter(has_text=label).locator(
        "input").input_value()


def checked(page, name):
    """Whether the segmented control / radio option or toggle called ``name`` is on."""
    return page.get_by_role("radio", name=name, exact=True).get_attribute("aria-checked")


def open_tab(page, name):
    tab = page.get_by_role("tab", name=name, exact=True)
    rerun(page, tab.click)
    return tab


def sidebar_captions(page):
    return " ".join(page.get_by_test_id("stSidebar").get_by_test_id(
        "stCaptionContainer").all_inner_texts())


def query(url):
    """The URL's query string, as a set of ``name=value`` pairs."""
    return set(url.split("?", 1)[1].split("&")) if "?" in url else set()


def reopened(browser, page):
    """The page's URL opened in a fresh context; both pages' shared sidebar sliders agree."""
    other = fresh(browser, page.url)
    assert shared_sliders(other) == shared_sliders(page), page.url
    return other


# ----------------------------------------------------------------------------- round trips

@pytest.mark.timeout(300)
def test_reservoir_link_reopens_with_the_same_numbers(page, base_url, browser):
    start(page, base_url, "reservoir")
    assert press(page, "Spectral radius", "ArrowRight", "1.30", "spectral_radius=1.3") == "1.30"
    assert press(page, "Input scaling", "ArrowRight", "0.60", "input_scaling=0.6") == "0.60"
    assert query(page.url) == {"spectral_radius=1.3", "input_scaling=0.6"}
    numbers = [metric_value(page, name) for name in ("Spectral radius", "Forgets its start")]
    other = reopened(browser, page)
    try:
        assert [metric_value(other, n) for n in ("Spectral radius", "Forgets its start")] \
            == numbers == ["1.3", "no"]
        assert_no_error(other, "/reservoir reopened")
    finally:
        other.context.close()


@pytest.mark.timeout(300)
def test_dynamics_link_keeps_signal_tab_and_preset(page, base_url, browser):
    start(page, base_url, "dynamics")
    rerun(page, page.get_by_role("button", name="Chaotic").click)
    select(page, "Input signal", "Square wave")
    open_tab(page, "Fading memory")
    assert {"spectral_radius=1.6", "input_scaling=0.2", "input_signal=Square+wave",
            "dynamics_tab=Fading+memory"} <= query(page.url), page.url
    captions = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").all_inner_texts()
    assert any("quare" in c for c in captions), captions      # the square wave's description
    other = reopened(browser, page)
    try:
        assert other.get_by_role("tab", name="Fading memory").get_attribute(
            "aria-selected") == "true"
        assert other.get_by_test_id("stMain").get_by_test_id(
            "stCaptionContainer").all_inner_texts() == captions
        assert "(from the link)" in sidebar_captions(other)
        assert_no_error(other, "/dynamics reopened")
    finally:
        other.context.close()


@pytest.mark.timeout(300)
def test_mnist_link_keeps_source_tuned_readout_and_tab(page, base_url, browser):
    """The issue's case: MNIST sample with the Tuned preset reopened on the 8×8 digits."""
    start(page, base_url, "mnist")
    choose(page, "MNIST sample (offline)")
    rerun(page, page.get_by_role("button", name="Tuned preset").click)
    open_tab(page, "Accuracy curves")
    select(page, "Vary", "leak_rate")
    assert {"mnist_source=MNIST+sample+%28offline%29", "mnist_tab=Accuracy+curves",
            "mnist_curve_vary=leak_rate"} <= query(page.url), page.url
    readout = page.get_by_test_id("stSidebar").inner_text()
    other = reopened(browser, page)
    try:
        assert checked(other, "MNIST sample (offline)") == "true"
        assert other.get_by_role("tab", name="Accuracy curves").get_attribute(
            "aria-selected") == "true"
        assert selected(other, "Vary") == selected(page, "Vary") == "leak_rate"
        assert other.get_by_test_id("stSidebar").inner_text().replace(
            "(from the link)", "(from the Tuned preset)") == readout
        assert "images 28×28" in other.get_by_test_id("stCaptionContainer").filter(
            has_text="images").first.inner_text()
        assert_no_error(other, "/mnist reopened")
    finally:
        other.context.close()


@pytest.mark.timeout(300)
def test_time_series_link_keeps_series_horizon_and_transform(page, base_url, browser):
    """The issue's case: Lorenz-63 with horizon 5 reopened as Mackey-Glass, horizon 1; and the
    transform, whose options depend on the data."""
    start(page, base_url, "timeseries")
    select(page, "Series", "Lorenz-63")
    assert press(page, "Horizon h (predict the target h steps ahead)", "ArrowRight", "5",
                 "ts_horizon=5") == "5"
    choose(page, "difference")
    assert {"ts_series=Lorenz-63", "ts_horizon=5", "ts_transform=difference"} \
        <= query(page.url), page.url
    nrmse = '[data-testid="stMetricLabel"]:has-text("Test NRMSE")'
    page.locator(nrmse).first.wait_for(timeout=SLOW_MS)
    numbers = [metric_value(page, name) for name in ("Test NRMSE", "Valid time")]
    other = fresh(browser, page.url)
    other.locator(nrmse).first.wait_for(timeout=SLOW_MS)
    try:
        assert [metric_value(other, n) for n in ("Test NRMSE", "Valid time")] == numbers
        assert other.get_by_role("slider", name=re.compile("^Horizon h")).get_attribute(
            "aria-valuetext") == "5"
        assert checked(other, "difference") == "true"
        assert_no_error(other, "/timeseries reopened")
    finally:
        other.context.close()


@pytest.mark.timeout(300)
def test_liquid_link_keeps_input_neurons_and_task(page, base_url, browser):
    start(page, base_url, "liquid")
    choose(page, "Step")
    open_tab(page, "Impulse response")
    rerun(page, page.get_by_text("Mackey-Glass (one step ahead)", exact=True).click)
    assert {"liquid_input=Step", "liquid_tab=Impulse+response",
            "liquid_task=Mackey-Glass+%28one+step+ahead%29"} <= query(page.url), page.url
    swing = page.get_by_test_id("stCaptionContainer").filter(has_text="How far").inner_text()
    other = fresh(browser, page.url)
    try:
        assert checked(other, "Step") == "true"
        assert other.get_by_role("tab", name="Impulse response").get_attribute(
            "aria-selected") == "true"
        assert other.get_by_role("radio", name="Mackey-Glass (one step ahead)").is_checked()
        assert other.get_by_test_id("stCaptionContainer").filter(
            has_text="How far").inner_text() == swing
        assert_no_error(other, "/liquid reopened")
    finally:
        other.context.close()


def type_number(page, label, value, url_part):
    """Type ``value`` into the number input labelled ``label``; wait until the URL holds
    ``url_part`` and the run is over."""
    field = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")
    field.fill(value)
    rerun(page, lambda: field.press("Enter"))
    page.wait_for_url(re.compile(re.escape(url_part)), timeout=SLOW_MS)


def plan_and_best(page):
    """The Sweep's plan caption, then its best score and best point after "Run sweep"."""
    plan = page.get_by_test_id("stCaptionContainer").filter(has_text="evaluations on").inner_text()
    rerun(page, page.get_by_role("button", name="Run sweep").click)
    best = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Best point")
    best.wait_for(timeout=SLOW_MS)
    return plan, metric_value(page, "Best accuracy"), best.inner_text()


@pytest.mark.timeout(300)
def test_sweep_link_keeps_axes_and_seeds_and_finds_the_same_best_point(page, base_url, browser):
    """Ridge swept alone (one reservoir run per seed, a few seconds) over 4 values, 2 seeds."""
    start(page, base_url, "sweep")
    select(page, "Rows: parameter", "ridge")
    select(page, "Columns: parameter", "none")
    type_number(page, "values", "4", "sweep_rows_values=4")
    type_number(page, "Seeds per point", "2", "sweep_seeds_per_point=2")
    assert query(page.url) == {"sweep_rows=ridge", "sweep_columns=none", "sweep_rows_values=4",
                               "sweep_seeds_per_point=2"}, page.url
    plan, score, best = plan_and_best(page)
    assert plan.startswith("4 point(s) × 2 seed(s) = 8 evaluations on 8×8 digits"), plan
    other = fresh(browser, page.url)
    try:
        assert plan_and_best(other) == (plan, score, best)
        assert_no_error(other, "/sweep reopened")
    finally:
        other.context.close()


@pytest.mark.timeout(300)
def test_an_exercise_link_opens_the_exercise(page, base_url):
    start(page, base_url, "reservoir?exercise=reservoir-edge&spectral_radius=1.23")
    box = page.get_by_test_id("stExpander").filter(has_text="Exercises")
    assert "Raise the spectral radius" in box.inner_text()
    assert "(1 of 2 done)" in box.inner_text()
    assert "At spectral radius 1.23 the runs end 0.0013 apart" in box.get_by_test_id(
        "stAlertContentSuccess").inner_text()


# ----------------------------------------------------------------------------- settings stay

@pytest.mark.timeout(400)
def test_chaotic_preset_stays_on_dynamics_and_reset_restores_every_page(page, base_url):
    start(page, base_url, "dynamics")
    rerun(page, page.get_by_role("button", name="Chaotic").click)
    assert shared_sliders(page)["Spectral radius"] == "1.6"
    assert "spectral radius 1.6, input scaling 0.2 (from the Chaotic preset)" \
        in sidebar_captions(page)
    nav = page.get_by_test_id("stSidebarNav")
    rerun(page, nav.get_by_role("link", name="MNIST").click)
    page.get_by_role("button", name="Tuned preset").wait_for()
    sliders = shared_sliders(page)
    assert (sliders["Spectral radius"], sliders["Input scaling"]) == ("0.9", "0.5")
    assert "This page uses the default reservoir." in sidebar_captions(page)
    assert "Reservoir changed from defaults on: Dynamics (2)." in sidebar_captions(page)
    assert "spectral_radius" not in page.url
    rerun(page, page.get_by_role("button", name="Tuned preset").click)
    rerun(page, page.get_by_role("button", name="Reset all pages").click)
    assert shared_sliders(page)["Number of neurons"] == "300"
    assert "Every page's reservoir is at its defaults." in sidebar_captions(page)
    assert "?" not in page.url, page.url
    rerun(page, nav.get_by_role("link", name="Dynamics").click)
    page.get_by_role("slider", name="Time steps").wait_for()
    sliders = shared_sliders(page)
    assert (sliders["Spectral radius"], sliders["Input scaling"]) == ("0.9", "0.5")
    assert_no_error(page, "/dynamics after Reset all pages")
