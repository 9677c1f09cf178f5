"""Shared controls: the ridge slider offers the tuned penalty, and a link restores it."""

from lnn_core.lab.article import TUNED
from pages._ui.params import RIDGE_OPTIONS, format_ridge
from tests.app.conftest import open_page


def test_ridge_options_have_two_steps_per_decade_and_include_the_tuned_penalty():
    assert TUNED["ridge"] in RIDGE_OPTIONS
    assert RIDGE_OPTIONS[0] == 1e-8 and RIDGE_OPTIONS[-1] == 1.0 and len(RIDGE_OPTIONS) == 17
    assert [format_ridge(r) for r in RIDGE_OPTIONS[12:14]] == ["1e-02", "3e-02"]


def test_a_link_with_ridge_0_03_sets_the_slider_to_it():
    at = open_page("pages/sweep.py", query={"ridge": "0.03"})
    assert not at.exception and not at.warning
    assert at.select_slider(key="ridge").value == 0.03
