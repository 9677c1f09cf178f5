"""Liquid page, irregular sampling on an upload: the file's times side by side with Δt = 1."""

import numpy as np
import pytest

from pages._ui.irregular import SOURCES
from tests.app.conftest import chart_specs, open_page, shown
from tests.data.gunpoint_irregular import CSV

PAGE = "pages/liquid.py"
RUN = "Run on the file's times"


def upload(name, data, n_units=60):
    at = open_page(PAGE, session={"irregular_source": SOURCES[1], "n_units": n_units})
    at.file_uploader(key="irregular_upload").set_value((name, data, "text/csv")).run()
    return at


def click(at, label):
    next(b for b in at.button if b.label == label).click().run(timeout=120)
    return at


def long_csv(n_series, labels="ab", time=True):
    header = "series,label,time,value" if time else "series,label,value"
    rows = [f"{i},{labels[i % len(labels)]}," + (f"{t}," if time else "") + f"{(i % 2) * t}"
            for i in range(n_series) for t in range(5)]
    return ("\n".join([header, *rows]) + "\n").encode()


def errors(at):
    return " ".join(shown(e.value) for e in at.error)


def test_an_uploaded_file_is_scored_given_its_times_and_given_delta_t_one():
    at = click(upload("gunpoint_irregular.csv", CSV.read_bytes()), RUN)
    assert not at.exception and not at.error
    assert any("gunpoint_irregular.csv: 200 series, 1 channel, length 90, 2 classes"
               in shown(c.value) for c in at.caption)
    table = at.dataframe[-1].value.set_index("model")
    assert list(table.index) == ["ESN", "ESN + Δt input", "LTC", "CfC"]
    assert list(table.columns) == ["file's times", "Δt = 1"]
    assert ((table >= 0.5) & (table <= 1.0)).all().all()        # 2 classes
    assert table.loc["ESN", "file's times"] == table.loc["ESN", "Δt = 1"]   # it ignores time
    figure = chart_specs(at)[-1]
    assert {t["name"] for t in figure["data"] if t["type"] == "bar"} == {
        "given the file's Δt", "given Δt = 1 (time ignored)"}
    verdict = next(c.value for c in at.caption if c.value.startswith("The ESN ignores the times"))
    ltc, cfc = table.loc[["LTC", "CfC"], "file's times"]
    assert f"the LTC scores {ltc:.1%}" in verdict and f"the CfC {cfc:.1%}" in verdict
    runs = at.session_state["runs"]
    assert len(runs) == 8 and runs[-1]["data"] == "gunpoint_irregular.csv, Δt = 1"
    click(at, RUN)
    assert not at.exception and not at.error, "a cache hit must replay cleanly"


@pytest.mark.parametrize("name, data, message", [
    ("*no* time.csv", long_csv(10, time=False),
     ("*no* time.csv has no time column (named time, timestamp, step or t, or dates), so "
      "there is no time between samples to give the neurons.")),
    ("repeat.csv", b"series,label,time,value\n1,a,0,1\n1,a,0,2\n2,b,0,1\n",
     "repeat.csv: series '1' has the same time in rows 2 and 3."),
    ("one class.csv", long_csv(10, labels="a"),
     "one class.csv: classification needs at least 2 classes, found only 'a' (10 series)."),
], ids=["no time column", "a repeated time", "one class"])
def test_a_file_the_experiment_cannot_use_is_refused_with_a_sentence(name, data, message):
    at = upload(name, data)
    assert not at.exception
    assert message in errors(at)
    assert name not in " ".join(e.value for e in at.error)      # the file's name as text
    assert not [b for b in at.button if b.label == RUN]


@pytest.mark.parametrize("labels, message", [
    ("ababab", ("few.csv: 6 sequences are too few: the experiment needs at least 8, some to train on "
                "and some to test on.")),
    ("aaaaaaab", ("few.csv: class 'b' has only 1 sequence; each class needs at least 2, one "
                  "to train on and one to test on.")),
], ids=["6 sequences", "a class of 1"])
def test_too_few_sequences_or_classes_are_refused_at_the_run(labels, message):
    at = click(upload("few.csv", long_csv(len(labels), labels=labels)), RUN)
    assert not at.exception
    assert message in errors(at)
    assert not any("file's times" in d.value.columns for d in at.dataframe)


def series_csv(times, header="time,value"):
    values = np.sin(2 * np.pi * np.asarray(times) / 10)
    return (header + "\n" + "".join(f"{t:.4f},{v:.4f}\n" for t, v in zip(times, values))).encode()


def as_forecast(at):
    next(r for r in at.radio if r.label == "What is in the file?").set_value("forecast").run()
    return at


def test_an_uploaded_series_is_forecast_given_its_times_and_given_delta_t_one():
    times = np.cumsum(np.random.default_rng(0).uniform(0.2, 1.8, 300))
    at = click(as_forecast(upload("sine.csv", series_csv(times))), RUN)
    assert not at.exception and not at.error
    table = at.dataframe[-1].value.set_index("model")
    assert list(table.columns) == ["file's times", "Δt = 1"]
    assert table.loc["ESN", "file's times"] == table.loc["ESN", "Δt = 1"]
    assert table.loc["LTC", "file's times"] < 0.5 * table.loc["LTC", "Δt = 1"]
    verdict = next(c.value for c in at.caption if c.value.startswith("The ESN ignores the times"))
    ltc = table.loc["LTC", "file's times"]
    assert f"the LTC scores NRMSE {ltc:.3g}" in verdict
    assert "The times help the LTC" in verdict
    assert at.session_state["runs"][-1]["metrics"].keys() == {"NRMSE"}


@pytest.mark.parametrize("data, message", [
    (series_csv(np.arange(50.0), header="x,value"),
     "series.csv has no time column (named time, timestamp, step or t, or dates)"),
    (series_csv([0, 2, 1, 3] + list(range(4, 50))),
     ("series.csv: time column 'time' must increase strictly, but row 4 (1.0) does not come "
      "after row 3 (2.0)")),
], ids=["no time column", "time steps back"])
def test_a_series_without_increasing_times_is_refused(data, message):
    at = as_forecast(upload("series.csv", data))
    assert not at.exception
    assert message in errors(at)
