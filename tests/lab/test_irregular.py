"""Irregular sampling with the sequences' own times: the models given the times, and not."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from lnn_core import DataError, EchoStateClassifier
from lnn_core.data.parsers import parse_long_csv
from lnn_core.lab import irregular
from tests.data.gunpoint_irregular import CSV, gunpoint_irregular_csv

SMALL = {"n_units": 40, "random_state": 0}
#: Each liquid cell's time per sample 1, so that "no dt" means "Δt = 1".
UNIT_STEP = {"ltc": {"step": 1.0}, "cfc": {"time": 1.0}}


def scores(rows):
    return {(r["sampling"], r["model"]): r["accuracy"] for r in rows}


def sines(irregular_times, n=60, n_samples=20):
    data = irregular.irregular_sines(n, n_samples, irregular=irregular_times, seed=3)
    return list(data.X), list(data.times), data.y


def test_elapsed_times_are_in_units_of_the_median_gap():
    elapsed = irregular.elapsed_times([[0, 2, 4], [10, 12, 16], [5]])
    assert [d.tolist() for d in elapsed] == [[1.0, 1.0, 1.0], [1.5, 1.0, 2.0], [0.5]]
    nanoseconds = np.array([0, 1, 3, 4]) * 3_600 * 10**9     # dates, as the parser reads them
    assert irregular.elapsed_times([nanoseconds])[0].tolist() == [1.0, 1.0, 2.0, 1.0]


def test_times_that_do_not_increase_are_refused_with_the_sequence():
    with pytest.raises(DataError, match=r"^sequence 2: timestamps must increase strictly; "
                                        r"sample 2 is at 3, not after 3\.$"):
        irregular.elapsed_times([[0, 1, 2], [1, 3, 3]])
    with pytest.raises(DataError, match="every sequence has a single sample"):
        irregular.elapsed_times([[0], [4]])


def test_regular_times_in_any_unit_score_as_delta_t_one():
    """Times 0, 3, 6, ... are gaps of one median gap: the same fits as Δt = 1, model by model."""
    X, times, y = sines(irregular_times=False)
    rows = irregular.timed_sequence_scores(X, [3 * t for t in times], y, SMALL, seed=1)
    assert [(r["sampling"], r["model"]) for r in rows] == [
        (s, m) for s in irregular.TIME_SAMPLINGS for m, _, _ in irregular.MODELS]
    got = scores(rows)
    for model, _, _ in irregular.MODELS:
        assert got["file's times", model] == got["Δt = 1", model]


def test_delta_t_one_equals_the_liquid_cells_without_elapsed_times():
    """Reference: the control rows are the plain classifiers (no ``dt``) on the same split."""
    X, times, y = sines(irregular_times=True)
    got = scores(irregular.timed_sequence_scores(X, times, y, SMALL, UNIT_STEP, seed=2))
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=2, stratify=y)
    for model, cell in (("LTC", "ltc"), ("CfC", "cfc")):
        plain = EchoStateClassifier(**SMALL, cell=cell, cell_options=UNIT_STEP[cell]).fit(
            [X[i] for i in train], y[train])
        reference = np.mean(plain.predict([X[i] for i in test]) == y[test])
        assert got["Δt = 1", model] == pytest.approx(reference, abs=1e-12)


def test_on_irregular_sines_the_times_help_the_liquid_cells_and_not_the_esn():
    X, times, y = sines(irregular_times=True, n=200, n_samples=30)
    got = scores(irregular.timed_sequence_scores(X, times, y, SMALL, seed=0))
    assert got["file's times", "ESN"] == got["Δt = 1", "ESN"]       # it ignores the times
    for model in ("LTC", "CfC"):
        assert got["file's times", model] >= got["Δt = 1", model] + 0.04   # 0.86 vs 0.80, 0.90 vs 0.84


@pytest.mark.parametrize("labels, message", [
    ([0, 1] * 3, r"^6 sequences are too few: the experiment needs at least 8"),
    ([0] * 10, r"^every sequence has the label '0'; the experiment needs at least 2 classes"),
    ([0] * 9 + [1], r"^class '1' has only 1 sequence; each class needs at least 2"),
    (list(range(5)) * 2, r"^10 sequences of 5 classes leave too few for a test part of 25%"),
])
def test_too_few_sequences_or_classes_are_refused(labels, message):
    X = [np.zeros(4) for _ in labels]
    times = [np.arange(4.0) for _ in labels]
    with pytest.raises(DataError, match=message):
        irregular.timed_sequence_scores(X, times, labels, SMALL)


def test_the_gunpoint_file_is_real_data_read_at_irregular_times():
    assert CSV.read_bytes() == gunpoint_irregular_csv()           # the committed file is current
    data = parse_long_csv(CSV)
    assert data.n_series == 200 and set(data.lengths) == {90}
    assert data.classes.tolist() == [1, 2]
    gaps = np.concatenate([np.diff(t) for t in data.times])
    assert gaps.min() == 1 and np.mean(gaps) == pytest.approx(149 / 89 * 0.99, rel=0.05)


def irregular_sine(n=400, seed=0):
    """A sine of period 10 read at gaps uniform in 0.2-1.8: the next value depends on the gap."""
    times = np.cumsum(np.random.default_rng(seed).uniform(0.2, 1.8, n))
    return np.sin(2 * np.pi * times / 10), times


def test_a_regular_series_forecasts_as_with_delta_t_one():
    values, _ = irregular_sine()
    got = {(r["sampling"], r["model"]): r["nrmse"] for r in irregular.timed_series_scores(
        values, 2.5 * np.arange(len(values)), SMALL)}
    for model, _, _ in irregular.MODELS:
        assert got["file's times", model] == got["Δt = 1", model]


def test_given_the_gap_to_the_next_sample_the_forecast_improves_and_the_esn_stays():
    got = {(r["sampling"], r["model"]): r["nrmse"] for r in irregular.timed_series_scores(
        *irregular_sine(), SMALL)}
    assert got["file's times", "ESN"] == got["Δt = 1", "ESN"]        # it ignores the times
    # measured (40 units): LTC 0.054 against 0.380, CfC 0.131 / 0.348, ESN + Δt 0.194 / 0.354
    for model, ratio in (("LTC", 0.2), ("CfC", 0.45), ("ESN + Δt input", 0.65)):
        assert got["file's times", model] < ratio * got["Δt = 1", model]
    assert got["file's times", "LTC"] < 0.5 * got["file's times", "ESN + Δt input"]


def test_a_short_series_is_refused():
    with pytest.raises(DataError, match=r"^39 rows are too few: the forecast needs at least 40"):
        irregular.timed_series_scores(np.zeros(39), np.arange(39.0), SMALL)
