"""lnn_core.sweep and lnn_core.figures.sweep: grids, shared work, cancelling, CLI, cluster."""

import io
import json
import re

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from lnn_core import DataError, make_reservoir, nrmse, sweep
from lnn_core.figures.sweep import (
    heatmap_figure,
    line_figure,
    report_figure,
    sweep_figure,
)
from lnn_core.sweep import (
    PARAMETERS,
    RESULT_COLUMNS,
    SweepCancelled,
    best_parameters,
    evaluate_reservoir,
    grid_points,
    load_config,
    main,
    make_task,
    random_points,
    read_results,
    run_sweep,
    spaced,
    summarize,
    sweep_layout,
)

HEADER = ",".join(RESULT_COLUMNS) + "\n"
SR_VALUES = spaced("spectral_radius", 0.1, 1.5, 8)
LEAK_VALUES = spaced("leak_rate", 0.1, 1.0, 8, "log")


@pytest.fixture(scope="module")
def digits():
    return make_task("digits")


@pytest.fixture(scope="module")
def narma():
    return make_task("narma10", n_steps=800)


@pytest.fixture(scope="module")
def digits_grid(digits):
    """The 8×8 spectral_radius × leak_rate grid on the 8×8 digits, 100 units."""
    points = grid_points({"spectral_radius": SR_VALUES, "leak_rate": LEAK_VALUES})
    return run_sweep(digits, points, fixed={"n_units": 100})


# ----------------------------------------------------------------------------- search spaces

def test_spaced_includes_both_ends_linear_and_log():
    assert SR_VALUES[0] == 0.1 and SR_VALUES[-1] == 1.5 and len(SR_VALUES) == 8
    np.testing.assert_allclose(np.diff(SR_VALUES), 0.2)
    assert LEAK_VALUES[0] == 0.1 and LEAK_VALUES[-1] == 1.0
    ratios = np.array(LEAK_VALUES[1:]) / np.array(LEAK_VALUES[:-1])
    np.testing.assert_allclose(ratios, ratios[0])


def test_spaced_n_units_are_whole_and_distinct():
    assert spaced("n_units", 10, 12, 5) == (10, 11, 12)


@pytest.mark.parametrize("call, words", [
    (lambda: spaced("ridge", 0, 1, 3, "log"), "log scale for ridge needs low > 0"),
    (lambda: spaced("leak_rate", 0.5, 1.5, 3), "leak_rate must be a number in (0, 1]"),
    (lambda: spaced("spectral_radius", 1.0, 0.5, 3), "low <= high"),
    (lambda: spaced("sr", 0.1, 1, 3), "parameter must be one of"),
])
def test_spaced_rejects_bad_ranges_naming_the_parameter(call, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace("]", r"\]")):
        call()


def test_grid_points_first_axis_varies_slowest():
    points = grid_points({"spectral_radius": [0.5, 1.0], "ridge": [1e-6, 1e-4, 1e-2]})
    assert len(points) == 6
    assert [p["spectral_radius"] for p in points] == [0.5] * 3 + [1.0] * 3
    assert [p["ridge"] for p in points[:3]] == [1e-6, 1e-4, 1e-2]


def test_random_points_are_seeded_and_inside_the_ranges():
    ranges = {"ridge": (1e-8, 1e-2, "log"), "n_units": (20, 60), "leak_rate": (0.1, 1.0)}
    points = random_points(ranges, 50, seed=3)
    assert points == random_points(ranges, 50, seed=3)
    assert points != random_points(ranges, 50, seed=4)
    ridges = np.array([p["ridge"] for p in points])
    assert ridges.min() >= 1e-8 and ridges.max() <= 1e-2
    assert np.log10(ridges).std() > 1                      # log-uniform spreads over decades
    assert all(isinstance(p["n_units"], int) and 20 <= p["n_units"] <= 60 for p in points)
    # each parameter has its own stream: adding a range keeps the others' values
    fewer = random_points({"ridge": (1e-8, 1e-2, "log")}, 50, seed=3)
    assert [p["ridge"] for p in fewer] == ridges.tolist()


# ----------------------------------------------------------------------------- scores

