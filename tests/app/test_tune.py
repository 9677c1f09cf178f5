"""Tune on the Time series page: a better validation score than the current parameters, applied."""

from pathlib import Path

from tests.app.conftest import open_page, shown

PAGE = "pages/timeseries.py"
ARCHIVE = Path(__file__).parents[1] / "data" / "archive"


def button(at, label):
    return next(b for b in at.button if b.label == label)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_tune_on_an_upload_beats_the_defaults_and_applies_the_best_point():
    at = open_page(PAGE, query={"n_units": "100"}, session={"ts_source": "Upload"})
    raw = (ARCHIVE / "ItalyPowerDemand_TRAIN.ts").read_bytes()
    at.file_uploader(key="ts_upload").set_value(("ItalyPowerDemand_TRAIN.ts", raw,
                                                 "text/plain")).run()
    button(at, "Tune for this data").click().run()
    assert not at.exception and not at.error
    values = metrics(at)
    current = float(values["Validation accuracy, current parameters"].rstrip("%"))
    best = float(values["Best found"].rstrip("%"))
    assert best > current                       # measured: 95.9 % -> 100.0 % (3-fold CV × 3)
    assert len(at.get("plotly_chart")) == 1     # the sweep's map
    tuned = at.session_state["ts_tune"][1].best
    assert tuned["leak_rate"] != 1.0 or tuned["ridge"] != 1e-4 or tuned["pooling"] != "mean+last"

    button(at, "Apply the best parameters").click().run()
    assert not at.exception and not at.error
    assert at.slider(key="leak_rate").value == tuned["leak_rate"]
    assert at.slider(key="input_scaling").value == tuned["input_scaling"]
    assert at.select_slider(key="ridge").value == tuned["ridge"]
    assert at.selectbox(key="ts_pooling").value == tuned["pooling"]

    button(at, "Train classifier").click().run()
    assert not at.exception and not at.error
    model = at.session_state["ts_result"].model
    assert {name: model.get_params()[name] for name in ("leak_rate", "ridge", "pooling")} == {
        name: tuned[name] for name in ("leak_rate", "ridge", "pooling")}


def test_the_sweep_page_runs_on_the_time_series_upload():
    at = open_page(PAGE, query={"n_units": "50"}, session={"ts_source": "Upload"})
    raw = (ARCHIVE / "GunPoint_TRAIN.ts").read_bytes()
    at.file_uploader(key="ts_upload").set_value(("GunPoint_TRAIN.ts", raw, "text/plain")).run()
    at.switch_page("pages/sweep.py").run()
    assert not at.exception and not at.error
    at.session_state["sweep_rows_values"] = 2
    at.session_state["sweep_columns_values"] = 2
    at.selectbox(key="sweep_task").set_value("time_series").run()
    assert any("4 evaluations on GunPoint_TRAIN.ts (train)" in shown(caption.value)
               and "(3-fold CV × 3)" in shown(caption.value) for caption in at.caption)
    button(at, "Run sweep").click().run()
    assert not at.exception and not at.error
    rows = at.session_state["sweep"]["rows"]
    assert len(rows) == 4 and {row["task"] for row in rows} == {"upload"}
    assert all(0.5 <= row["score"] <= 1 for row in rows)       # accuracy of 2 classes
