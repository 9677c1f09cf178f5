"""Forecasting tables: one row per time step, numeric columns, an optional time column."""


import numpy as np
import pandas as pd

from ..._validation import check_choice, check_int
from ...errors import DataError
from ._base import ForecastTable, ParseLimits, _read_text, _resolve_name
from ._table import (
    _check_increasing,
    _convert,
    _first_non_date,
    _looks_like_header,
    _numeric_column,
    _parse_datetimes,
    _read_table,
)


# --------------------------------------------------------------------------- #
# Forecasting tables
# --------------------------------------------------------------------------- #
def parse_forecast_csv(data, *, name=None, limits=ParseLimits()):
    """Parse a forecasting CSV: one row per time step, numeric columns.

    The separator (``,``, ``;`` or tab) is sniffed from the first line; with
    ``;`` a decimal comma is accepted.  A header row is detected (any cell that
    is not a number or a date, or an empty first cell alone, as
    ``DataFrame.to_csv`` writes the index's); without one the columns are
    named ``"column 1"``, ``"column 2"``, ….

    Column roles:

    * pandas' unnamed index (first column, empty header cell): dropped when
      it holds 0, 1, 2, …; the time column when it increases (the years of
      ``Lynx.csv``); else ignored.  It is never a value to forecast;
    * numeric column: its non-missing cells are numbers (a cell that is not,
      or is infinite, is an error naming the row and column);
    * time column (at most one, removed from the numeric ones): the index
      above, else a column whose name contains "time" or "date", else one
      named "year", "month", "quarter", "week", "day", "hour", "period",
      "ds", "t" or "step" whose cells increase strictly, else a text column
      whose every cell is a date.  Dates are read by pandas ("1949-01",
      "1991 Jul", ISO times with UTC offsets, in UTC when they differ),
      quarters ("1970 Q1") and short-year months ("1-01") as periods.  A time
      column must increase strictly;
    * other text columns, and empty columns, are ignored (listed in
      ``ignored_columns``).

    Missing cells (empty, ``NA``, ``NaN``, ``null``, ``?``) are counted in
    ``n_missing`` and handled by :func:`prepare_series`.

    Parameters
    ----------
    data : bytes, binary file-like or os.PathLike
        The CSV file.
    name : str, optional
        File name for messages; defaults to ``data.name`` or ``"upload.csv"``.
    limits : ParseLimits
        Size limits.

    Returns
    -------
    ForecastTable

    Raises
    ------
    DataError
        Empty file, header without rows, a single row, non-numeric or infinite
        cells, no numeric column, a time column out of order, limits exceeded.

    Examples
    --------
    >>> table = parse_forecast_csv(b"t,x\\n0,1.5\\n1,2.5\\n")
    >>> table.numeric_columns, table.time_column
    (['x'], 't')
    """
    name = _resolve_name(data, name, "upload.csv")
    text = _read_text(data, name, limits)
    table = _read_table(
        text,
        name=name,
        limits=limits,
        max_columns=limits.max_channels + 10,
        what_columns=f"max_channels={limits.max_channels:,} plus time and text columns",
        header=_looks_like_header,
        unnamed_index="range",
    )
    cells = table.cells
    if cells.empty:
        raise DataError(f"{name} has a header row but no data rows.")
    if len(cells) < 2:
        raise DataError(f"{name} has only 1 data row; a time series needs at least 2.")

    numeric, missing, text_columns, ignored = {}, {}, [], []
    for column in table.columns:
        _, miss, bad = _convert(cells[column], decimal_comma=table.decimal_comma)
        n_bad, n_num = int(bad.sum()), int((~miss & ~bad).sum())
        if n_num == 0 and n_bad == 0:
            ignored.append(column)
        elif n_num >= n_bad:
            numeric[column], missing[column] = _numeric_column(
                table, column, name=name, allow_missing=True
            )
        else:
            text_columns.append(column)

    time_column = _find_time_column(table, name, numeric, missing, text_columns)
    time = None
    if time_column is not None:
        if time_column in numeric:
            if missing[time_column].any():
                i = int(np.argmax(missing[time_column]))
                raise DataError(
                    f"{name}, row {cells.index[i]:,}: the time column {time_column!r} is empty."
                )
            time = pd.Series(
                numeric.pop(time_column), index=cells.index, name=time_column
            )
            missing.pop(time_column)
        else:
            values = cells[time_column]
            time = _parse_datetimes(values)
            if time is None:
                i = _first_non_date(values)
                raise DataError(
                    f"{name}, row {values.index[i]:,}: the time column {time_column!r} "
                    f"holds {values.iloc[i]!r}, which is not a date or a number."
                )
            if time.isna().any():
                i = int(np.argmax(time.isna().to_numpy()))
                raise DataError(
                    f"{name}, row {values.index[i]:,}: the time column {time_column!r} "
                    "is empty."
                )
            time.name = time_column
            text_columns.remove(time_column)
        problem = _check_increasing(name, time_column, time.to_numpy(), cells.index)
        if problem:
            raise DataError(problem)
        time = time.reset_index(drop=True)
    if table.index_column is not None and table.index_column != time_column:
        numeric.pop(table.index_column, None)         # an index is never a value to forecast
        missing.pop(table.index_column, None)
        if table.index_column in text_columns:
            text_columns.remove(table.index_column)
        ignored.append(table.index_column)
    ignored.extend(text_columns)
    if not numeric:
        raise DataError(
            f"{name} has no numeric column (columns: {', '.join(table.columns)})."
        )
    if len(numeric) > limits.max_channels:
        raise DataError(
            f"{name} has {len(numeric):,} numeric columns; the limit is "
            f"max_channels={limits.max_channels:,}."
        )
    frame = pd.DataFrame(numeric)
    n_missing = {c: int(m.sum()) for c, m in missing.items()}
    total_missing = sum(n_missing.values())
    description = (
        f"{name}: {len(frame):,} rows, {len(numeric)} numeric column"
        f"{'s' if len(numeric) != 1 else ''}"
        + (", the unnamed index column (0, 1, 2, …) dropped" if table.dropped_index else "")
        + (
            f", time column {time_column!r}"
            + (" (the unnamed first column)" if time_column == table.index_column else "")
            if time_column
            else ""
        )
        + (
            f", {total_missing:,} missing cell{'s' if total_missing != 1 else ''}"
            if total_missing
            else ""
        )
        + (f", ignored {', '.join(map(repr, ignored))}" if ignored else "")
        + "."
    )
    return ForecastTable(
        frame=frame,
        time=time,
        time_column=time_column,
        numeric_columns=list(numeric),
        n_missing=n_missing,
        ignored_columns=ignored,
        name=name,
        description=description,
    )


