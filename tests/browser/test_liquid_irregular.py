"""Real browser: the Liquid page's irregular-sampling experiment on an uploaded file's times."""

import pytest

from tests.browser.test_e2e import (
    SCREENSHOTS,
    assert_no_error,
    choose,
    open_page,
    rerun,
    uploader_input,
)
from tests.data.gunpoint_irregular import CSV


@pytest.mark.timeout(300)
def test_gunpoint_read_at_irregular_times_is_scored_side_by_side(page, base_url):
    open_page(page, base_url, "liquid?n_units=100")
    choose(page, "Upload (CSV with a time column)")
    rerun(page, lambda: uploader_input(page, "CSV with a time column").
          set_input_files(CSV))
    assert page.get_by_text("gunpoint_irregular.csv: 200 series").first.is_visible()
    rerun(page, page.get_by_role("button", name="Run on the file's times").click)
    verdict = page.get_by_text("The ESN ignores the times:")
    verdict.wait_for()
    assert "with Δt = 1" in verdict.inner_text()
    assert_no_error(page, "/liquid after the irregular-sampling run on an upload")
    page.set_viewport_size({"width": 1400, "height": 1100})      # the whole section in view
    page.get_by_role("heading", name="Irregular sampling: elapsed time as input").evaluate(
        "h => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)                       # Plotly redraws at the new size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "liquid_irregular_upload.png"))
