"""Every widget that changes what a page shows is in its link (issue 14, item 2): the Sweep's
own widgets, the MNIST ladder and accuracy-curve options, the Time series transform.

A query string with non-default values opens with those values; a value the page cannot
use gets ``linked``'s one sentence and the page shows its default.
"""

import pytest

from lnn_core import sweep
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
