"""Every widget that changes what a page shows is in its link (issue 14, item 2): the Sweep's
own widgets, the MNIST ladder and accuracy-curve options, the Time series transform.

A query string with non-default values opens with those values; a value the page cannot
use gets ``linked``'s one sentence and the page shows its default.
"""

import logging

import pytest
from streamlit.elements.lib import policies

from lnn_core import sweep
from lnn_core.lab.article import TUNED
from pages._ui.page_settings import PAGE_WIDGETS
from pages._ui.sweep_settings import RANGES, SWEEP_WIDGETS
from tests.app.conftest import open_page, shown

SWEEP, MNIST, TIMESERIES = "pages/sweep.py", "pages/mnist.py", "pages/timeseries.py"
NARMA = "NARMA-10: imitate the system (NRMSE)"     # the Data selectbox's label, as in a URL


def sentence(key, text, instead):
    return f"The link sets {key} to “{text}”, which this page cannot use; it shows {instead} instead."


def warnings(at):
    return [shown(w.value) for w in at.warning]


def transform(at):
    return next(w for w in at.get("button_group") if w.label == "Transform")


# ----------------------------------------------------------------------------- Sweep

def test_the_sweep_widgets_cover_every_parameter_with_their_defaults():
    assert [*RANGES, "ridge"] == list(sweep.PARAMETERS)
    assert SWEEP_WIDGETS["sweep_rows"] in sweep.PARAMETERS
    assert set(SWEEP_WIDGETS["sweep_parameters"]) <= set(sweep.PARAMETERS)


def test_a_sweep_grid_link_opens_with_its_task_axes_and_seeds():
    at = open_page(SWEEP, query={
        "sweep_task": NARMA, "sweep_rows": "ridge", "sweep_columns": "none",
        "sweep_ridge_range": ["1e-06", "1e-03"], "sweep_rows_values": "4",
        "sweep_seeds_per_point": "2"})
    assert not at.exception and not at.error and not at.warning
    assert at.selectbox(key="sweep_task").value == "narma10"
    assert (at.selectbox(key="sweep_rows").value, at.selectbox(key="sweep_columns").value) \
        == ("ridge", "none")
    assert tuple(at.select_slider(key="sweep_ridge_range").value) == (1e-6, 1e-3)
    assert at.number_input(key="sweep_rows_values").value == 4
    assert shown(at.caption[0].value).startswith(
        "4 point(s) × 2 seed(s) = 8 evaluations on NARMA-10, 1,400 train / 600 validation steps.")


def test_a_sweep_random_link_opens_with_its_parameters_ranges_and_points():
    at = open_page(SWEEP, query={
        "sweep_search": "Random", "sweep_parameters": ["density", "leak_rate"],
        "sweep_density_range": ["0.2", "0.4"], "sweep_leak_rate_log": "false",
        "sweep_n_points": "7", "sweep_sample_seed": "3"})
    assert not at.exception and not at.error and not at.warning
    assert at.multiselect(key="sweep_parameters").value == ["density", "leak_rate"]
    assert tuple(at.slider(key="sweep_density_range").value) == (0.2, 0.4)
    assert at.checkbox(key="sweep_leak_rate_log").value is False
    assert (at.slider(key="sweep_n_points").value,
            at.number_input(key="sweep_sample_seed").value) == (7, 3)
    assert shown(at.caption[0].value).startswith("7 point(s) × 1 seed(s) = 7 evaluations on 8×8 digits")


def test_an_unusable_sweep_value_gets_a_sentence_and_the_default():
    at = open_page(SWEEP, query={"sweep_rows": "bogus", "sweep_task": "**all of MNIST**"})
    assert not at.exception
    assert at.selectbox(key="sweep_rows").value == "spectral_radius"
    assert at.selectbox(key="sweep_task").value == "digits"
    assert warnings(at) == [
        sentence("sweep_task", "**all of MNIST**", "8×8 digits: classify (accuracy)"),
        sentence("sweep_rows", "bogus", "spectral_radius")]


