"""Presenter mode on 1280×720 and 1920×1080 screens, charts that leave the scroll wheel to
the page, and the Runs page's comparison, in a real browser.

Every page is opened at 1280×720 and at 1920×1080 with ``presenter=1``; each
check reads element boxes and computed styles: no chart taller than the
viewport, every chart title inside its chart and clear of the toolbar, the
legend and the subplot titles, and the subplot titles clear of each other; every
caption, slider value, metric delta, select box value, table cell, sidebar page
link and chart text at least 18 px; no table row taller than three lines of text;
no label of an option (segmented control, radio, select box, multiselect), of a
button or of a page link cut; the spectral-radius slider above the fold.  Screenshots (the first screen and
the whole page) go to ``artifacts/screenshots/presenter_*.png``
(``presenter_*_1920*.png`` at 1920×1080).
"""

import pytest

from .conftest import RUN_TIMEOUT_MS
from .test_e2e import (
    SCREENSHOTS,
    assert_no_error,
    choose,
    open_page,
    rerun,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
FULL_HD = {"width": 1920, "height": 1080}
#: Every page's url path ("" is Home).
PAGE_PATHS = ["", "reservoir", "dynamics", "mnist", "timeseries", "liquid", "sweep", "runs"]
#: Pages that draw a chart as they open.
WITH_CHARTS = ("", "reservoir", "dynamics", "timeseries", "liquid")
#: Smallest text allowed in presenter mode (px).
MIN_TEXT_PX = 18
#: Least room (px) between a chart's title and a subplot title, and between two subplot titles.
NOTE_GAP = 4
#: Most lines of text in one row of a presenter table.
MAX_ROW_LINES = 3
#: Tallest row of the Runs page's table at 1280×720 (px): three lines of 18.4-px text and padding.
RUN_ROW_PX = 110

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
      notes: Array.from(c.querySelectorAll('.annotation')).map(box).filter(b => b),
      smallText: Array.from(c.querySelectorAll('svg text'))
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)
        .map(t => [t.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(t).fontSize)])
        .filter(([, size]) => size < MIN_TEXT_PX),
    }));
}""".replace("MIN_TEXT_PX", str(MIN_TEXT_PX))

#: Computed font size of every visible caption, slider value, metric delta and select box value.
TEXT_SIZES = """() => Array.from(document.querySelectorAll(
    '[data-testid="stCaptionContainer"], [data-testid="stSliderThumbValue"], '
    + '[data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"], '
    + '[data-testid="stMetricDelta"] p, [data-testid="stSelectbox"] input'))
  .filter(e => e.getBoundingClientRect().height > 0 && (e.value || e.textContent.trim()))
  .map(e => [e.dataset.testid || e.tagName, (e.value || e.textContent).trim().slice(0, 40),
             parseFloat(getComputedStyle(e).fontSize)])"""


#: Font size of the text of every visible table cell: an HTML table's text elements, and
#: the font a data grid draws its canvas cells with (its ``--gdg-base-font-style``).
TABLE_TEXT = """() => {
  const shown = e => e.getBoundingClientRect().height > 0;
  const ownText = e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  const html = Array.from(document.querySelectorAll('[data-testid="stTable"] :is(th, td)'))
    .filter(shown).flatMap(c => [c, ...c.querySelectorAll('*')]).filter(ownText)
    .map(e => ['table', e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)]);
  const grids = Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).filter(shown)
    .map(g => Array.from(g.querySelectorAll('*')).map(e =>
        getComputedStyle(e).getPropertyValue('--gdg-base-font-style')).find(v => v) || '')
    .map(font => ['data grid', font, parseFloat((font.match(/([0-9.]+)px/) || [0, 0])[1])]);
  return html.concat(grids);
}"""

#: Every sidebar page link (the menu of ``st.navigation``): its label, the computed font size
#: of the label's text, and whether the label is cut (Streamlit ends a cut one with "…").
NAV_LINKS = """() => Array.from(document.querySelectorAll('[data-testid="stSidebarNavLink"]'))
  .filter(a => a.getBoundingClientRect().height > 0)
  .map(a => { const p = a.querySelector('[data-testid="stMarkdownContainer"] p');
    const box = p.closest('[data-testid="stMarkdownContainer"]');
    return [p.textContent.trim(), parseFloat(getComputedStyle(p).fontSize),
            box.scrollWidth > box.clientWidth + 1 || p.scrollWidth > p.clientWidth + 1]; })"""

#: Every row of every visible table: its table's number, its height (px) and its lines of text
#: (the tallest cell's text height over its line height), and its first cell's text.
TABLE_ROWS = """() => Array.from(document.querySelectorAll('[data-testid="stTable"]'))
  .filter(t => t.getBoundingClientRect().height > 0)
  .flatMap((table, number) => Array.from(table.querySelectorAll('tr')).map(row => {
    const lines = Array.from(row.cells).map(cell => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const style = getComputedStyle(cell.querySelector('*') || cell);
      const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
      return Math.round(range.getBoundingClientRect().height / line);
    });
    return [number, row.getBoundingClientRect().height, Math.max(...lines),
            (row.cells[0] || {}).textContent.trim().slice(0, 30)];
  }))"""

#: Labels of options (segmented controls, radios, select boxes, multiselects) and buttons,
#: main page and sidebar, whose text is cut: wider than their own box ("Reset th…"), or
#: reaching past a box inside the widget that hides its overflow (options scrolling sideways).
CLIPPED_LABELS = """() => {
  const out = [];
  const roots = document.querySelectorAll('[data-testid="stButtonGroup"], [data-testid="stRadio"], '
    + '[data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stButton"], '
    + '[data-testid="stDownloadButton"]');
  for (const root of roots) {
    if (!root.getBoundingClientRect().height) continue;
    const label = root.querySelector('[data-testid="stWidgetLabel"]');
    for (const e of root.querySelectorAll('*')) {
      if ((label && label.contains(e))
          || !Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const range = document.createRange();
      range.selectNodeContents(e);
      const text = range.getBoundingClientRect();
      if (text.width < 2 || text.height < 2) continue;
      let cut = e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1;
      for (let a = e; a && !cut && a !== root.parentElement; a = a.parentElement) {
        const box = a.getBoundingClientRect();
        cut = getComputedStyle(a).overflowX !== 'visible'
          && (text.left < box.left - 1 || text.right > box.right + 1);
      }
      if (cut) out.push(e.textContent.trim().slice(0, 40));
    }
  }
  return out;
}"""


def new_session(browser, viewport):
    """A fresh browser context (a new Streamlit session) and its page, in a ``viewport`` window."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def projector(browser, base_url):
    """A fresh session in a 1280×720 window."""
    page = new_session(browser, PROJECTOR)
    yield page
    page.context.close()


@pytest.fixture
def full_hd(browser, base_url):
    """A fresh session in a 1920×1080 window."""
    page = new_session(browser, FULL_HD)
    yield page
    page.context.close()


def overlap(a, b):
    """Whether boxes ``a`` and ``b`` (dicts x, y, w, h) intersect by more than a pixel."""
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 1
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 1)


