import pytest
from browser.test_e2e import open_page, rerun, wait_for_app
pytestmark = pytest.mark.browser
def test_dbg(page, base_url):
    open_page(page, base_url, "reservoir?spectral_radius=1.3&n_units=200")
    expected = {s.get_attribute("aria-label"): s.get_attribute("value") for s in page.get_by_role("slider").all()}
    print("expected", expected)
    rerun(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name="Dynamics").click)
    page.get_by_role("heading", name="Dynamics").first.wait_for()
    print("url", page.url)
    seen = {s.get_attribute("aria-label"): s.get_attribute("value") for s in page.get_by_role("slider").all()}
    print("seen", seen)
    page.wait_for_timeout(3000)
    print("later", page.url, {s.get_attribute("aria-label"): s.get_attribute("value") for s in page.get_by_role("slider").all()})
