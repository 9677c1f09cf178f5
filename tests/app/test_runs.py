"""Runs page and the helpers that feed it: record_run, labels, comparison, guarded, progress."""

import io

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

from pages._ui.runs import comparison_csv, run_labels
from pages._ui.text import plain
from tests.app.conftest import shown

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
    assert list(table.columns) == ["run", "label", "time", "kind", "data", "accuracy",
                                   "memory capacity", "seconds", "parameters"]
    assert at.get("download_button")
    assert at.multiselect(key="overlay_runs").value == [2]
    overlay = charts(at)[-1]
    assert overlay["data"][0]["name"] == "#2 memory capacity"
    assert overlay["data"][0]["y"] == [1.0, 0.8, 0.2]


def test_compared_scores_say_same_when_equal_and_seconds_to_the_hundredth(app_page):
    """Two runs with the same accuracy: no "+0" with a green arrow; seconds not to 0.1 ms."""
    runs = two_runs()
    runs[1] = {**runs[0], "id": 2, "seconds": 0.9204, "params": {"n_units": 300,
                                                                "spectral_radius": 0.5}}
    at = app_page(PAGE, session={"runs": runs})
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    assert metrics["accuracy · #2"].value == "0.9"
    assert metrics["accuracy · #2"].delta == "same"
    assert metrics["seconds · #1"].value == "1.25 s" and metrics["seconds · #2"].value == "0.92 s"
    assert metrics["seconds · #2"].delta == "-0.33"


def memory_runs():
    """Three memory-capacity runs: #2 and #3 differ from #1 in spectral radius, #3 in cell too."""
    def run(number, radius, cell, total, curve):
        return {"id": number, "time": "10:00:00", "kind": "Memory capacity",
                "data": "i.i.d. uniform input", "seconds": 2.0 + number,
                "params": {"n_units": 300, "spectral_radius": radius, "cell": cell, "seed": 0},
                "metrics": {"memory capacity": total},
                "curves": {"memory capacity": {"x": [1, 2, 3], "y": curve}}}
    return [run(1, 0.9, "esn", 7.4, [1.0, 0.9, 0.5]), run(2, 1.6, "esn", 1.8, [0.6, 0.1, 0.0]),
            run(3, 0.5, "ltc", 28.2, [1.0, 1.0, 0.9])]


def test_labels_say_what_differs():
    labels = run_labels(memory_runs() + [{**two_runs()[0], "id": 4}])
    # the three indistinguishable "memory capacity · i.i.d. uniform input" runs
    assert labels[1] == "#1 Memory capacity · spectral radius 0.9, cell esn"
    assert labels[2] == "#2 Memory capacity · spectral radius 1.6, cell esn"
    assert labels[3] == "#3 Memory capacity · spectral radius 0.5, cell ltc"
    assert labels[4] == "#4 MNIST · offline sample"      # alone of its kind: its data


@pytest.fixture
def downloads(monkeypatch):
    """``downloads(button)`` -> the bytes an AppTest download button serves."""
    stores = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)

    def content(button):
        name = button.proto.url.rsplit("/", 1)[-1]
        return stores[-1].get_file(name).content
    return content


def test_two_runs_compared_side_by_side_and_exported(app_page, charts, downloads):
    at = app_page(PAGE, session={"runs": memory_runs()})
    assert not at.exception
    # the last two runs by default
    assert at.selectbox(key="compare_first").value == 2
    assert at.selectbox(key="compare_second").value == 3
    at.selectbox(key="compare_first").set_value(1).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["memory capacity · #1"] == "7.4"
    assert metrics["memory capacity · #3"] == "28.2"
    # only the differing parameters: n_units and seed are the same
    diff = at.dataframe[1].value                        # after the table of every run
    assert list(diff["parameter"]) == ["spectral_radius", "cell"]
    assert list(diff["#1"]) == ["0.9", "esn"] and list(diff["#3"]) == ["0.5", "ltc"]
    # both curves overlaid, named by what differs
    overlaid = [trace["name"] for trace in charts(at)[0]["data"]]
    assert overlaid == ["#1 Memory capacity · spectral radius 0.9, cell esn: memory capacity",
                        "#3 Memory capacity · spectral radius 0.5, cell ltc: memory capacity"]
    # the CSV the page serves
    button = next(b for b in at.get("download_button")
                  if b.proto.label == "Download the comparison (CSV)")
    served = downloads(button).decode()
    assert served == comparison_csv(memory_runs()[0], memory_runs()[2])
    table = pd.read_csv(io.StringIO(served))
    assert list(table.columns) == ["section", "name", "#1", "#3"]
    rows = {(r["section"], r["name"]): (r["#1"], r["#3"]) for _, r in table.iterrows()}
    assert rows["score", "memory capacity"] == ("7.4", "28.2")
    assert rows["score", "seconds"] == ("3.0", "5.0")
    assert rows["parameter", "spectral_radius"] == ("0.9", "0.5")
    assert rows["parameter", "cell"] == ("esn", "ltc")
    assert ("parameter", "n_units") not in rows and len(rows) == 4