def test_digits_grid_is_8_by_8_and_accurate(digits_grid):
    summary = digits_grid.points
    assert not digits_grid.cancelled and len(digits_grid.runs) == digits_grid.n_planned == 64
    grid = summary.pivot(index="spectral_radius", columns="leak_rate", values="score_mean")
    assert grid.shape == (8, 8)
    assert list(grid.index) == list(SR_VALUES) and list(grid.columns) == list(LEAK_VALUES)
    assert summary["score_mean"].max() >= 0.95
    assert summary["score_mean"].min() > 0.5               # every point learns something
    assert sweep_layout(summary) == sweep.SweepLayout("heatmap",
                                                       ("spectral_radius", "leak_rate"))


def test_runs_columns_and_explicit_seed_per_row(digits_grid):
    runs = digits_grid.runs
    assert tuple(runs.columns) == RESULT_COLUMNS
    assert (runs["seed"] == 0).all() and (runs["n_units"] == 100).all()
    assert runs["point"].tolist() == list(range(64))
    assert set(runs["task"]) == {"digits"} and set(runs["metric"]) == {"accuracy"}


def test_best_parameters_are_the_best_row_as_plain_numbers(digits_grid):
    best = best_parameters(digits_grid.runs)
    top = digits_grid.runs.loc[digits_grid.runs["score"].idxmax()]
    assert best["spectral_radius"] == top["spectral_radius"]
    assert best["leak_rate"] == top["leak_rate"]
    assert type(best["n_units"]) is int and type(best["seed"]) is int
    assert set(best) == {*PARAMETERS, "seed"}


def test_a_point_equals_the_estimator_trained_on_the_same_split(digits):
    """The sweep's score is what EchoStateClassifier gets with those parameters."""
    from lnn_core import EchoStateClassifier

    params = dict(n_units=60, spectral_radius=0.8, leak_rate=0.5, ridge=1e-3)
    runs = run_sweep(digits, [params], n_jobs=1).runs
    clf = EchoStateClassifier(**params, random_state=0).fit(digits.X_train, digits.y_train)
    assert runs["score"].iloc[0] == pytest.approx(clf.score(digits.X_val, digits.y_val), abs=1e-9)


def test_ridge_path_equals_separate_sklearn_fits(narma):
    """One set of normal equations for all ridges = one sklearn Ridge per ridge value."""
    params = dict(n_units=40, spectral_radius=0.9, density=0.1, input_scaling=0.5,
                  bias_scaling=0.2, leak_rate=1.0)
    ridges = [1e-6, 1e-4, 1e-2, 1.0]
    path = evaluate_reservoir(narma, params, 0, ridges)
    singles = [evaluate_reservoir(narma, params, 0, [r])[0] for r in ridges]
    reservoir = make_reservoir(n_inputs=1, seed=0, **params)
    F_train, Y_train, F_val = narma.readout_data(reservoir)
    reference = [nrmse(narma.targets[narma.n_train:],
                       Ridge(alpha=r, solver="cholesky").fit(F_train.astype(np.float64), Y_train)
                       .predict(F_val.astype(np.float64))) for r in ridges]
    np.testing.assert_allclose(path, reference, rtol=1e-8)
    np.testing.assert_allclose(path, singles, rtol=1e-8)
    assert path[0] != path[-1]                             # ridge does matter here


def test_small_ridges_on_pooled_digits_features_match_sklearn(digits):
    """Pooled tanh states have large means: the normal equations must keep precision."""
    params = dict(n_units=300, spectral_radius=0.7, density=0.1, input_scaling=0.5,
                  bias_scaling=0.2, leak_rate=1.0)
    ridges = [1e-8, 1e-6, 1e-4]
    reservoir = make_reservoir(n_inputs=8, seed=0, **params)
    F_train, Y_train, F_val = digits.readout_data(reservoir)
    reference = [np.mean(Ridge(alpha=r).fit(F_train.astype(np.float64), Y_train)
                         .predict(F_val.astype(np.float64)).argmax(axis=1) == digits.y_val)
                 for r in ridges]
    assert min(reference) > 0.95
    np.testing.assert_allclose(evaluate_reservoir(digits, params, 0, ridges), reference, atol=1e-9)


def test_points_differing_in_ridge_share_one_reservoir_run(narma, monkeypatch):
    built = []
    real = sweep.run.make_reservoir
    monkeypatch.setattr(sweep.run, "make_reservoir",
                        lambda *a, **k: built.append(k["spectral_radius"]) or real(*a, **k))
    points = grid_points({"spectral_radius": [0.5, 0.9], "ridge": [1e-6, 1e-3, 1.0]})
    result = run_sweep(narma, points, fixed={"n_units": 30}, seeds=[0, 1], n_jobs=1)
    assert len(result.runs) == 12
    assert sorted(built) == [0.5, 0.5, 0.9, 0.9]           # 2 radii x 2 seeds, not 12


