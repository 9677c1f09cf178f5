"""Forecasts a model must beat: the last value, and the value one season ago.

A forecaster's NRMSE means little alone: on a trending monthly series, repeating
the last value may already score 0.6.  :func:`baseline_forecasts` gives the two
classic references (Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, section 5.2) for the same targets a model forecasts:

* **naive**: the target's last known value, ``y[t]`` for ``y[t + h]``;
* **seasonal naive**: its value one season before the target, from the last
  season that is known at time ``t``: ``y[t + h - s·k]`` with
  ``k = ceil(h / s)``.

The season ``s`` comes from the time column's spacing (:func:`season_from_time`:
12 for months, 4 for quarters, 7 for days, 24 for hours, 52 for weeks) or,
without one, from the autocorrelation of the training part
(:func:`season_from_autocorrelation`).

>>> y = np.array([1., 5., 2., 6., 3., 7., 4., 8.])
>>> forecasts = baseline_forecasts(y, [5, 6], horizon=1, season=2)   # of y[6] and y[7]
>>> forecasts["naive"].tolist(), forecasts["seasonal_naive"].tolist()
([7.0, 4.0], [3.0, 7.0])
"""

import math

import numpy as np
import scipy.stats

from .._validation import check_int

__all__ = ["baseline_forecasts", "season_from_autocorrelation", "season_from_time"]

#: Calendar seasons by the spacing of the time column: (name, shortest, longest step in
#: days, steps per season).  Months are 28-31 days, quarters 89-92.
_CALENDAR = (("hourly", 1 / 24, 1 / 24, 24), ("daily", 1, 1, 7), ("weekly", 7, 7, 52),
             ("monthly", 28, 31, 12), ("quarterly", 89, 92, 4))


def season_from_time(time):
    """Steps per season from a time column's spacing, or ``None``.

    Parameters
    ----------
    time : sequence of datetimes (pandas Series, DatetimeIndex, datetime64 array), or None
        The time of each row.  Numbers (such as plain years) and yearly or
        irregular dates have no calendar season.

    Returns
    -------
    season : int or None
        24 for hourly, 7 for daily, 52 for weekly, 12 for monthly, 4 for
        quarterly steps (the median step decides).
    spacing : str or None
        ``"monthly"``, ``"quarterly"``, … (``None`` with ``season``).

    Examples
    --------
    >>> import pandas as pd
    >>> season_from_time(pd.date_range("1949-01-01", periods=24, freq="MS"))
    (12, 'monthly')
    """
    if time is None:
        return None, None
    values = np.asarray(time)
    if values.dtype == object and len(values) and hasattr(values[0], "to_datetime64"):
        values = np.array([v.to_datetime64() for v in values])   # time-zone-aware stamps
    if len(values) < 2 or values.dtype.kind != "M":
        return None, None
    days = float(np.median(np.diff(values.astype("datetime64[s]").astype(np.int64)))) / 86400
    for spacing, shortest, longest, season in _CALENDAR:
        if shortest * 0.999 <= days <= longest * 1.001:
            return season, spacing
    return None, None


def season_from_autocorrelation(values, max_lag=None):
    """The first significant peak of the autocorrelation of the first differences.

    Differences first, so that a trend does not hide the season.  A lag
    ``k >= 2`` is a peak when its autocorrelation is at least its neighbours'
    and above the bound white noise stays under with 95 % probability at
    every lag tried, ``z / sqrt(n)`` with ``z`` the normal quantile of
    ``1 - 0.025 / max_lag`` (Bonferroni: with ``1.96 / sqrt(n)`` some lag of
    white noise nearly always stands out).

    Parameters
    ----------
    values : array-like of shape (n_steps,)
        The series (its training part: the test part must not choose the season).
    max_lag : int >= 3, optional
        Longest season considered; default ``n_steps // 2``.

    Returns
    -------
    int or None
        The season in steps, or ``None`` when no lag stands out.

    Examples
    --------
    >>> t = np.arange(200)
    >>> season_from_autocorrelation(np.sin(2 * np.pi * t / 10) + 0.01 * t)
    10
    """
    x = np.diff(np.asarray(values, dtype=np.float64).ravel())      # (n_steps - 1,)
    max_lag = len(x) // 2 if max_lag is None else check_int("max_lag", max_lag, low=3)
    max_lag = min(max_lag, len(x) - 2)
    x = x - x.mean()
    energy = float(x @ x)
    if max_lag < 3 or energy == 0:
        return None
    acf = np.array([x[:len(x) - k] @ x[k:] for k in range(max_lag + 1)]) / energy
    bound = float(scipy.stats.norm.ppf(1 - 0.025 / max_lag)) / math.sqrt(len(x))
    for k in range(2, max_lag):
        if acf[k] > bound and acf[k] >= acf[k - 1] and acf[k] >= acf[k + 1]:
            return k
    return None


def baseline_forecasts(series, origins, horizon, season):
    """Naive and seasonal-naive forecasts of ``series[t + horizon]`` made at each origin ``t``.

    Parameters
    ----------
    series : array-like of shape (n_steps,)
        The target in its own units.
    origins : array-like of int, shape (n_forecasts,)
        Rows ``t`` at which each forecast is made (the last known row).
    horizon : int >= 0
        Steps ahead; with 0 (a delay-0 map), the last known value is ``series[t - 1]``.
    season : int >= 1
        Steps per season (1 makes the seasonal naive the naive forecast).

    Returns
    -------
    dict of str to ndarray of shape (n_forecasts,)
        ``"naive"`` and ``"seasonal_naive"``.

    Raises
    ------
    ValueError
        A forecast would need a value from before the series starts.
    """
    series = np.asarray(series, dtype=np.float64).ravel()
    origins = np.asarray(origins, dtype=np.int64)
    horizon = check_int("horizon", horizon, low=0)
    season = check_int("season", season, low=1)
    step = max(horizon, 1)                       # the newest known value is `step` back
    lag = season * math.ceil(step / season)      # the last known season
    targets = origins + horizon
    if origins.size and (targets.min() - lag < 0 or targets.max() >= len(series)):
        raise ValueError(f"season={season} with horizon={horizon} needs rows from "
                         f"{targets.min() - lag} to {targets.max()}; the series has "
                         f"rows 0 to {len(series) - 1}")
    return {"naive": series[targets - step], "seasonal_naive": series[targets - lag]}
