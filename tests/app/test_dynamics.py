"""Dynamics page: defaults, presets, input choice, animation frames, memory capacity."""

import numpy as np
import pytest

import lnn_core
from lnn_core.data import generators

PAGE = "pages/dynamics.py"
SMALL = {"n_units": "40", "n_steps": "150"}


def test_renders_with_defaults(app_page, charts, named_trace):
    at = app_page(PAGE)
    assert not at.exception and not at.error
    trajectories, heatmap, pca, _animation, _distance = charts(at)
    assert len(named_trace(trajectories, "input")["y"]) == 400
    assert np.shape(heatmap["data"][0]["z"]) == (200, 400)  # first 200 of 300 neurons
    assert pca["data"][0]["type"] == "scatter3d"
    assert at.info  # memory capacity waits for its button


@pytest.mark.parametrize("preset,radius,input_scaling", [
    ("Too quiet", 0.2, 0.05), ("Chaotic", 1.6, 0.2),
])
def test_preset_sets_sliders_and_url(app_page, preset, radius, input_scaling):
    at = app_page(PAGE, query=SMALL)
    next(b for b in at.button if b.label == preset).click().run()
    assert not at.exception
    assert at.slider(key="spectral_radius").value == pytest.approx(radius)
    assert at.slider(key="input_scaling").value == pytest.approx(input_scaling)
    assert at.query_params["spectral_radius"] == f"{radius:g}"


def test_edge_of_chaos_is_measured_for_the_current_settings(app_page):
    # it was a fixed radius 1.0, where this reservoir still forgets its start in ~60 steps
    at = app_page(PAGE, query=SMALL | {"input_scaling": "0.5"})
    next(b for b in at.button if b.label == "Edge of chaos").click().run()
    assert not at.exception and not at.error
    edge = at.slider(key="spectral_radius").value
    params = dict(density=0.1, input_scaling=0.5, bias_scaling=0.2, seed=0)
    series = generators.generate("Mixed sines", 150, seed=0)
    fades = [lnn_core.echo_state_check(lnn_core.make_reservoir(40, 1, spectral_radius=r, **params),
                                       series.values).fades for r in (edge, edge + 0.02)]
    assert fades == [True, False]              # the check fades at the edge, not just above it
    assert edge != pytest.approx(1.0, abs=0.02)
    assert any("Edge of chaos for these settings" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Edge of chaos").click()
    at.slider(key="input_scaling").set_value(2.0).run()
    next(b for b in at.button if b.label == "Edge of chaos").click().run()
    assert at.slider(key="spectral_radius").value > edge + 0.1   # stronger input: a later edge


def test_spectral_radius_changes_the_trajectories(app_page, charts, named_trace):
    at = app_page(PAGE, query=SMALL)
    before = named_trace(charts(at)[0], "neuron 0")["y"]
    at.slider(key="spectral_radius").set_value(1.4).run()
    assert not at.exception
    assert named_trace(charts(at)[0], "neuron 0")["y"] != before


def test_input_signal_from_url_and_selectbox(app_page, charts, named_trace):
    at = app_page(PAGE, query={**SMALL, "input_signal": "Square wave"})
    assert at.selectbox(key="input_signal").value == "Square wave"
    assert set(named_trace(charts(at)[0], "input")["y"]) == {-1.0, 1.0}
    at.selectbox(key="input_signal").set_value("Impulse").run()
    assert not at.exception
    assert sum(named_trace(charts(at)[0], "input")["y"]) == 1.0


def test_animation_has_frames_and_a_play_button(app_page, charts):
    at = app_page(PAGE, query=SMALL)
    animation = charts(at)[3]
    assert len(animation["frames"]) == 120
    buttons = animation["layout"]["updatemenus"][0]["buttons"]
    assert buttons[0]["label"].endswith("Play") and buttons[0]["method"] == "animate"


def test_memory_capacity_button_plots_and_records_a_run(app_page, charts):
    at = app_page(PAGE, query=SMALL)
    next(b for b in at.button if b.label == "Measure memory capacity").click().run()
    assert not at.exception and not at.error
    total = float(at.metric[0].value)
    assert 0 < total <= 40
    assert len(charts(at)) == 6
    (run,) = at.session_state["runs"]
    assert run["kind"] == "Memory capacity" and run["metrics"]["memory capacity"] == \
        pytest.approx(total, abs=0.05)
    assert len(run["curves"]["memory capacity"]["y"]) == 80  # 2 * n_units delays


def test_presenter_mode_folds_advanced_controls(app_page):
    at = app_page(PAGE, query={**SMALL, "presenter": "1"})
    assert not at.exception
    top_level = [c.key for c in at.sidebar.children.values() if c.type == "slider"]
    assert top_level == ["n_units", "spectral_radius", "leak_rate"]


@pytest.mark.parametrize("key,value", [("leak_rate", 0.2), ("input_scaling", 2.0),
                                       ("n_steps", 200)])
def test_main_sliders_change_the_trajectories(app_page, charts, named_trace, key, value):
    at = app_page(PAGE, query=SMALL)
    before = named_trace(charts(at)[0], "neuron 0")["y"]
    at.slider(key=key).set_value(value).run()
    assert not at.exception and not at.error
    assert named_trace(charts(at)[0], "neuron 0")["y"] != before