def test_forecast_scores_are_finite_nrmse():
    task = make_task("mackey_glass", n_steps=600, horizon=5)
    points = grid_points({"leak_rate": spaced("leak_rate", 0.2, 1.0, 3),
                          "ridge": spaced("ridge", 1e-8, 1e-2, 3, "log")})
    runs = run_sweep(task, points, fixed={"n_units": 30}, n_jobs=1).runs
    assert set(runs["metric"]) == {"nrmse"}
    assert np.isfinite(runs["score"]).all() and (runs["score"] > 0).all()
    assert runs["score"].min() < 0.2                       # the reservoir does predict


def test_repeats_over_seeds_give_mean_and_std(narma):
    points = grid_points({"spectral_radius": [0.5, 0.9]})
    result = run_sweep(narma, points, fixed={"n_units": 30}, seeds=[0, 1, 2])
    summary = summarize(result.runs)
    assert len(result.runs) == 6 and (summary["n_seeds"] == 3).all()
    for _, row in summary.iterrows():
        scores = result.runs.loc[result.runs["point"] == row["point"], "score"]
        assert row["score_mean"] == pytest.approx(scores.mean())
        assert row["score_std"] == pytest.approx(scores.std(ddof=1))
    assert summary["score_std"].gt(0).all()                # different seeds, different scores


def test_same_numbers_whatever_the_number_of_workers(narma):
    points = grid_points({"spectral_radius": [0.3, 0.9], "ridge": [1e-6, 1e-2]})
    one = run_sweep(narma, points, fixed={"n_units": 30}, seeds=[0, 1], n_jobs=1).runs
    two = run_sweep(narma, points, fixed={"n_units": 30}, seeds=[0, 1], n_jobs=2).runs
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize("bad, words", [
    ({"fixed": {"spectral_radius": 0.5}}, "spectral_radius is both swept and fixed"),
    ({"fixed": {"sr": 0.5}}, "unknown parameter 'sr'"),
    ({"seeds": [0, 0]}, "seeds must be distinct"),
    ({"seeds": [-1]}, "seed must be a whole number >= 0"),
])
def test_run_sweep_rejects_bad_arguments(narma, bad, words):
    with pytest.raises(ValueError, match=words):
        run_sweep(narma, [{"spectral_radius": 0.9}], n_jobs=1, **bad)


# ----------------------------------------------------------------------------- cancelling

def test_progress_returning_false_keeps_the_points_done(narma):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 3

    points = grid_points({"spectral_radius": spaced("spectral_radius", 0.1, 1.0, 10)})
    result = run_sweep(narma, points, fixed={"n_units": 20}, progress=progress, n_jobs=1)
    assert result.cancelled and result.n_planned == 10
    assert seen == [(1, 10), (2, 10), (3, 10)]
    assert result.runs["point"].tolist() == [0, 1, 2]
    full = run_sweep(narma, points[:3], fixed={"n_units": 20}, n_jobs=1).runs
    np.testing.assert_array_equal(result.runs["score"], full["score"])


def test_sweep_cancelled_and_should_stop_keep_the_points_done(narma):
    points = grid_points({"spectral_radius": spaced("spectral_radius", 0.1, 1.0, 10)})

    def cancel_at_four(done, total):
        if done == 4:
            raise SweepCancelled
    result = run_sweep(narma, points, fixed={"n_units": 20}, progress=cancel_at_four)
    assert result.cancelled and len(result.runs) == 4
    calls = []
    result = run_sweep(narma, points, fixed={"n_units": 20},
                       should_stop=lambda: calls.append(1) or len(calls) > 2)
    assert result.cancelled and len(result.runs) == 2
    assert run_sweep(narma, points, should_stop=lambda: True).runs.empty


# ----------------------------------------------------------------------------- results files