#: Column names that are a time column when their cells are dates or increasing numbers.
_TIME_WORDS = frozenset(
    {"year", "month", "quarter", "week", "day", "hour", "period", "ds", "t", "step"}
)


def _find_time_column(table, name, numeric, missing, text_columns):
    """The time column of a forecasting table, or None.

    In this order: pandas' unnamed index when it is not 0, 1, 2, … (dates, or
    numbers that increase, such as years); a column whose name contains
    "time" or "date"; a column named like a period of time ("year", "month",
    "quarter", …, "t", "step") whose cells are dates or increase strictly;
    a text column whose every cell is a date.
    """
    cells = table.cells

    def increasing(column):
        if column in numeric:
            return not missing[column].any() and _check_increasing(
                name, column, numeric[column], cells.index) is None
        dates = _parse_datetimes(cells[column])
        return dates is not None and not dates.isna().any() and _check_increasing(
            name, column, dates.to_numpy(), cells.index) is None

    if table.index_column is not None and increasing(table.index_column):
        return table.index_column
    candidates = [c for c in table.columns if c in numeric or c in text_columns]
    lowered = {c: c.lower().strip() for c in candidates}
    named = [c for c in candidates if "time" in lowered[c] or "date" in lowered[c]]
    if named:
        return named[0]
    for column in candidates:
        if lowered[column] in _TIME_WORDS and increasing(column):
            return column
    dated = [c for c in text_columns if _parse_datetimes(cells[c]) is not None]
    return dated[0] if dated else None


def prepare_series(
    table, target_columns, input_columns=None, *, missing="drop", min_rows=2
):
    """Turn chosen columns of a :class:`ForecastTable` into float64 matrices.

    Parameters
    ----------
    table : ForecastTable
        Parsed table.
    target_columns : str or sequence of str
        Columns to predict (``m`` of them).
    input_columns : str or sequence of str, optional
        Columns fed to the model (``k`` of them).  ``None`` uses the target
        columns themselves (autoregressive forecasting; the caller shifts).
    missing : {"drop", "interpolate"}
        ``"drop"`` removes every row with a missing cell in a used column;
        ``"interpolate"`` fills gaps linearly in row order (ends take the
        nearest value).
    min_rows : int, default 2
        Fewest rows acceptable after handling missing values.

    Returns
    -------
    inputs : ndarray of shape (n_rows, k), float64
    targets : ndarray of shape (n_rows, m), float64

    Raises
    ------
    DataError
        Unknown column (the message lists the available ones), a column with
        no values, or fewer than ``min_rows`` rows left.
    """
    check_choice("missing", missing, ("drop", "interpolate"))
    min_rows = check_int("min_rows", min_rows, low=1)
    targets = _column_list("target_columns", target_columns)
    inputs = (
        targets
        if input_columns is None
        else _column_list("input_columns", input_columns)
    )
    available = table.numeric_columns
    unknown = [c for c in targets + inputs if c not in available]
    if unknown:
        raise DataError(
            f"{table.name} has no numeric column {unknown[0]!r}; "
            f"available: {', '.join(map(repr, available))}."
        )
    used = list(dict.fromkeys(inputs + targets))
    frame = table.frame[used]
    empty = [c for c in used if frame[c].isna().all()]
    if empty:
        raise DataError(f"{table.name}: column {empty[0]!r} has no values at all.")
    n_rows = len(frame)
    if missing == "drop":
        frame = frame.dropna()
    else:
        frame = frame.interpolate(method="linear", limit_direction="both")
    if len(frame) < min_rows:
        dropped = n_rows - len(frame)
        raise DataError(
            f"{table.name}: {dropped:,} of its {n_rows:,} rows have a missing cell in the "
            f"chosen columns and dropping them leaves {len(frame):,}; at least {min_rows:,} "
            "are needed (choose 'interpolate')."
            if dropped
            else f"{table.name} has {n_rows:,} rows; at least {min_rows:,} are needed."
        )
    return (
        frame[inputs].to_numpy(dtype=np.float64, copy=True),
        frame[targets].to_numpy(dtype=np.float64, copy=True),
    )


def _column_list(param, columns):
    if isinstance(columns, str):
        columns = [columns]
    try:
        columns = [str(c) for c in columns]
    except TypeError:
        raise ValueError(
            f"{param} must be a column name or a list of names, got {columns!r}"
        )
    if not columns:
        raise ValueError(f"{param} must name at least one column, got an empty list")
    return columns