def test_reset_brings_a_linked_sweep_back_to_its_defaults():
    at = open_page(SWEEP, query={"n_units": "50", "sweep_rows": "density",
                                 "sweep_rows_values": "3", "sweep_density_range": ["0.2", "0.4"]})
    assert at.caption[0].value.startswith("24 point(s)")              # 3 densities × 8 leak rates
    at.button(key="reset_page").click().run()
    assert not at.exception
    assert at.slider(key="n_units").value == 300
    assert at.selectbox(key="sweep_rows").value == "spectral_radius"
    assert at.number_input(key="sweep_rows_values").value == 8
    assert at.caption[0].value.startswith("64 point(s)")


def test_reset_is_enabled_on_a_links_first_view():
    """The sidebar's Reset comes before the page's own widgets: on a link's first run it must
    see their non-default values in the URL (it was disabled until the next interaction)."""
    at = open_page(SWEEP, query={"sweep_columns": "ridge",
                                 "sweep_ridge_range": ["1e-06", "1e-03"]})
    assert not at.exception
    assert at.selectbox(key="sweep_columns").value == "ridge"
    assert not at.button(key="reset_page").disabled
    assert open_page(SWEEP).button(key="reset_page").disabled          # the defaults: nothing to reset


# ----------------------------------------------------------------------------- MNIST

