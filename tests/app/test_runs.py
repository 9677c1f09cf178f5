"""Runs page and the helpers that feed it: record_run, guarded, progress_callback."""

import pytest
from streamlit.testing.v1 import AppTest

from pages._ui.text import plain

PAGE = "pages/runs.py"


def two_runs():
    base = {"time": "10:00:00", "params": {"n_units": 300, "spectral_radius": 0.9},
            "seconds": 1.25}
    return [
        {**base, "id": 1, "kind": "MNIST", "data": "offline sample", "metrics": {"accuracy": 0.9},
         "curves": {}},
        {**base, "id": 2, "kind": "Memory capacity", "data": "uniform",
         "metrics": {"memory capacity": 12.5},
         "curves": {"memory capacity": {"x": [1, 2, 3], "y": [1.0, 0.8, 0.2]}}},
    ]


def test_empty_state_explains_what_to_do(app_page):
    at = app_page(PAGE)
    assert not at.exception
    assert "No runs yet" in at.info[0].value


def test_table_download_and_overlay(app_page, charts):
    at = app_page(PAGE, session={"runs": two_runs()})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["run"]) == [1, 2]
    assert table.loc[0, "accuracy"] == 0.9 and table.loc[1, "memory capacity"] == 12.5
    assert "spectral_radius=0.9" in table.loc[0, "parameters"]
    # every score column, even one only a later run has, comes before the long parameters
    assert list(table.columns) == ["run", "time", "kind", "data", "accuracy",
                                   "memory capacity", "seconds", "parameters"]
    assert at.get("download_button")
    assert at.multiselect(key="overlay_runs").value == [2]
    (overlay,) = charts(at)
    assert overlay["data"][0]["name"] == "#2 memory capacity"
    assert overlay["data"][0]["y"] == [1.0, 0.8, 0.2]


def test_clear_runs_returns_to_the_empty_state(app_page):
    at = app_page(PAGE, session={"runs": two_runs()})
    next(b for b in at.button if b.label == "Clear runs").click().run()
    assert not at.exception
    assert "No runs yet" in at.info[0].value


def helper_script():
    import numpy as np
    import streamlit as st

    import lnn_core
    from pages._ui.errors import guarded
    from pages._ui.progress import progress_callback
    from pages._ui.runs import record_run

    callback, finish = progress_callback("Working")
    callback(5, 10)
    finish()
    record_run("Test", "numbers", {"n_units": 10}, {"NRMSE": np.float32(0.25)}, 0.5,
               curves={"loss": [3.0, 2.0], "pair": ([10, 20], [1, 2])})
    with guarded():
        raise lnn_core.DataError("column 'x' is empty")
    with guarded("Use fewer neurons."):
        raise MemoryError
    with guarded():
        raise KeyError("boom")
    st.text("still running")


def test_helpers_record_and_guard():
    at = AppTest.from_function(helper_script, default_timeout=30).run()
    assert not at.exception
    (run,) = at.session_state["runs"]
    assert run["metrics"] == {"NRMSE": 0.25} and run["id"] == 1
    assert run["curves"]["loss"] == {"x": [0.0, 1.0], "y": [3.0, 2.0]}
    assert run["curves"]["pair"] == {"x": [10.0, 20.0], "y": [1.0, 2.0]}
    errors = [e.value for e in at.error]
    assert plain("column 'x' is empty") in errors[0]                # shown as text
    assert "more memory" in errors[1] and "Use fewer neurons." in at.info[1].value
    assert errors[2].startswith("Something went wrong (KeyError")
    assert at.text[0].value == "still running"


@pytest.mark.parametrize("text,expected", [("0.5", 0.5), ("2", 2.0), ("-0.1", None),
                                           ("nan", None), ("abc", None)])
def test_url_values_are_range_checked(text, expected):
    from pages._ui.params import _from_url
    assert _from_url("spectral_radius", text) == expected