def test_results_csv_round_trips_exactly(digits_grid, tmp_path):
    path = tmp_path / "results.csv"
    digits_grid.runs.to_csv(path, index=False)
    pd.testing.assert_frame_equal(read_results(path), digits_grid.runs)
    with open(path, "rb") as handle:                       # an upload: a binary file object
        pd.testing.assert_frame_equal(read_results(handle), digits_grid.runs)


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"a,b\n1,2\n", "lacks the column(s) point, task, metric"),
    (b"\x00\x01\x02", "binary file"),
    (HEADER + "0,digits,accuracy,100,high,0.1,0.5,0.2,1,1e-4,0,0.9\n",
     "row 2: column spectral_radius must be a number, got 'high'"),
    (HEADER + "0,digits,accuracy,100,0.9,0.1,0.5,0.2,3,1e-4,0,0.9\n",
     "row 2: leak_rate must be a number in (0, 1]"),
    (HEADER + "0,digits,f1,100,0.9,0.1,0.5,0.2,1,1e-4,0,0.9\n",
     "column metric must hold one of accuracy, nrmse"),
])
def test_bad_results_csv_is_a_data_error_with_a_sentence(content, words):
    data = content.encode() if isinstance(content, str) else content
    with pytest.raises(DataError, match=re.escape(words)):
        read_results(io.BytesIO(data), name="mine.csv")


# ----------------------------------------------------------------------------- config and CLI

def _config(**changes):
    config = {"task": "narma10", "task_options": {"n_steps": 400},
              "grid": {"spectral_radius": {"low": 0.5, "high": 0.9, "n": 2},
                       "ridge": {"values": [1e-6, 1e-2]}},
              "fixed": {"n_units": 20}, "seeds": [0, 1]}
    config.update(changes)
    return config


def test_example_config_is_the_8_by_8_digits_grid():
    config = load_config("examples/sweep.json")
    assert config.task == "digits" and len(config.points) == 64
    assert config.fixed["n_units"] == 200


@pytest.mark.parametrize("changes, key", [
    ({"grdi": {}}, "'grdi': unknown"),
    ({"task": "cifar"}, "'task': task must be one of"),
    ({"grid": {"spectral_radius": {"low": 0.5, "high": 0.9}}}, "'grid.spectral_radius.n': is missing"),
    ({"grid": {"leak_rate": {"low": 0.5, "high": 2, "n": 3}}}, "'grid.leak_rate': leak_rate must be"),
    ({"grid": {"spectral": {"values": [1]}}}, "'grid.spectral': parameter must be one of"),
    ({"random": {"n_points": 3}}, "'grid': give exactly one of 'grid' and 'random'"),
    ({"fixed": {"density": 2}}, "'fixed.density': density must be a number in"),
    ({"seeds": "0"}, "'seeds': must be a list"),
    ({"task_options": {"n_stepz": 10}}, "'task_options': unknown option 'n_stepz' of task"),
])
def test_bad_config_is_a_value_error_naming_the_key(changes, key):
    with pytest.raises(ValueError, match=key):
        load_config(_config(**changes))


def test_bad_task_option_value_names_task_options():
    config = load_config(_config(task_options={"n_steps": 10}))
    with pytest.raises(ValueError, match="'task_options': n_steps must be a whole number >= 50"):
        config.make_task()


def test_random_config_draws_its_points():
    config = {"task": "narma10", "random": {"n_points": 7, "seed": 1, "ranges": {
        "spectral_radius": {"low": 0.1, "high": 1.2}, "ridge": {"low": 1e-8, "high": 1, "scale": "log"}}}}
    assert len(load_config(config).points) == 7
    assert load_config(config).points == load_config(config).points


def test_cli_writes_the_results_csv(tmp_path, capsys):
    config_path, out = tmp_path / "sweep.json", tmp_path / "results.csv"
    config_path.write_text(json.dumps(_config()))
    assert main(["--config", str(config_path), "--out", str(out), "--n-jobs", "1"]) == 0
    runs = read_results(out)
    assert tuple(runs.columns) == RESULT_COLUMNS and len(runs) == 8
    assert sorted(runs["seed"].unique()) == [0, 1] and np.isfinite(runs["score"]).all()
    assert "wrote 8 of 8 evaluations" in capsys.readouterr().err


def test_cli_bad_config_exits_1_with_the_key(tmp_path, capsys):
    config_path = tmp_path / "sweep.json"
    config_path.write_text(json.dumps(_config(fixed={"ridge": -1})))
    assert main(["--config", str(config_path), "--out", str(tmp_path / "r.csv")]) == 1
    assert "'fixed.ridge': ridge must be a number >= 0" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