def test_an_accuracy_curve_link_opens_with_its_parameter():
    at = open_page(MNIST, query={"mnist_tab": "Accuracy curves", "mnist_curve_vary": "leak_rate"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="mnist_curve_vary").value == "leak_rate"


def test_a_ladder_link_opens_with_its_training_images_and_neurons():
    at = open_page(MNIST, query={"mnist_source": "MNIST sample (offline)",
                                 "mnist_tab": "Article vs fixes", "mnist_ladder_size": "2000",
                                 "mnist_ladder_units": "1000"})
    assert not at.exception and not at.warning
    assert at.select_slider(key="mnist_ladder_size").value == 2000
    assert at.select_slider(key="mnist_ladder_units").value == 1000


def test_an_unknown_curve_parameter_gets_a_sentence():
    at = open_page(MNIST, query={"mnist_tab": "Accuracy curves", "mnist_curve_vary": "bogus"})
    assert not at.exception
    assert at.selectbox(key="mnist_curve_vary").value == "n_train"
    assert warnings(at) == [sentence("mnist_curve_vary", "bogus", "training images")]


# ----------------------------------------------------------------------------- Time series

def test_a_transform_link_opens_with_it_and_forecasts_with_it():
    at = open_page(TIMESERIES, query={"ts_transform": "difference"})
    assert not at.exception and not at.error and not at.warning
    assert transform(at).value == "difference"
    assert at.session_state["ts_result"].transform == "difference"


@pytest.mark.parametrize(("series", "wanted", "offered"), [
    ("Lorenz-63", "log", ["none", "difference"]),               # x goes below 0: no log
    ("NARMA-10", "difference", ["none"]),                       # output from 0, delay 0: neither
])
def test_a_transform_this_data_does_not_offer_gets_a_sentence(series, wanted, offered):
    at = open_page(TIMESERIES, query={"ts_series": series, "ts_transform": wanted})
    assert not at.exception
    assert transform(at).options == offered
    assert transform(at).value == "none"
    assert warnings(at) == [sentence("ts_transform", wanted, "none")]
    assert at.session_state["ts_result"].transform == "none"


def test_reset_drops_a_linked_value_whose_default_depends_on_the_data():
    at = open_page(MNIST, query={"mnist_n_train": "1000"})
    default = open_page(MNIST).select_slider(key="mnist_n_train").value
    assert at.select_slider(key="mnist_n_train").value == 1000 != default
    at.button(key="reset_page").click().run()
    assert at.select_slider(key="mnist_n_train").value == default
    assert "mnist_n_train" not in at.query_params


# ----------------------------------------------------------------------------- Reset, repeated values

@pytest.fixture
def state_warnings(monkeypatch):
    """Streamlit's log lines "The widget with key ... was created with a default value but also
    had its value set via the Session State API" (logged once per process: the flag is cleared).

    Reset, presets and Apply set widget values on purpose; ``.streamlit/config.toml`` turns the
    line off (``global.disableWidgetStateDuplicationWarning``), read from the repo root.
    """
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    policies._LOGGER.addHandler(handler)
    yield lambda: [r.getMessage() for r in records if "Session State API" in r.getMessage()]
    policies._LOGGER.removeHandler(handler)


def at_defaults(at, page):
    """The page's own widgets that differ from their defaults, or stay in the URL."""
    changed = {key: at.session_state[key] for key, default in PAGE_WIDGETS[page].items()
               if default is not None and key in at.session_state
               and (list(at.session_state[key]) != list(default)
                    if isinstance(default, (list, tuple)) else at.session_state[key] != default)}
    return changed, sorted(set(PAGE_WIDGETS[page]) & set(at.query_params))


@pytest.mark.parametrize(("page", "query"), [
    ("liquid", {"tau_range": ["1", "4"], "reversal_range": ["-0.5", "1.5"], "ltc_step": "1",
                "unfolds": "5", "liquid_input": "Step", "liquid_neurons": ["1", "5"],
                "liquid_tab": "Impulse response"}),
    ("sweep", {"sweep_spectral_radius_range": ["0.2", "0.4"], "sweep_spectral_radius_log": "true",
               "sweep_rows_values": "3", "sweep_seeds_per_point": "2"}),
])
def test_reset_restores_linked_widgets_without_a_session_state_warning(page, query, state_warnings):
    at = open_page(f"pages/{page}.py", query=query | {"n_units": "50"})
    assert not at.exception and not at.warning
    changed, in_url = at_defaults(at, page)
    assert set(changed) == set(query) and in_url == sorted(query)
    at.button(key="reset_page").click().run()
    assert not at.exception
    assert at_defaults(at, page) == ({}, [])
    assert at.slider(key="n_units").value == 300
    at.run()                                        # bound again, at the defaults
    assert at_defaults(at, page) == ({}, []) and not at.warning
    assert state_warnings() == []


def test_a_preset_that_sets_page_widgets_logs_no_session_state_warning(state_warnings):
    at = open_page(MNIST)
    next(b for b in at.button if b.label == "Tuned preset").click().run()
    assert not at.exception
    assert at.selectbox(key="mnist_pooling").value == TUNED["pooling"] != "mean+last"
    assert state_warnings() == []


@pytest.mark.parametrize(("query", "key", "text", "instead"), [
    ({"sweep_search": "Random", "sweep_parameters": ["bogus", "leak_rate"]},
     "sweep_parameters", "bogus, leak_rate", "leak_rate"),
    ({"sweep_spectral_radius_range": ["-5", "1.5"]},           # refused: the default range
     "sweep_spectral_radius_range", "-5, 1.5", "0.1, 1.5"),
])
def test_a_repeated_link_value_the_page_cannot_use_gets_a_sentence(query, key, text, instead):
    at = open_page(SWEEP, query=query)
    assert not at.exception
    assert warnings(at) == [sentence(key, text, instead)]


def test_a_page_link_keeps_every_value_of_a_repeated_parameter():
    """``/sweep?...`` is redirected to ``/?page=sweep&...``, which switches to the page."""
    at = open_page(query={"page": "sweep", "sweep_search": "Random",
                          "sweep_parameters": ["density", "leak_rate"],
                          "sweep_density_range": ["0.2", "0.4"]})
    assert not at.exception and not at.warning
    assert at.multiselect(key="sweep_parameters").value == ["density", "leak_rate"]
    assert tuple(at.slider(key="sweep_density_range").value) == (0.2, 0.4)
