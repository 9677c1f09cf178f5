"""Baselines beside every forecast score, transforms inverted in the pipeline, short series,
and classification on an official TEST file with its interval (issue 13)."""

import numpy as np
import pandas as pd
import pytest

from lnn_core import DataError, nrmse
from lnn_core.data.parsers import SequenceDataset, parse_forecast_csv
from lnn_core.engine.metrics import accuracy_interval
from lnn_core.lab import timeseries as ts
from lnn_core.lab.baselines import (
    baseline_forecasts,
    season_from_autocorrelation,
    season_from_time,
)

SMALL = {"n_units": 30, "ridge": 1e-2, "random_state": 0}


def monthly_csv(n_months=36, seed=0):
    """A ShampooSales-like file: ``Month`` as ``1-01`` … ``3-12``, a trending seasonal sales
    column, nothing missing."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    sales = 200 + 8 * t + 40 * np.sin(2 * np.pi * t / 12) + 10 * rng.standard_normal(n_months)
    months = [f"{1 + m // 12}-{1 + m % 12:02d}" for m in t]
    return pd.DataFrame({"Month": months, "Sales": sales.round(1)}).to_csv(index=False).encode()


def test_a_36_month_series_forecasts_with_baselines_by_hand():
    """Old code: refused ("only 36 rows are left after dropping rows with missing values")."""
    table = parse_forecast_csv(monthly_csv(), name="ShampooSales.csv")
    inputs, targets, channel = ts.table_arrays(table, "Sales", ["Sales"], horizon=1)
    time = ts.table_times(table, ["Sales"])
    result = ts.fit_forecast(inputs, targets, SMALL, 1, channel, time=time)
    y = targets[:, 0]
    n_pairs, split = 35, 26                                # int(0.75 * 35) pairs train
    assert (len(result.truth), result.split) == (n_pairs, split)
    truth = y[split + 1:]                                  # targets of test pairs 26..34
    assert result.season == 12 and result.season_source == "monthly time column"
    assert result.baselines["naive"] == pytest.approx(nrmse(truth, y[split:-1]), rel=1e-12)
    assert result.baselines["seasonal_naive"] == pytest.approx(
        nrmse(truth, y[split + 1 - 12:-12]), rel=1e-12)
    assert result.score == pytest.approx(nrmse(truth, result.predicted_units[split:]), rel=1e-12)
    np.testing.assert_array_equal(result.truth_units, y[1:])
    assert list(result.target_time[:2]) == [pd.Timestamp(1, 2, 1), pd.Timestamp(1, 3, 1)]


def test_a_series_too_short_for_the_horizon_names_the_reason():
    table = parse_forecast_csv(monthly_csv(), name="ShampooSales.csv")
    assert ts.min_forecast_rows(4) == 36 and ts.min_forecast_rows(1, "difference") == 34
    with pytest.raises(DataError, match=r"^ShampooSales\.csv has 36 rows in 'Sales'; forecasting "
                       r"5 steps ahead needs at least 37 \(24 input/target pairs to train and 8 "
                       r"to test, plus the 5-step horizon\)\.$"):
        ts.table_arrays(table, "Sales", ["Sales"], horizon=5)


def test_rows_taken_by_missing_cells_are_named_as_the_reason():
    text = "t,x\n" + "\n".join(f"{i}," + ("" if i % 3 == 0 else f"{i % 7}") for i in range(40))
    table = parse_forecast_csv(text.encode(), name="gaps.csv")
    with pytest.raises(DataError, match=r"has 26 rows in 'x' once the 14 with a missing cell "
                                        r"are dropped; .* Interpolate the missing cells"):
        ts.table_arrays(table, "x", ["x"])
    inputs, _, _ = ts.table_arrays(table, "x", ["x"], missing="interpolate")
    assert len(inputs) == 40


def test_baseline_forecasts_by_hand():
    y = np.arange(20.0) ** 2
    got = baseline_forecasts(y, [10, 11], horizon=3, season=4)
    np.testing.assert_array_equal(got["naive"], [y[10], y[11]])            # last known value
    np.testing.assert_array_equal(got["seasonal_naive"], [y[9], y[10]])    # 13 - 4, 14 - 4
    got = baseline_forecasts(y, [10], horizon=5, season=4)                 # 15 - 8: known
    np.testing.assert_array_equal(got["seasonal_naive"], [y[7]])
    with pytest.raises(ValueError, match="season=12 with horizon=1 needs rows from -1"):
        baseline_forecasts(y, [10], horizon=1, season=12)


def test_season_from_the_time_column_and_from_the_autocorrelation():
    starts = {"MS": 12, "QS": 4, "D": 7, "h": 24, "W": 52}
    for freq, season in starts.items():
        assert season_from_time(pd.date_range("2001-01-01", periods=30, freq=freq))[0] == season
    assert season_from_time(pd.date_range("2001-01-01", periods=30, freq="YS")) == (None, None)
    assert season_from_time(np.arange(1821.0, 1900.0)) == (None, None)     # plain years
    t = np.arange(300)
    rng = np.random.default_rng(0)
    cycle = np.sin(2 * np.pi * t / 10) + 0.05 * t + 0.1 * rng.standard_normal(300)
    assert season_from_autocorrelation(cycle) == 10
    assert season_from_autocorrelation(0.5 * t) is None                    # a straight line
    noise = [season_from_autocorrelation(rng.standard_normal(n)) for n in (100, 500, 2000)]
    assert noise == [None, None, None]          # 1.96 / sqrt(n) found "seasons" of 10 in noise


def airline_like(n_years=12):
    """Monthly totals that grow and whose swings grow with them (as air passengers do)."""
    t = np.arange(12 * n_years)
    return 120 * np.exp(0.01 * t) * (1 + 0.15 * np.sin(2 * np.pi * t / 12))


@pytest.mark.parametrize("transform", ["log", "difference"])
def test_transforms_are_inverted_and_scored_in_data_units(transform):
    y = airline_like()
    months = np.arange("1949-01", "1961-01", dtype="datetime64[M]")
    result = ts.fit_forecast(y[:, None], y, SMALL, horizon=2, free_channel=0,
                             transform=transform, time=months)
    offset = 1 if transform == "difference" else 0
    origins = np.arange(len(result.truth)) + offset
    output = result.saved.targets.inverse_transform(result.predicted[:, None])[:, 0]
    expected = np.exp(output) if transform == "log" else y[origins] + output
    np.testing.assert_allclose(result.predicted_units, expected, rtol=1e-12)
    np.testing.assert_array_equal(result.truth_units, y[origins + 2])
    split = result.split
    assert result.score == pytest.approx(
        nrmse(y[origins[split:] + 2], result.predicted_units[split:]), rel=1e-12)
    assert result.baselines["naive"] == pytest.approx(
        nrmse(y[origins[split:] + 2], y[origins[split:]]), rel=1e-12)


def test_log_of_a_series_that_is_not_positive_is_one_sentence():
    y = np.linspace(-1, 1, 60)
    with pytest.raises(DataError, match=r"^The log transform needs a positive series, but the "
                                        r"inputs hold -1 in row 1; choose 'none' or "
                                        r"'difference'\.$"):
        ts.fit_forecast(y[:, None], y, SMALL, transform="log")


def sequences(n_series, seed):
    """Two classes: noisy sines and noisy square waves, 40 steps each."""
    rng = np.random.default_rng(seed)
    t = np.arange(40)
    X, y = [], []
    for i in range(n_series):
        wave = np.sin(t / 3) if i % 2 else np.sign(np.sin(t / 3))
        X.append((wave + 0.3 * rng.standard_normal(40))[:, None])
        y.append(i % 2)
    y = np.array(y)
    return SequenceDataset(X, y, np.unique(y), ("value",), f"{n_series} series")


def test_with_a_test_file_all_of_train_trains_and_the_test_file_scores():
    train, test = sequences(40, seed=0), sequences(60, seed=1)
    result = ts.fit_classifier(train, SMALL | {"pooling": "mean"}, seed=0, test=test)
    assert result.official_test and result.n_test == 60 and len(result.truth) == 60
    np.testing.assert_array_equal(result.truth, test.y)
    n_correct = int(np.sum(result.truth == result.predicted))
    assert result.score == n_correct / 60
    assert result.interval == accuracy_interval(n_correct, 60)
    split = ts.fit_classifier(train, SMALL | {"pooling": "mean"}, seed=0)
    assert not split.official_test and split.n_test == 10              # 25 % of 40
