"""Long classification tables: one row per time step of one series (series id, label, channels)."""


import numpy as np
import pandas as pd

from ...errors import DataError
from ._base import (
    _LABEL_NAMES,
    _SERIES_NAMES,
    _TIME_NAMES,
    ParseLimits,
    _read_text,
    _resolve_name,
    _show,
)
from ._sequences import _make_dataset, _pick_role
from ._table import (
    _convert,
    _looks_like_header,
    _numeric_column,
    _parse_datetimes,
    _raise_cell,
    _read_table,
)
from .forecast_csv import _column_list


# --------------------------------------------------------------------------- #
# Long layout
# --------------------------------------------------------------------------- #
def parse_long_csv(
    data,
    *,
    series_column=None,
    label_column=None,
    time_column=None,
    feature_columns=None,
    name=None,
    limits=ParseLimits(),
):
    """Parse a long classification table: one row per (series, time step).

    Roles not given are detected by column name (case-insensitive):
    series id ``id``/``series``/``series_id``/``sample``/``sample_id``/``case``;
    label ``label``/``class``/``target``/``y``; time (optional)
    ``time``/``t``/``timestamp``/``step``.  Features default to every other
    column.  Rows of a series need not be contiguous; they are ordered by the
    time column when there is one, else kept in file order.

    Parameters
    ----------
    data : bytes, binary file-like or os.PathLike
        The CSV file; it needs a header row.
    series_column, label_column, time_column : str, optional
        Column names for the roles.
    feature_columns : sequence of str, optional
        Channel columns, numeric and complete.
    name : str, optional
        File name for messages.
    limits : ParseLimits
        Size limits.

    Returns
    -------
    SequenceDataset
        ``X[i]`` has shape ``(length_i, n_features)``; series in order of
        first appearance; with a time column, ``times[i]`` holds its steps'
        times (increasing).

    Raises
    ------
    DataError
        Ambiguous or missing roles (the message asks to choose), a series with
        two labels or a repeated time, non-numeric / missing / infinite
        features, fewer than 2 classes, limits exceeded.

    Examples
    --------
    >>> ds = parse_long_csv(b"id,t,x,label\\n1,0,0.5,a\\n1,1,0.7,a\\n2,0,0.1,b\\n")
    >>> ds.X[0].ravel().tolist(), ds.y.tolist()
    ([0.5, 0.7], ['a', 'b'])
    """
    name = _resolve_name(data, name, "upload.csv")
    text = _read_text(data, name, limits)
    roles = {}

    def decide_roles(columns, has_header):
        if not has_header:
            raise DataError(
                f"{name} needs a header row naming its columns (id, label, time, "
                f"features); its first row is {', '.join(columns[:5])}…"
            )
        roles.update(
            _long_roles(
                columns, series_column, label_column, time_column, feature_columns, name
            )
        )
        return [columns.index(roles["series"]), columns.index(roles["label"])]

    table = _read_table(
        text,
        name=name,
        limits=limits,
        max_columns=limits.max_channels + 3,
        what_columns=f"max_channels={limits.max_channels:,} plus id, label and time",
        header=lambda first, decimal_comma: _looks_like_header(first, decimal_comma),
        text_columns=decide_roles,
    )
    cells = table.cells
    if cells.empty:
        raise DataError(f"{name} has a header row but no data rows.")
    series_col, label_col, time_col = roles["series"], roles["label"], roles["time"]
    features = roles["features"]
    if len(features) > limits.max_channels:
        raise DataError(
            f"{name} has {len(features):,} feature columns; the limit is "
            f"max_channels={limits.max_channels:,}."
        )
    values = np.column_stack(
        [_numeric_column(table, c, name=name, allow_missing=False)[0] for c in features]
    )  # (n_rows, n_features)
    ids = cells[series_col]
    labels = cells[label_col]
    for role, column in (("series id", ids), ("label", labels)):
        empty = column.isna().to_numpy()
        if empty.any():
            raise DataError(
                f"{name}, row {column.index[int(np.argmax(empty))]:,}: the {role} "
                f"column {column.name!r} is empty."
            )
    codes, uniques = pd.factorize(ids, sort=False)  # (n_rows,), order of appearance
    if len(uniques) > limits.max_series:
        raise DataError(
            f"{name} has {len(uniques):,} series; the limit is max_series={limits.max_series:,}."
        )
    if time_col is not None:
        time_values = _time_values(table, time_col, name)
        order = np.lexsort((time_values, codes))
    else:
        time_values = None
        order = np.argsort(codes, kind="stable")
    codes_sorted = codes[order]
    starts = np.flatnonzero(np.r_[True, codes_sorted[1:] != codes_sorted[:-1]])
    bounds = np.r_[starts, len(order)]
    rows = cells.index.to_numpy()
    label_array = labels.to_numpy()
    X, y, times = [], [], []
    for k in range(len(starts)):
        idx = order[bounds[k] : bounds[k + 1]]  # rows of one series, in time order
        series_labels = label_array[idx]
        series = _show(uniques[codes_sorted[bounds[k]]])
        if (series_labels != series_labels[0]).any():
            j = int(np.argmax(series_labels != series_labels[0]))
            raise DataError(
                f"{name}: series {series} has label "
                f"{_show(series_labels[0])} in row {rows[idx[0]]:,} but {_show(series_labels[j])} "
                f"in row {rows[idx[j]]:,}; a series has one label."
            )
        if time_values is not None:
            t = time_values[idx]
            repeated = np.flatnonzero(t[1:] == t[:-1])
            if repeated.size:
                j = int(repeated[0])
                raise DataError(
                    f"{name}: series {series} has the same time "
                    f"in rows {rows[idx[j]]:,} and {rows[idx[j + 1]]:,}."
                )
        if len(idx) > limits.max_length:
            raise DataError(
                f"{name}: series {series} has {len(idx):,} steps; "
                f"the limit is max_length={limits.max_length:,}."
            )
        X.append(values[idx])
        y.append(series_labels[0])
        if time_values is not None:
            times.append(time_values[idx])
    return _make_dataset(X, y, features, name=name, limits=limits,
                         times=times if time_values is not None else None)


