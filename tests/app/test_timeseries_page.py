"""Time-series page: forecasts by default, classifies uploads, reports bad files, round-trips."""

import io

import numpy as np
import pytest

from lnn_core.engine.model_io import load_model_file
from tests.app.conftest import chart_specs, open_page, shown, trace

PAGE = "pages/timeseries.py"


def wide_csv(n_series=60, length=30, seed=0):
    """Two classes of noisy sines, slow and fast, one series per row, label first."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    rows = []
    for i in range(n_series):
        label = i % 2
        values = np.sin(t / (2 if label else 6)) + 0.1 * rng.standard_normal(length)
        rows.append(",".join([str(label), *(f"{v:.4f}" for v in values)]))
    return "\n".join(rows).encode()


def layout_radio(at):
    """The "What is in the file?" radio (keyed per uploaded file)."""
    return next(r for r in at.radio if r.label == "What is in the file?")


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_renders_with_defaults_and_forecasts_mackey_glass():
    at = open_page(PAGE)
    assert not at.exception and not at.error
    values = metrics(at)
    assert float(values["Test NRMSE"]) < 0.01      # 0.0007 with float64 normal equations
    assert values["Valid time"].endswith("steps")
    assert len(at.get("plotly_chart")) == 2           # prediction and closed-loop generation


def test_narma_maps_input_to_output_without_generation():
    at = open_page(PAGE, session={"ts_series": "NARMA-10"})
    assert not at.exception and not at.error
    assert metrics(at)["Valid time"] == "n/a"
    assert len(at.get("plotly_chart")) == 1


def test_malformed_upload_shows_an_error():
    at = open_page(PAGE, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("broken.ts", b"@problemName x\n@data\n1,2:a\n",
                                                 "text/plain")).run()
    assert not at.exception
    assert at.error


def test_uploaded_wide_csv_is_classified():
    at = open_page(PAGE, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("sines.csv", wide_csv(), "text/csv")).run()
    layout_radio(at).set_value("wide").run()
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception and not at.error
    assert float(metrics(at)["Test accuracy"].rstrip("%")) >= 90
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception and not at.error, "a cache hit must replay cleanly"


def upload_model(at, model_file):
    at.file_uploader(key="ts_model_upload").set_value(
        ("timeseries_model.npz", model_file, "application/octet-stream")).run()
    return at


def test_model_file_round_trip_predicts_identically():
    at = open_page(PAGE)
    model_file = at.session_state["ts_result"].model_file
    upload_model(at, model_file)
    assert not at.exception and not at.error
    assert metrics(at)["Predictions identical to the trained model"] == "yes"
    assert not any("no standardisation statistics" in c.value for c in at.caption)


def test_model_file_holds_the_standardisation_of_the_raw_series():
    at = open_page(PAGE)
    result = at.session_state["ts_result"]
    saved = load_model_file(result.model_file)
    train = result.inputs[:result.split]                      # Mackey-Glass in its own units
    np.testing.assert_array_equal(saved.inputs.mean, train.mean(axis=0))
    np.testing.assert_array_equal(saved.inputs.spread, train.std(axis=0))
    assert abs(saved.inputs.mean[0]) > 0.5                    # the raw series is not centred
    assert saved.targets.n_channels == 1


def test_a_model_file_without_statistics_is_read_unscaled():
    at = open_page(PAGE)
    data = at.session_state["ts_result"].model_file
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:   # an older file
        arrays = {name: archive[name] for name in archive.files if "_mean" not in name
                  and "_spread" not in name}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    upload_model(at, buffer.getvalue())
    assert not at.exception and not at.error
    assert metrics(at)["Predictions identical to the trained model"] == "no"
    assert any("no standardisation statistics" in c.value for c in at.caption)


def test_a_forecast_over_the_memory_budget_is_refused_with_a_sentence(monkeypatch):
    """The resource guard: a 1 MiB budget refuses the default forecast, no exception."""
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "1")
    at = open_page(PAGE)
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert any("Forecasting 3,000 steps needs about" in e and "budget" in e
               and "fewer neurons, or a shorter series" in e and "pooling" not in e
               for e in errors), errors
    assert "Test NRMSE" not in metrics(at) and "ts_result" not in at.session_state


def test_training_a_classifier_over_the_memory_budget_is_refused(monkeypatch):
    at = open_page(PAGE, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("sines.csv", wide_csv(), "text/csv")).run()
    layout_radio(at).set_value("wide").run()
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "0.5")
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception
    assert any("Training on 60 sequences needs about" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert "Test accuracy" not in metrics(at)


def test_no_stale_model_after_a_settings_change_or_a_refused_run(monkeypatch):
    """A classifier's results and export vanish when pooling changes; a refused forecast
    leaves no model from before to download."""
    at = open_page(PAGE, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("sines.csv", wide_csv(), "text/csv")).run()
    layout_radio(at).set_value("wide").run()
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert "Test accuracy" in metrics(at) and at.get("download_button")
    at.selectbox(key="ts_pooling").set_value("last").run()
    assert not at.exception
    assert "Test accuracy" not in metrics(at)
    assert not any(b.proto.label == "Download model (.npz)" for b in at.get("download_button"))

    at = open_page(PAGE)
    assert "Test NRMSE" in metrics(at)
    monkeypatch.setenv("LNN_LAB_MEMORY_BUDGET_MB", "1")
    at.slider(key="ts_length").set_value(5000).run()
    assert not at.exception and at.error
    assert "Test NRMSE" not in metrics(at) and "ts_result" not in at.session_state
    assert not any(b.proto.label == "Download model (.npz)" for b in at.get("download_button"))


def long_csv(n_series=40, length=20, seed=0):
    """The classes of :func:`wide_csv` in the long layout: id, label, time, value per row.

    Read as "wide" instead, each row is a series (id, time, value) of its label.
    """
    rng = np.random.default_rng(seed)
    rows = ["id,label,time,value"]
    for i in range(n_series):
        label = i % 2
        values = np.sin(np.arange(length) / (2 if label else 6)) + 0.1 * rng.standard_normal(length)
        rows += [f"{i},{label},{t},{v:.4f}" for t, v in enumerate(values)]
    return "\n".join(rows).encode()


def test_switching_the_layout_drops_the_model_and_trains_on_the_new_reading():
    """One file read long, then wide: the long model is no longer shown, and Train fits the
    wide reading (the cache was once keyed by the file's bytes alone and returned the long
    model)."""
    at = open_page(PAGE, session={"ts_source": "Upload"}, query={"n_units": "50"})
    at.file_uploader(key="ts_upload").set_value(("series.csv", long_csv(), "text/csv")).run()
    layout_radio(at).set_value("long").run()
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception and not at.error
    n_long = int(metrics(at)["Test sequences"].replace(",", ""))
    layout_radio(at).set_value("wide").run()
    assert not at.exception and not at.error
    assert "Test accuracy" not in metrics(at)
    assert not any(b.proto.label == "Download model (.npz)" for b in at.get("download_button"))
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception and not at.error
    n_wide = int(metrics(at)["Test sequences"].replace(",", ""))
    assert n_long < 40 < n_wide < 800        # 40 series read long, 800 rows read wide


# --------------------------------------------------------------------------- #
# Issue 13: baselines beside the score, files read as meant, official test files
# --------------------------------------------------------------------------- #
def walk_csv(n_months=120, seed=0):
    """A monthly random walk as ``DataFrame.to_csv()`` writes it (with the unnamed index):
    the last value is the best forecast there is, so the reservoir must lose to it."""
    walk = 100 + np.cumsum(np.random.default_rng(seed).standard_normal(n_months))
    months = [f"{1990 + m // 12}-{1 + m % 12:02d}" for m in range(n_months)]
    rows = [",Month,Price"] + [f"{i},{m},{v:.3f}" for i, (m, v) in enumerate(zip(months, walk))]
    return "\n".join(rows).encode()


def upload_forecast_file(name, data, query=None):
    at = open_page(PAGE, session={"ts_source": "Upload"}, query=query)
    at.file_uploader(key="ts_upload").set_value((name, data, "text/csv")).run()
    layout_radio(at).set_value("forecast").run()
    return at


def test_the_page_shows_both_baselines_beside_the_score():
    """Old code: only "Test NRMSE", nothing to compare it with."""
    at = open_page(PAGE)
    assert not at.exception and not at.error
    result = at.session_state["ts_result"]
    values = metrics(at)
    assert values["Naive (last value)"] == f"{result.baselines['naive']:.3g}"
    assert values[f"Seasonal naive (season {result.season})"] == \
        f"{result.baselines['seasonal_naive']:.3g}"
    assert float(values["Test NRMSE"]) < result.baselines["naive"] / 10   # Mackey-Glass: easy
    assert any("beats both baselines" in s.value for s in at.success)
    run = at.session_state["runs"][-1]
    assert run["metrics"]["NRMSE naive"] == pytest.approx(result.baselines["naive"])


def test_a_model_that_loses_to_a_baseline_is_told_so_and_plotted_against_dates():
    at = upload_forecast_file("walk.csv", walk_csv())
    assert not at.exception and not at.error
    assert at.selectbox(key=next(k for k in at.session_state if str(k).startswith(
        "ts_target_"))).options == ["Price"]                 # neither the index nor the month
    result = at.session_state["ts_result"]
    assert result.score > result.baselines["naive"]             # measured 1.50 against 0.474
    assert any("loses to the naive (last value) forecast" in w.value for w in at.warning)
    spec = chart_specs(at)[0]
    assert str(trace(spec, "true")["x"][0]).startswith("1997-07")  # the test part's first month
    assert spec["layout"]["xaxis"]["title"]["text"] == "Month"


def test_a_lynx_file_forecasts_its_counts_not_its_years():
    """Old code: the year column was the forecast target (and the header a data row)."""
    counts = np.random.default_rng(0).integers(100, 5000, 115)
    data = (",0\n" + "\n".join(f"{1821 + i},{c}" for i, c in enumerate(counts))).encode()
    at = upload_forecast_file("Lynx.csv", data)
    assert not at.exception and not at.error
    assert at.session_state["ts_result"].truth_units[-1] == counts[-1]
    assert any("115 rows, 1 numeric column" in shown(c.value) for c in at.caption)


def test_a_log_transform_is_offered_for_a_positive_series_and_scored_in_its_units():
    at = upload_forecast_file("walk.csv", walk_csv())
    control = next(w for w in at.get("button_group") if w.label == "Transform")
    assert control.options == ["none", "log", "difference"]
    control.set_value("log").run()
    assert not at.exception and not at.error
    assert at.session_state["ts_result"].transform == "log"
    assert at.session_state["runs"][-1]["data"].endswith("(h = 1, log)")


def test_a_test_file_scores_on_all_its_sequences_with_an_interval():
    at = open_page(PAGE, session={"ts_source": "Upload"}, query={"n_units": "50"})
    at.file_uploader(key="ts_upload").set_value(("train.csv", wide_csv(40), "text/csv")).run()
    layout_radio(at).set_value("wide").run()
    at.file_uploader(key="ts_test_upload").set_value(
        ("test.csv", wide_csv(60, seed=1), "text/csv")).run()
    next(b for b in at.button if b.label == "Train classifier").click().run()
    assert not at.exception and not at.error
    result, values = at.session_state["ts_result"], metrics(at)
    low, high = result.interval
    assert values["Test sequences"] == "60"
    assert values["95 % interval"] == f"{low:.1%} – {high:.1%}"
    assert any("Trained on all 40 sequences of the training file" in c.value for c in at.caption)
    assert not any("percentage points wide" in i.value for i in at.info)      # 60 >= 30
    run = at.session_state["runs"][-1]["metrics"]
    assert (run["accuracy 95% low"], run["accuracy 95% high"], run["test sequences"]) == \
        (low, high, 60)


def test_a_small_test_part_says_how_wide_its_interval_is():
    at = open_page(PAGE, session={"ts_source": "Upload"}, query={"n_units": "50"})
    at.file_uploader(key="ts_upload").set_value(("sines.csv", wide_csv(), "text/csv")).run()
    layout_radio(at).set_value("wide").run()
    next(b for b in at.button if b.label == "Train classifier").click().run()
    low, high = at.session_state["ts_result"].interval
    assert metrics(at)["Test sequences"] == "15"
    assert any(f"With only 15 test sequences the 95 % interval is {100 * (high - low):.0f} "
               "percentage points wide" in i.value for i in at.info)
