"""Shared controls: the ridge slider offers the tuned penalty, and a link restores it."""

import pytest

from lnn_core.lab.article import TUNED
from pages._ui.page_settings import PAGE_WIDGETS
from pages._ui.params import RIDGE_OPTIONS, format_ridge
from tests.app.conftest import open_page, shown
from tests.app.test_sweep_page import _small_grid


def test_ridge_options_have_two_steps_per_decade_and_include_the_tuned_penalty():
    assert TUNED["ridge"] in RIDGE_OPTIONS
    assert RIDGE_OPTIONS[0] == 1e-8 and RIDGE_OPTIONS[-1] == 1.0 and len(RIDGE_OPTIONS) == 17
    assert [format_ridge(r) for r in RIDGE_OPTIONS[12:14]] == ["1e-02", "3e-02"]


def test_a_link_with_ridge_0_03_sets_the_slider_to_it():
    at = open_page("pages/sweep.py", query={"ridge": "0.03"})
    assert not at.exception and not at.warning
    assert at.select_slider(key="ridge").value == 0.03


# ----------------------------------------------------------------------------- the state model

def sidebar_text(at):
    """Every caption of the sidebar, joined (escaped Markdown resolved)."""
    return " ".join(shown(c.value) for c in at.sidebar.caption)


def test_a_preset_changes_its_own_page_only_and_the_sidebar_names_it():
    at = open_page("pages/dynamics.py", query={"n_units": "40"})
    next(b for b in at.button if b.label == "Chaotic").click().run()
    assert at.slider(key="spectral_radius").value == 1.6
    text = sidebar_text(at)
    assert "spectral radius 1.6, input scaling 0.2 (from the Chaotic preset)" in text, text
    assert "Dynamics (3)" in text                                 # neurons, radius, input
    at.switch_page("pages/mnist.py").run()
    assert not at.exception
    assert at.slider(key="spectral_radius").value == 0.9          # MNIST keeps its defaults
    assert at.slider(key="input_scaling").value == 0.5
    assert "This page uses the default reservoir." in sidebar_text(at)
    assert "spectral_radius" not in at.query_params


def test_the_sweeps_best_point_reaches_every_page_which_says_so():
    at = _small_grid(open_page("pages/sweep.py"), columns="none")
    at.button[0].click().run()                                    # Run sweep
    at.button(key="sweep_apply").click().run()
    radius = at.slider(key="spectral_radius").value
    at.switch_page("pages/liquid.py").run()
    assert not at.exception
    assert at.slider(key="n_units").value == 50
    assert at.slider(key="spectral_radius").value == radius
    assert "(from the Sweep's best point)" in sidebar_text(at)
    assert at.query_params["n_units"] == "50"


def test_reset_this_page_and_reset_all_pages_restore_every_default():
    at = open_page("pages/mnist.py", query={"n_units": "40", "mnist_pooling": "last",
                                            "mnist_bidirectional": "true"})
    assert at.selectbox(key="mnist_pooling").value == "last"
    assert "number of neurons 40 (from the link)" in sidebar_text(at)
    at.button(key="reset_page").click().run()
    assert at.slider(key="n_units").value == 300
    assert at.selectbox(key="mnist_pooling").value == "mean+last"
    assert at.toggle(key="mnist_bidirectional").value is False
    assert "n_units" not in at.query_params and "mnist_pooling" not in at.query_params
    # another page changed, then every page reset from a third
    at.switch_page("pages/dynamics.py").run()
    next(b for b in at.button if b.label == "Too quiet").click().run()
    at.switch_page("pages/reservoir.py").run()
    at.slider(key="n_units").set_value(60).run()
    assert "Reservoir (1), Dynamics (2)" in sidebar_text(at)
    at.button(key="reset_all").click().run()
    assert at.slider(key="n_units").value == 300
    assert "Every page's reservoir is at its defaults." in sidebar_text(at)
    at.switch_page("pages/dynamics.py").run()
    assert at.slider(key="spectral_radius").value == 0.9


def test_page_widgets_come_from_the_link_and_a_bad_value_gets_a_sentence():
    at = open_page("pages/timeseries.py", query={"n_units": "50", "ts_series": "Lorenz-63",
                                                 "ts_length": "1000", "ts_horizon": "99"})
    assert not at.exception
    assert at.selectbox(key="ts_series").value == "Lorenz-63"
    assert at.slider(key="ts_length").value == 1000
    assert at.slider(key="ts_horizon").value == 1                 # out of range: the default
    (warning,) = at.warning
    assert shown(warning.value) == ("The link sets ts_horizon to “99”, which this page cannot "
                                    "use; it shows 1 instead.")


@pytest.mark.parametrize("page", ["dynamics", "mnist", "timeseries", "liquid", "sweep"])
def test_the_reset_list_holds_each_widgets_own_default(page):
    """Reset sets a page's widgets to ``PAGE_WIDGETS``: those must be the values the page's
    widgets take by themselves on a fresh page."""
    at = open_page(f"pages/{page}.py")
    shown_here = {key: default for key, default in PAGE_WIDGETS[page].items()
                  if default is not None and key in at.session_state}
    assert len(shown_here) >= 3, shown_here
    for key, default in shown_here.items():
        value = at.session_state[key]
        same = list(value) == list(default) if isinstance(default, (list, tuple)) \
            else value == default
        assert same, f"{key}: the page shows {value!r}, Reset would set {default!r}"


def test_a_tab_in_the_link_opens_and_an_unknown_tab_gets_a_sentence():
    at = open_page("pages/liquid.py", query={"liquid_tab": "Impulse response"})
    assert not at.exception and not at.warning
    assert at.session_state["liquid_tab"] == "Impulse response"
    at = open_page("pages/liquid.py", query={"liquid_tab": "Ramp **response**"})
    (warning,) = at.warning
    assert shown(warning.value) == ("The link sets liquid_tab to “Ramp **response**”, which this "
                                    "page cannot use; it shows Step response instead.")
