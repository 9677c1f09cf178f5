"""Sweep page: renders, runs a small grid with a chart, loads CLI CSVs, applies the best point."""

import numpy as np
import pandas as pd
import pytest

from lnn_core import sweep
from pages._ui.text import plain
from tests.app.conftest import shown

PAGE = "pages/sweep.py"


def _small_grid(at, columns="leak_rate"):
    """2×2 grid over spectral_radius × leak_rate with 50 units."""
    at.slider(key="n_units").set_value(50)
    at.number_input(key="sweep_rows_values").set_value(2)
    at.selectbox(key="sweep_columns").set_value(columns)
    at.run()
    if columns != "none":
        at.number_input(key="sweep_columns_values").set_value(2)
    return at.run()


def test_page_renders_with_grid_controls(app_page):
    at = app_page(PAGE)
    assert not at.exception and not at.error
    assert at.title[0].value == "Sweep"
    assert at.selectbox(key="sweep_rows").value == "spectral_radius"
    assert "64 evaluations" in at.caption[0].value


def test_small_grid_runs_and_shows_heatmap_and_best_point(app_page, charts):
    at = _small_grid(app_page(PAGE))
    assert "4 evaluations" in at.caption[0].value
    at.button[0].click().run()                             # Run sweep
    assert not at.exception and not at.error
    heatmap, report = charts(at)
    assert heatmap["data"][0]["type"] == "heatmap"
    assert len(heatmap["data"][0]["z"]) == 2 and len(heatmap["data"][0]["z"][0]) == 2
    assert any(t.get("name") == "best" for t in report["data"])
    assert at.metric[1].value == "4"
    assert "Best point on digits" in at.success[0].value
    assert at.session_state["runs"][-1]["kind"] == "Sweep"


def test_apply_best_writes_session_state_and_url(app_page):
    at = _small_grid(app_page(PAGE), columns="none")
    at.button[0].click().run()
    runs = sweep.results_frame(at.session_state["sweep"]["rows"])
    best = sweep.best_parameters(runs)
    at.button(key="sweep_apply").click().run()
    assert not at.exception
    assert at.session_state["spectral_radius"] == best["spectral_radius"]
    assert at.session_state["n_units"] == 50
    assert at.query_params["spectral_radius"] == f"{best['spectral_radius']:g}"


def test_cli_csv_upload_is_shown(app_page, charts, tmp_path):
    task = sweep.make_task("narma10", n_steps=400)
    points = sweep.grid_points({"ridge": sweep.spaced("ridge", 1e-8, 1e-2, 4, "log")})
    runs = sweep.run_sweep(task, points, fixed={"n_units": 20}, n_jobs=1).runs
    at = app_page(PAGE)
    at.selectbox(key="sweep_task").set_value("upload").run()
    at.file_uploader(key="sweep_upload").set_value(
        ("results.csv", runs.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    line, _ = charts(at)
    assert line["layout"]["xaxis"]["type"] == "log"
    assert at.metric[0].label == "Best nrmse"
    assert float(at.metric[0].value) == float(f"{runs['score'].min():.4g}")


def test_malformed_csv_upload_shows_an_error_not_a_traceback(app_page):
    at = app_page(PAGE)
    at.selectbox(key="sweep_task").set_value("upload").run()
    bad = pd.DataFrame({"spectral_radius": [0.5], "accuracy": [0.9]}).to_csv(index=False)
    at.file_uploader(key="sweep_upload").set_value(("mine.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    (error,) = at.error
    assert plain("mine.csv is not a sweep results file") in error.value     # shown as text
    assert plain("lacks the column(s) point") in error.value


def rare_class_csv(n_fast):
    """Wide CSV: 20 slow sines of class "slow", ``n_fast`` fast ones of class "fast"."""
    rng, t = np.random.default_rng(0), np.arange(20)
    rows = [",".join([label, *(f"{v:.3f}" for v in np.sin(t / period)
                               + 0.1 * rng.standard_normal(len(t)))])
            for label, period in [("slow", 6)] * 20 + [("fast", 2)] * n_fast]
    return "\n".join(rows).encode()


@pytest.mark.parametrize(("n_fast", "reason"), [
    (3, ("in its training part, 3-fold cross-validation needs at least 3 sequences of every "
         "class; class 'fast' has 2")),                                # 1 of 3 is held out
    (1, "Class 'fast' has only 1 series; a stratified split needs at least 2 per class"),
])
def test_time_series_data_too_small_for_the_folds_gets_a_sentence_and_no_run(app_page, n_fast,
                                                                             reason):
    at = app_page("pages/timeseries.py", query={"n_units": "20"}, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("rare.csv", rare_class_csv(n_fast),
                                                 "text/csv")).run()
    next(r for r in at.radio if r.label == "What is in the file?").set_value("wide").run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert "Your data on the Time series page (its training part)" in \
        at.selectbox(key="sweep_task").options                     # offered, to say why not
    at.selectbox(key="sweep_task").set_value("time_series").run()
    assert not at.exception
    (error,) = at.error
    assert shown(error.value) == f"Your data on the Time series page cannot be swept: {reason}."
    assert "Run sweep" not in [button.label for button in at.button]


def test_tune_says_why_it_cannot_search_data_too_small_for_the_folds(app_page):
    """The Time series page's Tune: the sentence before any click, and its button disabled."""
    at = app_page("pages/timeseries.py", query={"n_units": "20"}, session={"ts_source": "Upload"})
    at.file_uploader(key="ts_upload").set_value(("rare.csv", rare_class_csv(3), "text/csv")).run()
    next(r for r in at.radio if r.label == "What is in the file?").set_value("wide").run()
    assert not at.exception and not at.error
    sentence = ("Tune cannot search this data: in its training part, 3-fold cross-validation "
                "needs at least 3 sequences of every class; class 'fast' has 2.")
    assert [shown(info.value) for info in at.info if "Tune" in shown(info.value)] == [sentence]
    assert next(b for b in at.button if b.label == "Tune for this data").disabled
