"""Reading a delimited text table cell by cell, with row and column in every error."""

import csv
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError
from ._base import _NOT_DATES, _PANDAS_FIELDS, MISSING_TOKENS

#: Periods pandas' date parser misreads, read with a PeriodIndex instead: a quarter
#: ("1970 Q1", "1970Q1", "1970-Q1") and a year-month with a short year ("1-01", "3-12",
#: as in the Shampoo sales data set: year 1, January), which it reads as a day.
_PERIODS = {
    "Q": re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$", re.IGNORECASE),
    "M": re.compile(r"^(\d{1,3})-(0?[1-9]|1[0-2])$"),
}
#: What parsing one column costs, in cells: pandas handles every column on its own
#: (measured: 1.4 ms per column against 0.9 µs per cell).
_CELLS_PER_COLUMN = 1_000


# --------------------------------------------------------------------------- #
# CSV reading
# --------------------------------------------------------------------------- #
@dataclass(frozen=True, eq=False)
class _Table:
    """Raw CSV cells as strings with the mapping back to spreadsheet rows."""

    cells: pd.DataFrame  # str cells, index = spreadsheet row number
    columns: list  # column names (or "column 3" when there is no header)
    has_header: bool
    decimal_comma: bool
    index_column: str | None = None  # pandas' unnamed index (header cell empty), if kept
    dropped_index: bool = False  # pandas' unnamed index was dropped


def _first_line(text):
    stripped = text.lstrip("\r\n")
    skipped = text[: len(text) - len(stripped)].count("\n")
    end = stripped.find("\n")
    return stripped, skipped, (stripped if end < 0 else stripped[:end]).rstrip("\r")


def _sniff_separator(line):
    if "\t" in line:
        return "\t"
    if ";" in line:
        return ";"
    return ","


def _split_line(line, sep):
    try:
        return [cell.strip() for cell in next(csv.reader([line], delimiter=sep))]
    except (csv.Error, StopIteration):
        return line.split(sep)


