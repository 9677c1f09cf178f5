"""A sweep's results: per-point summary, best point, heatmap layout, and reading a results CSV."""

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.parsers import decode_text, read_bytes
from ..errors import DataError
from .space import METRICS, PARAMETERS, RESULT_COLUMNS, check_parameter


# --------------------------------------------------------------------------- #
# Reading results
# --------------------------------------------------------------------------- #
def summarize(runs):
    """Mean ± std of the score over seeds, one row per point.

    Parameters
    ----------
    runs : pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` (a :attr:`SweepResult.runs` or
        :func:`read_results`).

    Returns
    -------
    pandas.DataFrame
        ``point, task, metric``, the parameters, ``score_mean``,
        ``score_std`` (sample std, NaN for one seed) and ``n_seeds``.
    """
    grouped = runs.groupby("point", sort=True)
    summary = grouped[["task", "metric", *PARAMETERS]].first()
    summary["score_mean"] = grouped["score"].mean()
    summary["score_std"] = grouped["score"].std(ddof=1)
    summary["n_seeds"] = grouped["seed"].nunique()
    return summary.reset_index()


def best_point(summary):
    """The row of ``summary`` with the best mean score (first one on ties).

    Highest accuracy or lowest NRMSE; points whose score is NaN are skipped.

    Returns
    -------
    pandas.Series
    """
    if summary.empty:
        raise ValueError("there are no points to choose from")
    scores = summary["score_mean"]
    if scores.isna().all():
        raise ValueError("every point has a missing score")
    best = scores.idxmax() if METRICS[summary["metric"].iloc[0]] == "max" else scores.idxmin()
    return summary.loc[best]


def best_parameters(runs):
    """Parameters and seed of the best point, as plain Python numbers.

    The seed is the one with the best single score at that point.

    Returns
    -------
    dict
        ``{"n_units": int, "spectral_radius": float, ..., "ridge": float, "seed": int}``

    Examples
    --------
    >>> runs = run_sweep(make_task("narma10", n_steps=600), [{"n_units": 20}], n_jobs=1).runs
    >>> best_parameters(runs)["n_units"]
    20
    """
    best = best_point(summarize(runs))
    at_best = runs[runs["point"] == best["point"]]
    scores = at_best["score"]
    seed_row = at_best.loc[scores.idxmax() if METRICS[best["metric"]] == "max" else scores.idxmin()]
    values = {name: float(best[name]) for name in PARAMETERS}
    values["n_units"] = int(best["n_units"])
    values["seed"] = int(seed_row["seed"])
    return values


@dataclass(frozen=True)
class SweepLayout:
    """How to draw a sweep.

    Attributes
    ----------
    kind : {"line", "heatmap", "scatter", "single"}
        ``line``: one parameter varies; ``heatmap``: two, on a grid (more
        than half of its cells filled, as when a grid sweep was stopped);
        ``scatter``: anything else (random search, 3-D grid); ``single``: one point.
    parameters : tuple of str
        The varying parameters; for a heatmap ``(rows, columns)``, the first
        one varying slowest along the points.
    """

    kind: str
    parameters: tuple


def sweep_layout(summary):
    """Find which parameters vary and whether they form a 1-D or 2-D grid."""
    varying = [name for name in PARAMETERS if summary[name].nunique() > 1]
    if not varying:
        return SweepLayout("single", ())
    if len(varying) == 1:
        return SweepLayout("line", tuple(varying))
    ordered = summary.sort_values("point")
    if len(varying) == 2:
        # the column axis is the one that changes between consecutive points
        rows, columns = varying
        if ordered[rows].iloc[0] != ordered[rows].iloc[1]:
            rows, columns = columns, rows
        combos = ordered[[rows, columns]].drop_duplicates()
        n_cells = ordered[rows].nunique() * ordered[columns].nunique()
        # a grid, possibly stopped early: most cells filled, none twice
        if len(ordered) == len(combos) and 2 * len(ordered) > n_cells:
            return SweepLayout("heatmap", (rows, columns))
    return SweepLayout("scatter", tuple(varying))


def read_results(source, *, name=None):
    """Read and check a results CSV written by the command line or the app.

    Parameters
    ----------
    source : bytes, binary file-like (an upload) or os.PathLike
    name : str, optional
        File name used in messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS` with their dtypes, sorted by point and seed.

    Raises
    ------
    DataError
        A sentence naming the file and what is wrong: not a CSV, missing
        columns, non-numeric or out-of-range values, several metrics.
    """
    raw = read_bytes(source, name=name)
    name = name or getattr(source, "name", None) or "the results file"
    name = Path(str(name)).name
    text = decode_text(raw, name=name)
    if not text.strip():
        raise DataError(f"{name} is empty; expected a sweep results CSV.")
    try:
        table = pd.read_csv(StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataError(f"{name} could not be read as CSV ({str(exc).splitlines()[0]}).") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in RESULT_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"{name} is not a sweep results file: it lacks the column(s) "
                        f"{', '.join(missing)}. Expected the columns {', '.join(RESULT_COLUMNS)}, "
                        "as written by python -m lnn_core.sweep or this page's download.")
    if table.empty:
        raise DataError(f"{name} has the right columns but no rows.")
    table = table[list(RESULT_COLUMNS)].copy()
    for column in ("point", *PARAMETERS, "seed", "score"):
        values = pd.to_numeric(table[column], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            found = table[column].iloc[row]
            found = "an empty cell" if pd.isna(found) else repr(found)
            raise DataError(f"{name}, row {row + 2}: column {column} must be a number, got "
                            f"{found}.")
        table[column] = values
    metrics = table["metric"].astype(str).str.strip().unique()
    if len(metrics) != 1 or metrics[0] not in METRICS:
        raise DataError(f"{name}: column metric must hold one of {', '.join(METRICS)} on every "
                        f"row, found {', '.join(map(repr, metrics[:5]))}.")
    table["metric"] = metrics[0]
    for column in ("point", "n_units", "seed"):
        if not (table[column] == table[column].round()).all() or (table[column] < 0).any():
            raise DataError(f"{name}: column {column} must hold whole numbers >= 0.")
        table[column] = table[column].astype("int64")
    for column in PARAMETERS:
        for value in table[column].unique().tolist():
            try:
                check_parameter(column, value)
            except ValueError as exc:
                row = int(np.flatnonzero(table[column].to_numpy() == value)[0])
                raise DataError(f"{name}, row {row + 2}: {exc}.") from None
    if table.duplicated(["point", "seed"]).any():
        raise DataError(f"{name} repeats a (point, seed) pair; each evaluation must appear once.")
    if (table.groupby("point")[list(PARAMETERS)].nunique() > 1).any(axis=None):
        raise DataError(f"{name}: rows of one point disagree on its parameters.")
    table["task"] = table["task"].astype(str)
    return table.sort_values(["point", "seed"], kind="stable", ignore_index=True)


