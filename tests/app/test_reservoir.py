"""Reservoir page: defaults, sliders move the figures, URL round trip, presenter mode."""

import numpy as np
import pytest

from pages._ui.text import plain

PAGE = "pages/reservoir.py"
SMALL = {"n_units": "60"}  # keeps each run fast; defaults are tested once


def eigenvalues(spec, named_trace):
    trace = named_trace(spec, "eigenvalues")
    return np.array(trace["x"]) + 1j * np.array(trace["y"])


def test_renders_with_defaults(app_page, charts, named_trace):
    at = app_page(PAGE)
    assert not at.exception and not at.error
    spectrum, _distance, heatmap, _histogram = charts(at)
    assert len(named_trace(spectrum, "eigenvalues")["x"]) == 300
    assert np.max(np.abs(eigenvalues(spectrum, named_trace))) == pytest.approx(0.9, rel=1e-5)
    assert np.shape(heatmap["data"][0]["z"]) == (200, 200)  # sub-block of 300 x 300
    assert "first 200×200 of 300×300" in heatmap["layout"]["title"]["text"]
    assert [m.value for m in at.metric][:1] == ["300"]
    assert not at.query_params  # defaults stay out of the URL


def test_spectral_radius_rescales_the_spectrum(app_page, charts, named_trace):
    at = app_page(PAGE, query=SMALL)
    before = eigenvalues(charts(at)[0], named_trace)
    at.slider(key="spectral_radius").set_value(0.45).run()
    assert not at.exception
    after = eigenvalues(charts(at)[0], named_trace)
    np.testing.assert_allclose(after, before * 0.5, rtol=1e-5, atol=1e-7)
    assert at.query_params["spectral_radius"] == "0.45"


@pytest.mark.parametrize("key,value,chart", [
    ("n_units", 80, 0), ("density", 0.3, 2), ("seed", 7, 0),
    ("input_scaling", 2.0, 1), ("leak_rate", 0.3, 1), ("bias_scaling", 1.0, 1),
])
def test_each_slider_changes_its_figure(app_page, charts, key, value, chart):
    at = app_page(PAGE, query=SMALL)
    before = charts(at)[chart]["data"]
    widget = at.number_input(key=key) if key == "seed" else at.slider(key=key)
    widget.set_value(value).run()
    assert not at.exception and not at.error
    assert charts(at)[chart]["data"] != before
    assert at.query_params[key] == f"{value:g}"


def test_url_sets_the_sliders(app_page):
    at = app_page(PAGE, query={"n_units": "50", "spectral_radius": "1.3", "density": "0.2",
                               "seed": "42", "cell": "ltc"})
    assert not at.exception and not at.warning
    assert at.slider(key="n_units").value == 50
    assert at.slider(key="spectral_radius").value == pytest.approx(1.3)
    assert at.slider(key="density").value == pytest.approx(0.2)
    assert at.number_input(key="seed").value == 42
    assert at.selectbox(key="cell").value == "ltc"


@pytest.mark.parametrize("key,text,allowed", [
    ("spectral_radius", "9", "from 0 to 2"), ("n_units", "ten", "integer from 10 to 2000"),
    ("seed", "1.5", "integer from 0 to 9999"), ("cell", "lstm", "one of esn, ltc, cfc"),
])
def test_invalid_url_value_warns_and_falls_back(app_page, key, text, allowed):
    at = app_page(PAGE, query={**SMALL, key: text})
    assert not at.exception
    (warning,) = at.warning
    assert f"{key} to {plain(text, quote=True)}" in warning.value and allowed in warning.value
    assert key not in at.query_params  # the bad value is dropped from the URL


def test_parameters_survive_a_page_switch(app_page):
    at = app_page(PAGE, query=SMALL)
    at.slider(key="spectral_radius").set_value(1.1).run()
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.slider(key="spectral_radius").value == pytest.approx(1.1)
    assert at.query_params["spectral_radius"] == "1.1"


def test_presenter_mode_enlarges_figures(app_page, charts):
    normal = charts(app_page(PAGE, query=SMALL))[0]["layout"]
    presenter = charts(app_page(PAGE, query={**SMALL, "presenter": "1"}))[0]["layout"]
    assert presenter["height"] > normal["height"]
    assert presenter["font"]["size"] > normal["font"]["size"]


def test_echo_state_verdict_flips_with_the_radius(app_page):
    at = app_page(PAGE, query={**SMALL, "spectral_radius": "0.5"})
    assert at.metric[3].value.startswith("yes")
    at.slider(key="spectral_radius").set_value(2.0).run()
    at.slider(key="input_scaling").set_value(0.0).run()
    assert at.metric[3].value.startswith("no")
