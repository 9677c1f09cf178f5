"""Tuning on the training data only: cross-validation done right, the test part never read."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import RepeatedStratifiedKFold

from lnn_core.data.parsers import parse_ts
from lnn_core.data.standardiser import Standardiser
from lnn_core.engine.estimators import EchoStateClassifier
from lnn_core.errors import DataError
from lnn_core.lab.tune import (
    CLASSIFIER_GRID,
    REPRESENTATIONS,
    classifier_task,
    forecast_task,
    tune_classifier,
    tune_forecast,
)
from lnn_core.sweep import evaluate_reservoir

ARCHIVE = Path(__file__).parents[1] / "data" / "archive"
RESERVOIR = {"n_units": 40, "spectral_radius": 0.9, "density": 0.1, "input_scaling": 0.5,
             "bias_scaling": 0.2, "leak_rate": 0.3}


@pytest.fixture(scope="module")
def italy():
    return parse_ts(ARCHIVE / "ItalyPowerDemand_TRAIN.ts")


@pytest.mark.parametrize("pooling", ["mean", "model_space"])
def test_cross_validated_score_is_the_mean_of_independent_fits(italy, pooling):
    task = classifier_task(italy, pooling, n_splits=3, split_seed=1, n_repeats=2)
    scores = evaluate_reservoir(task, RESERVOIR, seed=2, ridges=[1e-3, 1.0])
    standardiser = Standardiser.fit(np.concatenate(italy.X))
    X = np.stack([standardiser.transform(x) for x in italy.X])
    folds = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=1).split(X[:, :, 0],
                                                                                  italy.y)
    expected = np.zeros(2)
    for train, val in folds:
        for k, ridge in enumerate([1e-3, 1.0]):
            model = EchoStateClassifier(**RESERVOIR, ridge=ridge, pooling=pooling,
                                        random_state=2).fit(X[train], italy.y[train])
            expected[k] += model.score(X[val], italy.y[val]) / 6
    np.testing.assert_allclose(scores, expected, atol=1e-9)


def test_tuning_beats_the_defaults_and_reports_the_search(italy):
    current = {"n_units": 50, "ridge": 1e-4, "pooling": "mean+last", "random_state": 0}
    result = tune_classifier(italy, current)
    points = len(REPRESENTATIONS) * np.prod([len(v) for v in CLASSIFIER_GRID.values()])
    assert result.evaluations == 1 + points == 163
    assert result.best_score > result.current_score and result.improved
    assert result.best["pooling"] in REPRESENTATIONS and result.best["n_units"] == 50
    assert set(result.runs) == set(REPRESENTATIONS)


def test_a_class_too_small_for_the_folds_is_refused_with_a_sentence(italy):
    keep = np.r_[np.flatnonzero(italy.y == 1), np.flatnonzero(italy.y == 2)[:2]]
    small = type(italy)([italy.X[i] for i in keep], italy.y[keep], italy.classes,
                        italy.channel_names, "small")
    with pytest.raises(DataError, match="class 2 has 2"):
        classifier_task(small, n_splits=3)


def test_forecast_tuning_never_reads_the_test_part():
    t = np.arange(1200)
    series = np.sin(t / 7) + 0.5 * np.sin(t / 23)
    changed = series.copy()
    changed[900:] = 5.0                               # the test part (last 25 % of the pairs)
    task = forecast_task(series[:, None], series, horizon=1)
    assert (task.n_train, len(task.inputs)) == (674, 899)
    current = {"n_units": 30, "leak_rate": 1.0, "input_scaling": 2.0, "ridge": 1e-8}
    first = tune_forecast(series[:, None], series, current, horizon=1)
    second = tune_forecast(changed[:, None], changed, current, horizon=1)
    assert first.best == second.best and first.best_score == second.best_score
    assert first.best_score < first.current_score and first.metric == "nrmse"


def test_tuning_refuses_other_neuron_types(italy):
    with pytest.raises(ValueError, match="echo-state"):
        tune_classifier(italy, {"cell": "ltc"})