def inside(inner, outer, slack=1):
    """Whether box ``inner`` lies within box ``outer`` (to ``slack`` px)."""
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


def apart(a, b, gap):
    """Whether boxes ``a`` and ``b`` are at least ``gap`` px apart, across or down."""
    return (max(a["x"], b["x"]) - min(a["x"] + a["w"], b["x"] + b["w"]) >= gap
            or max(a["y"], b["y"]) - min(a["y"] + a["h"], b["y"] + b["h"]) >= gap)


def check_presenter_view(page, where, charts_expected=False):
    """Every visible chart, caption, slider value, table and option of ``page`` fits its screen.

    No chart taller than the viewport, subplot titles :data:`NOTE_GAP` px
    clear of each other and of the chart's title, text at least
    :data:`MIN_TEXT_PX` (table cells and sidebar page links included), table
    rows at most :data:`MAX_ROW_LINES` lines, no option, button or page link label cut.  With ``charts_expected``,
    waits for a visible chart first (Plotly draws after the script run).
    Returns the number of charts checked.
    """
    screen_height = page.viewport_size["height"]
    if charts_expected:
        page.locator('[data-testid="stPlotlyChart"] .main-svg').filter(
            visible=True).first.wait_for()
    page.wait_for_timeout(1000)
    wait_for_app(page)                                 # a page may run twice as it opens
    charts = page.evaluate(CHART_BOXES)
    for number, chart in enumerate(charts):
        name = f"{where}, chart {number} ({chart['titleText'][:50]!r})"
        assert chart["container"]["h"] <= screen_height, \
            f"{name} is {chart['container']['h']:.0f} px tall"
        assert chart["plot"]["h"] <= screen_height, name
        if chart["title"]:
            assert inside(chart["title"], chart["plot"]), f"{name}: title cut, {chart}"
            for part in ("modebar", "legend"):
                assert not (chart[part] and overlap(chart["title"], chart[part])), \
                    f"{name}: title overlaps the {part}, {chart}"
            assert all(apart(chart["title"], note, NOTE_GAP) for note in chart["notes"]), \
                f"{name}: title within {NOTE_GAP} px of an annotation (a subplot title), {chart}"
        notes = chart["notes"]
        close = [(a, b) for i, a in enumerate(notes) for b in notes[i + 1:]
                 if not apart(a, b, NOTE_GAP)]
        assert close == [], f"{name}: annotations (subplot titles) within {NOTE_GAP} px: {close}"
        assert chart["smallText"] == [], f"{name}: text under {MIN_TEXT_PX} px"
    small = [text for text in page.evaluate(TEXT_SIZES) if text[2] < MIN_TEXT_PX]
    assert small == [], f"{where}: text under {MIN_TEXT_PX} px: {small}"
    small = [text for text in page.evaluate(TABLE_TEXT) if text[2] < MIN_TEXT_PX]
    assert small == [], f"{where}: table text under {MIN_TEXT_PX} px: {small}"
    tall = [row for row in page.evaluate(TABLE_ROWS) if row[2] > MAX_ROW_LINES]
    assert tall == [], f"{where}: table rows of more than {MAX_ROW_LINES} lines " \
                       f"(table, px, lines, first cell): {tall}"
    links = page.evaluate(NAV_LINKS)
    assert links, f"{where}: no sidebar page link"
    small = [link for link in links if link[1] < MIN_TEXT_PX or link[2]]
    assert small == [], f"{where}: page links under {MIN_TEXT_PX} px or cut " \
                        f"(label, px, cut): {small}"
    clipped = page.evaluate(CLIPPED_LABELS)
    assert clipped == [], f"{where}: labels cut: {clipped}"
    return len(charts)