def test_comparison_without_curves_shows_the_scores(app_page, charts):
    at = app_page(PAGE, session={"runs": two_runs()[:1] + [{**two_runs()[0], "id": 2,
                                                             "metrics": {"accuracy": 0.95}}]})
    assert not at.exception
    assert len(at.dataframe) == 1                        # the runs table, no diff table
    assert any("same kind, data and parameters" in c.value for c in at.caption)
    bars = charts(at)[0]
    assert [trace["y"] for trace in bars["data"]] == [[0.9], [0.95]]


def test_presenter_mode_shows_the_tables_as_text_in_html(app_page):
    """A data grid draws its cells on a canvas at 14 px; presenter mode's tables are HTML
    (18 px by its CSS), every cell and header escaped: a run's Markdown shows as typed."""
    runs = memory_runs()
    runs[0]["data"] = "**bold** [a link](http://example.com) <b>tag</b> :red[red]"
    at = app_page(PAGE, query={"presenter": "1"}, session={"runs": runs})
    assert not at.exception
    assert len(at.dataframe) == 0
    table, parameters, diff = (element.value for element in at.table)
    # four columns (rows of 2-3 lines at 18 px); each run's own scores in one cell
    assert [shown(name) for name in table.columns] == ["label", "data", "scores", "seconds"]
    assert shown(table.iloc[0, 1]) == runs[0]["data"]
    assert [shown(cell) for cell in table.iloc[:, 2]] == [
        "memory capacity 7.4", "memory capacity 1.8", "memory capacity 28.2"]
    # every parameter, one run at a time (the latest first)
    assert at.selectbox(key="parameters_run").value == 3
    assert [[shown(cell) for cell in row] for row in parameters.values] == [
        ["n_units", "300"], ["spectral_radius", "0.5"], ["cell", "ltc"], ["seed", "0"]]
    assert [shown(cell) for cell in diff.iloc[:, 0]] == ["spectral_radius", "cell"]  # #2 vs #3


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


def progress_script(calls):
    """Drive a fit's progress bar through ``calls`` and leave it shown."""
    from pages._ui.progress import FIT_PHASES, progress_callback

    callback, _ = progress_callback("Training", FIT_PHASES)
    for done, total in calls:
        callback(done, total)


@pytest.mark.parametrize(("calls", "text", "value"), [
    ([(1000, 4000)], "Training: collecting reservoir states: 1,000 / 4,000", 25),
    # the states are all collected: the bar names the readout solve, not a stuck 4,000 / 4,000
    ([(1000, 4000), (4000, 4000)],
     "Training: solving the readout (one linear system, no count)…", 100),
    ([(4000, 4000), (128, 250)], "Training: scoring the training images: 128 / 250", 51),
    ([(4000, 4000), (250, 250), (500, 1000)], "Training: scoring the test images: 500 / 1,000",
     50),
    # a second count with the same total is still the next phase
    ([(250, 250), (250, 250)], "Training: scoring the training images: 250 / 250", 100),
])
def test_fit_progress_names_each_phase(calls, text, value):
    at = AppTest.from_function(progress_script, args=(calls,), default_timeout=30).run()
    assert not at.exception
    (bar,) = at.get("progress")
    assert bar.proto.text == text
    assert bar.proto.value == value