def _is_number(text, decimal_comma=False):
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_table(
    text,
    *,
    name,
    limits,
    max_columns,
    what_columns,
    header,
    text_columns=None,
    unnamed_index="drop",
):
    """Read CSV text into a DataFrame indexed by spreadsheet row number.

    ``header`` is True, False, or a callable ``header(first_cells,
    decimal_comma)`` deciding from the first line.  ``text_columns`` is an
    optional callable ``text_columns(columns, has_header)`` returning the
    positions to keep as text (ids, labels); other columns are parsed by
    pandas' C parser, so clean numeric columns arrive as numbers and only a
    column holding some text arrives as strings.  ``max_columns`` is checked
    on the first line before pandas runs, so a 10 MB single line fails fast.

    A header whose first cell is empty is how ``DataFrame.to_csv`` writes the
    index.  With ``unnamed_index="drop"`` that column is dropped (and
    ``text_columns`` never sees it); with ``"range"`` it is dropped only when
    it holds 0, 1, 2, … (a default index) and otherwise kept as
    ``_Table.index_column`` (a time index, such as the years of a series).
    """
    text, skipped, line = _first_line(text)
    sep = _sniff_separator(line)
    n_columns = line.count(sep) + 1  # counted before splitting: a huge line fails fast
    if n_columns > max_columns:
        raise DataError(
            f"{name} has {n_columns:,} columns in its first row; the limit is "
            f"{max_columns:,} ({what_columns}). Is it transposed, or one very long line?"
        )
    first = _split_line(line, sep)
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines - 1 > limits.max_rows:
        raise DataError(
            f"{name} has about {n_lines:,} rows; the limit is max_rows={limits.max_rows:,}."
        )
    cells = (n_lines + _CELLS_PER_COLUMN) * n_columns  # before pandas allocates anything
    if cells > limits.max_cells:
        raise DataError(
            f"{name} has about {n_lines:,} rows of {n_columns:,} columns, which count as "
            f"{cells:,} cells (rows plus {_CELLS_PER_COLUMN:,}, times columns); the limit is "
            f"max_cells={limits.max_cells:,}."
        )
    decimal_comma = sep == ";"
    has_header = header(first, decimal_comma) if callable(header) else bool(header)
    if has_header:
        columns = [c if c else f"column {j + 1}" for j, c in enumerate(first)]
        seen = set()
        for column in columns:
            if column in seen:
                raise DataError(
                    f"{name}: column {column!r} appears twice in the header."
                )
            seen.add(column)
    else:
        columns = [f"column {j + 1}" for j in range(len(first))]
    unnamed = has_header and len(first) > 1 and first[0] == ""
    skip = 1 if unnamed and unnamed_index == "drop" else 0
    as_text = [j + skip for j in text_columns(columns[skip:], has_header)] if text_columns else ()
    ref = "the header" if has_header else "the first row"
    try:
        with warnings.catch_warnings():
            # a first data row longer than the header is a warning (and lost
            # cells) in pandas; here it is an error like any other long row
            warnings.simplefilter("error", pd.errors.ParserWarning)
            cells = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                header=0 if has_header else None,
                index_col=False,
                dtype={j: str for j in as_text} or None,
                na_values=sorted(MISSING_TOKENS),
                keep_default_na=False,
                skip_blank_lines=False,
                skipinitialspace=True,
                decimal="," if decimal_comma else ".",
                engine="c",
                low_memory=False,  # one dtype per column, not per chunk
            )
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty.") from None
    except pd.errors.ParserWarning:
        raise DataError(
            f"{name}, row {skipped + 2:,} has more cells than {ref} ({len(columns)}); "
            "every row needs the same number of columns."
        ) from None
    except pd.errors.ParserError as exc:
        match = _PANDAS_FIELDS.search(str(exc))
        if match:
            expected, line_no, saw = (int(g) for g in match.groups())
            raise DataError(
                f"{name}, row {line_no + skipped:,} has {saw} cells but {ref} has "
                f"{expected}; every row needs the same number of columns "
                "(shorter rows may end with empty cells)."
            ) from None
        raise DataError(f"{name} could not be read as CSV: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - pandas raises many types; one for the user
        raise DataError(f"{name} could not be read as CSV: {exc}") from None
    if cells.shape[1] != len(columns):
        raise DataError(
            f"{name}: {ref} has {len(columns)} cells but the rows have {cells.shape[1]}."
        )
    offset = skipped + (2 if has_header else 1)
    cells.index = pd.RangeIndex(offset, offset + len(cells))
    cells.columns = columns
    for column in columns:
        if cells[column].dtype.kind not in "iuf":  # text: strip spaces, keep NaN
            cells[column] = (
                cells[column].astype(str).str.strip().where(cells[column].notna())
            )
    cells = cells[cells.notna().any(axis=1)]  # blank lines
    index_column, dropped = (columns[0], False) if unnamed else (None, False)
    if unnamed and (skip or _is_range(cells[columns[0]])):
        cells = cells.drop(columns=columns[0])
        columns, index_column, dropped = columns[1:], None, True
    return _Table(cells, columns, has_header, decimal_comma, index_column, dropped)


def _is_range(values):
    """Whether a column holds 0, 1, 2, …, n - 1 in order: pandas' default index."""
    if values.dtype.kind not in "iu":
        return False
    return bool(np.array_equal(values.to_numpy(), np.arange(len(values))))


def _convert(values, *, decimal_comma):
    """Return (numbers float64, missing bool, bad bool) for one column."""
    if values.dtype.kind in "iuf":  # parsed by pandas: the fast, common case
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        missing = np.isnan(numbers)
        return numbers, missing, np.zeros(len(values), dtype=bool)
    missing = (values.isna() | values.isin(MISSING_TOKENS)).to_numpy()
    text = values.fillna("")
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan, copy=True
    )
    numbers[missing] = np.nan
    bad = np.isnan(numbers) & ~missing
    return numbers, missing, bad


def _raise_cell(name, row, column, found, expected):
    shown = f"{found!r}" if isinstance(found, str) else f"{found:g}"
    raise DataError(
        f"{name}, row {row:,}, column {column!r}: expected {expected}, found {shown}."
    )