def projector_shots(page, name):
    """The first screen (the view) and the whole page, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"presenter_{name}_view.png"))
    screenshot(page, f"presenter_{name}")


def open_tab(page, name):
    rerun(page, page.get_by_role("tab", name=name, exact=True).click)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_every_page_fits_a_1280x720_projector(projector, base_url, url_path):
    page = open_page(projector, base_url, f"{url_path}?presenter=1")
    name = url_path or "home"
    checked = check_presenter_view(page, f"/{name}", charts_expected=url_path in WITH_CHARTS)
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
        open_tab(page, "Table")
        check_presenter_view(page, "/sweep, tab Table")
        assert page.evaluate(TABLE_TEXT), "/sweep: the Table tab shows no table"
        page.screenshot(path=str(SCREENSHOTS / "presenter_sweep_table_view.png"))
    if url_path == "liquid":                           # the three neurons on 8×8 digits
        page.screenshot(path=str(SCREENSHOTS / "presenter_liquid_top_view.png"))
        rerun(page, page.get_by_role("button", name="Compare the three neurons").click)
        table = page.get_by_test_id("stMain").get_by_test_id("stTable")
        table.wait_for()
        check_presenter_view(page, "/liquid after the comparison", True)
        assert "CfC (closed form)" in table.inner_text()
    assert_no_error(page, f"/{name} in presenter mode")
    projector_shots(page, name)
    if url_path in ("reservoir", "dynamics", "mnist", "timeseries", "liquid", "sweep"):
        assert checked >= 1, f"/{name}: no chart was checked"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_every_page_fits_a_1920x1080_screen(full_hd, base_url, url_path):
    page = open_page(full_hd, base_url, f"{url_path}?presenter=1")
    name = url_path or "home"
    check_presenter_view(page, f"/{name} at 1920×1080", charts_expected=url_path in WITH_CHARTS)
    if url_path == "mnist":                            # the reading-states chart, after training
        choose(page, "8×8 digits (built in)")
        rerun(page, page.get_by_role("button", name="Train", exact=True).click)
        page.get_by_test_id("stMetric").first.wait_for()
        check_presenter_view(page, "/mnist after training at 1920×1080", True)
    assert_no_error(page, f"/{name} in presenter mode at 1920×1080")
    projector_shots(page, f"{name}_1920")


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
    checked = check_presenter_view(page, "/runs with a comparison", True)
    assert checked == 1                                 # the comparison's score bars
    runs = [row for row in page.evaluate(TABLE_ROWS) if row[0] == 0]
    assert [row[3] for row in runs] == ["label", "#1 MNIST · spectral radius 0.9",
                                        "#2 MNIST · spectral radius 1"]
    # 368 px (13 lines) a row before, in nine columns; three lines of 18.4-px text are ~100 px
    assert max(row[1] for row in runs) <= RUN_ROW_PX, f"rows (table, px, lines, label): {runs}"
    tables = page.get_by_test_id("stTable").filter(visible=True)   # HTML in presenter mode
    assert tables.first.locator("th").all_inner_texts() == ["label", "data", "scores", "seconds"]
    rerun(page, page.get_by_text("Every parameter of a run").click)
    every = page.get_by_test_id("stExpander").get_by_test_id("stTable")
    assert ["spectral_radius", "1"] in [row.split() for row in
                                        every.locator("tr").all_inner_texts()]   # #2, the latest
    assert max(row[2] for row in page.evaluate(TABLE_ROWS)) <= MAX_ROW_LINES
    page.screenshot(path=str(SCREENSHOTS / "presenter_runs_parameters_view.png"))
    rerun(page, page.get_by_text("Every parameter of a run").click)
    diff = tables.nth(1)
    assert diff.inner_text().split() == ["parameter", "#1", "#2", "spectral_radius", "0.9", "1"]
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
    assert_no_error(page, "/runs with a comparison")
    projector_shots(page, "runs_comparison")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("url_path", ["reservoir", "sweep"])
def test_no_label_is_cut_outside_presenter_mode(projector, base_url, url_path):
    """The sidebar's Reset / Use-on-every-page buttons side by side were cut to "Reset th…"
    and "Use on …" in the default mode too (presenter mode stacked them)."""
    page = open_page(projector, base_url, url_path)
    assert page.evaluate(CLIPPED_LABELS) == []
    assert_no_error(page, f"/{url_path} at 1280×720")