def _long_roles(
    columns, series_column, label_column, time_column, feature_columns, name
):
    """Return {"series", "label", "time", "features"} for a long table's header."""
    problems = []
    found = {}
    for role, key, given, candidates, required in (
        ("series id", "series", series_column, _SERIES_NAMES, True),
        ("label", "label", label_column, _LABEL_NAMES, True),
        ("time", "time", time_column, _TIME_NAMES, False),
    ):
        found[key], why = _pick_role(
            role, given, columns, candidates, name=name, required=required
        )
        if why:
            problems.append(why)
    if problems:
        raise DataError(
            f"{name}: cannot tell the column roles: {'; '.join(problems)}. "
            "Choose them (series_column=, label_column=, time_column=); "
            f"columns are: {', '.join(map(repr, columns))}."
        )
    taken = {found["series"], found["label"], found["time"]} - {None}
    if len(taken) < 2 + (found["time"] is not None):
        raise DataError(
            f"{name}: the id, label and time roles must be different columns."
        )
    if feature_columns is None:
        features = [c for c in columns if c not in taken]
    else:
        features = _column_list("feature_columns", feature_columns)
        unknown = [c for c in features if c not in columns]
        if unknown:
            raise DataError(
                f"{name} has no column {unknown[0]!r}; "
                f"columns are: {', '.join(map(repr, columns))}."
            )
        clash = [c for c in features if c in taken]
        if clash:
            raise DataError(
                f"{name}: column {clash[0]!r} cannot be both a feature and a role."
            )
    if not features:
        raise DataError(f"{name} has no feature column besides the id, label and time.")
    return {**found, "features": features}


def _time_values(table, column, name):
    numbers, missing, bad = _convert(
        table.cells[column], decimal_comma=table.decimal_comma
    )
    if not bad.any() and not missing.any() and np.isfinite(numbers).all():
        return numbers
    dates = _parse_datetimes(table.cells[column])
    if dates is None or dates.isna().any():
        values = table.cells[column]
        i = int(np.argmax(bad | missing)) if (bad | missing).any() else 0
        _raise_cell(name, values.index[i], column, values.iloc[i], "a number or a date")
    return dates.to_numpy().astype("datetime64[ns]").astype(np.int64)


