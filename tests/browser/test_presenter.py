"""Presenter mode on a 1280×720 projector, charts that leave the scroll wheel to the page,
and the Runs page's comparison, in a real browser.

Every page is opened at 1280×720 with ``presenter=1``; each check reads element
boxes and computed styles: no chart taller than the viewport, every chart title
inside its chart and clear of the toolbar and legend, every caption, slider
value and chart text at least 18 px, the spectral-radius slider above the fold.
Screenshots (the 720-pixel view and the whole page) go to
``artifacts/screenshots/presenter_*.png``.
"""

import pytest

from .conftest import RUN_TIMEOUT_MS
from .test_e2e import SCREENSHOTS, assert_no_error, choose, open_page, rerun, screenshot

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
#: Smallest text allowed in presenter mode (px).
MIN_TEXT_PX = 18

#: Boxes of every visible chart, its title, toolbar and legend; font sizes of its texts.
CHART_BOXES = """() => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return r.width && r.height ? {x: r.x, y: r.y, w: r.width, h: r.height} : null; };
  return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .filter(c => c.getBoundingClientRect().height > 0)
    .map(c => ({
      container: box(c), plot: box(c.querySelector('.js-plotly-plot')),
      title: box(c.querySelector('.gtitle')),
      titleText: (c.querySelector('.gtitle') || {}).textContent || '',
      modebar: box(c.querySelector('.modebar')),
      legend: box(c.querySelector('.legend')),
      smallText: Array.from(c.querySelectorAll('svg text'))
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)
        .map(t => [t.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(t).fontSize)])
        .filter(([, size]) => size < MIN_TEXT_PX),
    }));
}""".replace("MIN_TEXT_PX", str(MIN_TEXT_PX))

#: Computed font size of every visible caption and slider value.
TEXT_SIZES = """() => Array.from(document.querySelectorAll(
    '[data-testid="stCaptionContainer"], [data-testid="stSliderThumbValue"], '
    + '[data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"]'))
  .filter(e => e.getBoundingClientRect().height > 0 && e.textContent.trim())
  .map(e => [e.dataset.testid, e.textContent.trim().slice(0, 40),
             parseFloat(getComputedStyle(e).fontSize)])"""


@pytest.fixture
def projector(browser, base_url):
    """A fresh session in a 1280×720 window."""
    context = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def overlap(a, b):
    """Whether boxes ``a`` and ``b`` (dicts x, y, w, h) intersect by more than a pixel."""
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 1
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 1)


def inside(inner, outer, slack=1):
    """Whether box ``inner`` lies within box ``outer`` (to ``slack`` px)."""
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


def check_presenter_view(page, where, charts_expected=False):
    """Every visible chart, caption and slider value of ``page`` fits a 1280×720 projector.

    With ``charts_expected``, waits for a visible chart first (Plotly draws
    after the script run).  Returns the number of charts checked.
    """
    if charts_expected:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').filter(
            visible=True).first.wait_for()
    page.wait_for_timeout(1000)
    charts = page.evaluate(CHART_BOXES)
    for number, chart in enumerate(charts):
        name = f"{where}, chart {number} ({chart['titleText'][:50]!r})"
        assert chart["container"]["h"] <= PROJECTOR["height"], \
            f"{name} is {chart['container']['h']:.0f} px tall"
        assert chart["plot"]["h"] <= PROJECTOR["height"], name
        if chart["title"]:
            assert inside(chart["title"], chart["plot"]), f"{name}: title cut, {chart}"
            for part in ("modebar", "legend"):
                assert not (chart[part] and overlap(chart["title"], chart[part])), \
                    f"{name}: title overlaps the {part}, {chart}"
        assert chart["smallText"] == [], f"{name}: text under {MIN_TEXT_PX} px"
    small = [text for text in page.evaluate(TEXT_SIZES) if text[2] < MIN_TEXT_PX]
    assert small == [], f"{where}: text under {MIN_TEXT_PX} px: {small}"
    return len(charts)