def _numeric_column(table, column, *, name, allow_missing):
    """Convert one column; non-numbers, infinities and (optionally) gaps raise."""
    values = table.cells[column]
    numbers, missing, bad = _convert(values, decimal_comma=table.decimal_comma)
    if bad.any():
        i = int(np.argmax(bad))
        _raise_cell(name, values.index[i], column, values.iloc[i], "a number")
    infinite = np.isinf(numbers)
    if infinite.any():
        i = int(np.argmax(infinite))
        _raise_cell(name, values.index[i], column, values.iloc[i], "a finite number")
    if not allow_missing and missing.any():
        i = int(np.argmax(missing))
        raise DataError(
            f"{name}, row {values.index[i]:,}, column {column!r} is empty or NaN; "
            "sequences for classification cannot have gaps."
        )
    return numbers, missing


def _parse_datetimes(values):
    """Return datetime64 Series or None if some non-missing cell is not a date.

    Read by pandas: ``pd.to_datetime`` for dates and times ("1949-01",
    "1991 Jul", "2020-03-01T10:00+01:00"; mixed UTC offsets are converted to
    UTC), ``pd.PeriodIndex`` for quarters ("1970 Q1") and short-year months
    ("1-01"), stamped at the period's first day.
    """
    if values.dtype.kind in "iufb":
        return None
    values = values.fillna("")
    present = values[~values.isin(MISSING_TOKENS)]
    if present.empty or present.str.lower().isin(_NOT_DATES).any():
        return None
    if present.map(_is_number).any():
        return None
    for freq, pattern in _PERIODS.items():
        fields = present.str.extract(pattern)
        if fields.notna().all(axis=None):
            year, part = fields[0].astype(int), fields[1].astype(int)
            stamps = pd.PeriodIndex.from_fields(
                year=year, **{"quarter" if freq == "Q" else "month": part}, freq=freq
            ).to_timestamp()
            parsed = pd.Series(pd.NaT, index=values.index, dtype=stamps.dtype)
            parsed[present.index] = stamps.to_numpy()
            return parsed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cells = values.where(~values.isin(MISSING_TOKENS))
        try:
            parsed = pd.to_datetime(cells, errors="coerce")
        except ValueError:  # mixed UTC offsets ("+01:00" in winter, "+02:00" in summer)
            try:
                parsed = pd.to_datetime(cells, errors="coerce", utc=True)
            except (ValueError, TypeError, OverflowError):
                return None
        except (TypeError, OverflowError):
            return None
    if parsed[present.index].isna().any():
        return None
    return parsed


def _first_non_date(values):
    """Position of the first present cell of ``values`` that is not a date."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, cell in enumerate(values):
            if pd.isna(cell) or cell in MISSING_TOKENS:
                continue
            if cell.lower() in _NOT_DATES or _is_number(cell):
                return i
            try:
                if pd.isna(pd.to_datetime(cell, errors="coerce")):
                    return i
            except (ValueError, TypeError, OverflowError):
                return i
    return 0  # every cell parses alone; together they mix formats or time zones


def _check_increasing(name, column, values, index):
    order = np.asarray(values)
    if len(order) < 2:
        return None
    step_back = np.flatnonzero(~(order[1:] > order[:-1]))
    if step_back.size:
        i = int(step_back[0]) + 1
        return (
            f"{name}: time column {column!r} must increase strictly, but row "
            f"{index[i]:,} ({order[i]}) does not come after row {index[i - 1]:,} "
            f"({order[i - 1]}); sort the file by time and remove duplicate times."
        )
    return None


def _looks_like_header(cells, decimal_comma, skip=()):
    """A first line is a header if some cell is neither a number, missing nor a date,
    or if its first cell alone is empty (``DataFrame.to_csv`` writes the index so:
    ``,0`` above ``1821,269``)."""
    if len(cells) > 1 and cells[0] == "" and all(cells[1:]):
        return True
    for j, cell in enumerate(cells):
        if j in skip or cell in MISSING_TOKENS or _is_number(cell, decimal_comma):
            continue
        if _parse_datetimes(pd.Series([cell], dtype=str)) is None:
            return True
    return False