# ----------------------------------------------------------------------------- figures

def test_heatmap_has_the_grid_and_stars_the_best(digits_grid):
    fig = sweep_figure(digits_grid.points)
    heatmap, best = fig.data
    assert np.array(heatmap.z).shape == (8, 8)
    assert best.marker.symbol == "star" and np.nanmax(heatmap.z) == digits_grid.points["score_mean"].max()
    assert "leak_rate" in fig.layout.xaxis.title.text and "spectral_radius" in fig.layout.yaxis.title.text


def test_line_figure_has_a_std_band_with_several_seeds(narma):
    points = grid_points({"ridge": spaced("ridge", 1e-8, 1.0, 5, "log")})
    summary = run_sweep(narma, points, fixed={"n_units": 20}, seeds=[0, 1]).points
    fig = line_figure(summary, "ridge")
    assert [t.name for t in fig.data] == ["± std over seeds", "mean", "best"]
    assert fig.layout.xaxis.type == "log"
    assert fig.data[2].y[0] == summary["score_mean"].min()          # NRMSE: lower is better


def test_report_marks_the_best_point_in_every_panel(narma):
    points = random_points({"spectral_radius": (0.1, 1.2), "leak_rate": (0.2, 1.0),
                            "ridge": (1e-8, 1e-2, "log")}, 12, seed=0)
    summary = run_sweep(narma, points, fixed={"n_units": 20}).points
    assert sweep_layout(summary).kind == "scatter"
    fig = report_figure(summary)
    stars = [t for t in fig.data if t.name == "best"]
    assert len(stars) == 3
    assert all(t.y[0] == summary["score_mean"].min() for t in stars)
    assert sum(len(t.x) for t in fig.data if t.name == "all points") == 3 * 12


def test_heatmap_figure_of_an_nrmse_grid_reverses_the_colours(narma):
    points = grid_points({"spectral_radius": [0.5, 0.9], "leak_rate": [0.5, 1.0]})
    summary = run_sweep(narma, points, fixed={"n_units": 20}).points
    fig = heatmap_figure(summary, "spectral_radius", "leak_rate")
    assert fig.data[0].colorscale[0][1] != heatmap_figure(
        summary.assign(metric="accuracy"), "spectral_radius", "leak_rate").data[0].colorscale[0][1]


# ----------------------------------------------------------------------------- cluster

def test_dask_cluster_gives_the_same_numbers_as_the_local_run(digits):
    distributed = pytest.importorskip("distributed")
    points = grid_points({"spectral_radius": [0.5, 0.9, 1.3], "leak_rate": [0.3, 1.0],
                          "ridge": [1e-6, 1e-3]})
    local = run_sweep(digits, points, fixed={"n_units": 50}, seeds=[0, 1])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, joblib.parallel_config(backend="dask"), \
            distributed.get_task_stream(client) as stream:
        client.wait_for_workers(2)        # both processes registered before any task is sent
        done = []
        remote = run_sweep(digits, points, fixed={"n_units": 50}, seeds=[0, 1],
                           progress=lambda d, n: done.append(d))
        workers = set(client.scheduler_info()["workers"])
    # 12 groups (3 radii x 2 leak rates x 2 seeds; ridge shared), each one task on the
    # cluster's workers (which worker takes which is the scheduler's choice, not asserted)
    ran = [task for task in stream.data if task["key"].startswith("batch_of_evaluate_reservoir_1_")]
    assert len(ran) == 12, sorted(task["key"] for task in stream.data)
    assert {task["worker"] for task in ran} <= workers
    assert done == sorted(done) and done[-1] == 24
    np.testing.assert_array_equal(remote.runs["score"].to_numpy(), local.runs["score"].to_numpy())
    pd.testing.assert_frame_equal(remote.runs, local.runs)


@pytest.mark.parametrize("y, words", [
    (["a"] * 5 + ["b"] * 2,
     "3-fold cross-validation needs at least 3 sequences of every class; class 'b' has 2"),
    (["a"] * 7, "cross-validation needs sequences of at least 2 classes; all 7 are of class 'a'"),
])
def test_a_cross_validation_too_small_names_the_class_and_what_the_folds_need(y, words):
    X = np.zeros((len(y), 4, 1))
    with pytest.raises(DataError, match=f"^{re.escape(words)}$"):
        sweep.CrossValidatedTask("upload", X, np.array(y), n_splits=3)