def projector_shots(page, name):
    """The 720-pixel view and the whole page, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"presenter_{name}_view.png"))
    screenshot(page, f"presenter_{name}")


def open_tab(page, name):
    rerun(page, page.get_by_role("tab", name=name, exact=True).click)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("url_path", ["", "reservoir", "dynamics", "mnist", "timeseries",
                                      "liquid", "sweep", "runs"])
def test_every_page_fits_a_1280x720_projector(projector, base_url, url_path):
    page = open_page(projector, base_url, f"{url_path}?presenter=1")
    name = url_path or "home"
    with_charts = url_path in ("", "reservoir", "dynamics", "timeseries", "liquid")
    checked = check_presenter_view(page, f"/{name}", charts_expected=with_charts)
    if url_path == "reservoir":                        # the main control, above the fold
        slider = page.get_by_test_id("stSidebar").get_by_role("slider", name="Spectral radius")
        bottom = slider.bounding_box()["y"] + slider.bounding_box()["height"]
        assert bottom <= PROJECTOR["height"], f"the spectral-radius slider ends at {bottom:.0f} px"
    if url_path == "dynamics":
        for tab in ("State heatmap", "PCA", "Animation", "Fading memory"):
            open_tab(page, tab)
            checked += check_presenter_view(page, f"/dynamics, tab {tab}", True)
            page.screenshot(path=str(SCREENSHOTS / f"presenter_dynamics_{tab[:5]}_view.png"))
    if url_path == "mnist":
        choose(page, "8×8 digits (built in)")
        rerun(page, page.get_by_role("button", name="Train", exact=True).click)
        page.get_by_test_id("stMetric").first.wait_for()
        checked += check_presenter_view(page, "/mnist after training", True)
    if url_path == "sweep":                            # the default 8×8 grid on 8×8 digits
        rerun(page, page.get_by_role("button", name="Run sweep").click)
        page.get_by_test_id("stMetric").first.wait_for()
        checked += check_presenter_view(page, "/sweep after a run", True)
    assert_no_error(page, f"/{name} in presenter mode")
    projector_shots(page, name)
    if url_path in ("reservoir", "dynamics", "mnist", "timeseries", "liquid", "sweep"):
        assert checked >= 1, f"/{name}: no chart was checked"


@pytest.mark.timeout(180)
def test_the_wheel_over_the_3d_pca_scrolls_the_page(projector, base_url):
    page = open_page(projector, base_url, "dynamics")
    open_tab(page, "PCA")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(visible=True).first
    chart.wait_for()
    page.wait_for_timeout(1000)                        # the WebGL scene draws after the run
    camera = """() => { const scene = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => g.getBoundingClientRect().height > 0 && g._fullLayout.scene);
      return scene && JSON.stringify(scene._fullLayout.scene._scene.getCamera()); }"""
    scrolled = """() => window.scrollY + Array.from(document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"], section'))
        .reduce((sum, e) => sum + e.scrollTop, 0)"""
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, 600))
    before, start = page.evaluate(camera), page.evaluate(scrolled)
    assert before is not None, "the PCA tab shows no 3-D scene"
    for _ in range(3):
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(200)
    page.wait_for_timeout(500)
    assert page.evaluate(scrolled) > start, "the page did not scroll under the wheel"
    assert page.evaluate(camera) == before, "the wheel zoomed the 3-D scene"


@pytest.mark.timeout(300)
def test_two_runs_compared_and_exported_on_the_projector(projector, base_url, tmp_path):
    """Two trainings that differ in the spectral radius, compared on the Runs page."""
    page = open_page(projector, base_url, "mnist?presenter=1")
    choose(page, "8×8 digits (built in)")
    train = page.get_by_role("button", name="Train", exact=True)
    rerun(page, train.click)
    page.get_by_test_id("stMetric").first.wait_for()
    slider = page.get_by_test_id("stSidebar").get_by_role("slider", name="Spectral radius")
    slider.focus()
    for _ in range(10):
        rerun(page, lambda: page.keyboard.press("ArrowRight"))      # 0.90 -> 1.00 by 0.01
    rerun(page, train.click)
    rerun(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name="Runs").click)
    page.get_by_role("heading", name="Compare two runs").wait_for()
    diff = page.get_by_test_id("stDataFrame").nth(1)
    diff.wait_for()
    metrics = page.get_by_test_id("stMetricLabel").all_inner_texts()
    assert "test accuracy · #1" in metrics and "test accuracy · #2" in metrics, metrics
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the comparison (CSV)").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    assert path.name == "liquid_lab_runs_1_vs_2.csv"
    lines = path.read_text().splitlines()
    assert lines[0] == "section,name,#1,#2"
    assert "parameter,spectral_radius,0.9,1" in lines, lines
    assert [line.split(",")[1] for line in lines[1:]] == [
        "train accuracy", "test accuracy", "seconds", "spectral_radius"]
    checked = check_presenter_view(page, "/runs with a comparison", True)
    assert checked == 1                                 # the comparison's score bars
    assert_no_error(page, "/runs with a comparison")
    projector_shots(page, "runs_comparison")
