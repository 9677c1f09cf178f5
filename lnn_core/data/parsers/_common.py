"""Parsers for uploaded time series: forecasting tables and labelled sequences.

Every parser is a pure function that takes the raw upload (``bytes``, a binary
file-like object such as Streamlit's ``UploadedFile``, or a ``pathlib.Path``)
and returns validated NumPy / pandas data, or raises :class:`DataError` with a
sentence a user can act on: which file, which row (1-based, counting the
header, as a spreadsheet shows it), which column, what was expected and what
was found.  Nothing is truncated silently: going over a :class:`ParseLimits`
bound is an error that names the limit.

Layouts
-------
* forecasting table (:func:`parse_forecast_csv`): one row per time step,
  numeric columns, optional time/date column; missing cells are counted and
  handled later by :func:`prepare_series`.
* long classification table (:func:`parse_long_csv`): one row per time step
  of one series, with a series-id column, a label column, an optional time
  column and one column per channel.
* wide classification table (:func:`parse_wide_csv`, UCR style): one row per
  series, the label then the values.
* ``.ts`` files of the UEA/UCR archive (:func:`parse_ts`).

The low-level helpers :func:`read_bytes` and :func:`decode_text` are shared
with :mod:`lnn_core.mnist`.
"""

import csv
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ._validation import check_choice, check_int, check_number, check_seed
from .errors import DataError

__all__ = [
    "ForecastTable",
    "ParseLimits",
    "SequenceDataset",
    "TrainTest",
    "combine_train_test",
    "decode_text",
    "parse_forecast_csv",
    "parse_long_csv",
    "parse_ts",
    "parse_wide_csv",
    "prepare_series",
    "read_bytes",
    "split_dataset",
]

#: Cell texts read as "missing" (compared after stripping spaces).
MISSING_TOKENS = frozenset(
    {"", "NA", "N/A", "NaN", "nan", "NAN", "null", "NULL", "None", "?"}
)

# Column names that give a role away, strongest first: "y" counts only without "label".
_LABEL_NAMES = (("label", "class", "target"), ("y",))
_SERIES_NAMES = (
    ("id", "series", "series_id", "sample", "sample_id", "case", "case_id"),
)
_TIME_NAMES = (("time", "timestamp", "step"), ("t",))
_LABEL_WORDS = frozenset(word for tier in _LABEL_NAMES for word in tier)
_NOT_DATES = frozenset({"now", "today", "tomorrow", "yesterday"})
_PANDAS_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


# --------------------------------------------------------------------------- #
# Limits and result types
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ParseLimits:
    """Upper bounds on what an upload may hold; going over is a ``DataError``.

    Parameters
    ----------
    max_bytes : int, default 50 MB (52,428,800)
        Size of the raw file.
    max_rows : int, default 1,000,000
        Data rows of a CSV file (lines of a ``.ts`` file).
    max_series : int, default 100,000
        Sequences in a classification dataset.
    max_length : int, default 100,000
        Time steps of one sequence.
    max_channels : int, default 100
        Channels (numeric feature columns) per time step.

    Examples
    --------
    >>> ParseLimits(max_bytes=1_000_000).max_rows
    1000000
    """

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 1_000_000
    max_series: int = 100_000
    max_length: int = 100_000
    max_channels: int = 100

    def __post_init__(self):
        for name in (
            "max_bytes",
            "max_rows",
            "max_series",
            "max_length",
            "max_channels",
        ):
            check_int(name, getattr(self, name), low=1)


@dataclass(frozen=True, eq=False)
class ForecastTable:
    """A parsed forecasting table.

    Attributes
    ----------
    frame : pandas.DataFrame of shape (n_rows, n_numeric)
        The numeric columns as float64, missing cells as NaN, rows in file order.
    time : pandas.Series of shape (n_rows,) or None
        The detected time column (numeric or datetime64), aligned with ``frame``.
    time_column : str or None
        Name of the time column.
    numeric_columns : list of str
        Columns of ``frame``, in file order.
    n_missing : dict of str to int
        Missing cells per numeric column.
    ignored_columns : list of str
        Text or empty columns that are neither numeric nor the time column.
    name : str
        File name used in messages.
    description : str
        One sentence summarising the table.
    """

    frame: pd.DataFrame
    time: pd.Series | None
    time_column: str | None
    numeric_columns: list
    n_missing: dict
    ignored_columns: list = field(default_factory=list)
    name: str = "upload.csv"
    description: str = ""


@dataclass(frozen=True, eq=False)
class SequenceDataset:
    """Labelled sequences of possibly different lengths.

    Attributes
    ----------
    X : list of ndarray, each of shape (length_i, n_channels), float64
        One array per series.
    y : ndarray of shape (n_series,)
        Labels as found in the file: int64 when every label is a whole number,
        else strings.
    classes : ndarray of shape (n_classes,)
        Sorted unique labels.
    channel_names : tuple of str
        Names of the ``n_channels`` channels.
    description : str
        One sentence summarising the dataset.
    """

    X: list
    y: np.ndarray
    classes: np.ndarray
    channel_names: tuple
    description: str

    @property
    def n_series(self):
        """Number of sequences."""
        return len(self.X)

    @property
    def n_channels(self):
        """Number of channels per time step."""
        return len(self.channel_names)

    @property
    def lengths(self):
        """Lengths of the sequences, int64 array of shape (n_series,)."""
        return np.array([len(x) for x in self.X], dtype=np.int64)


class TrainTest(NamedTuple):
    """A train / test pair of :class:`SequenceDataset` (unpacks as a tuple)."""

    train: SequenceDataset
    test: SequenceDataset


# --------------------------------------------------------------------------- #
# Low-level helpers shared with mnist.py
# --------------------------------------------------------------------------- #
def _resolve_name(data, name, default):
    if name is not None:
        return str(name)
    found = getattr(data, "name", None)
    if isinstance(found, (str, os.PathLike)) and str(found):
        return os.path.basename(os.fspath(found))
    return default


def read_bytes(data, *, name=None, max_bytes=ParseLimits.max_bytes):
    """Return the content of an upload as ``bytes``, refusing oversized input.

    Parameters
    ----------
    data : bytes, bytearray, memoryview, binary file-like or os.PathLike
        The upload.  A seekable file-like object is rewound first, so an
        ``UploadedFile`` read on a previous rerun is read again in full.
        Plain ``str`` is refused because it is ambiguous (path or content?).
    name : str, optional
        Name used in messages; defaults to ``data.name`` or ``"upload"``.
    max_bytes : int
        Largest accepted size.

    Returns
    -------
    bytes

    Raises
    ------
    DataError
        Wrong type, unreadable file, or larger than ``max_bytes``.
    """
    name = _resolve_name(data, name, "upload")
    max_bytes = check_int("max_bytes", max_bytes, low=1)
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    elif isinstance(data, os.PathLike):
        try:
            with open(data, "rb") as handle:
                raw = handle.read(max_bytes + 1)
        except OSError as exc:
            raise DataError(f"Could not read {name}: {exc.strerror or exc}.") from exc
    elif hasattr(data, "read"):
        try:
            if getattr(data, "seekable", lambda: False)():
                data.seek(0)
            raw = data.read(max_bytes + 1)
        except OSError as exc:
            raise DataError(f"Could not read {name}: {exc}.") from exc
        if isinstance(raw, str):
            raise DataError(
                f"{name} was opened in text mode; open it in binary mode ('rb')."
            )
        raw = bytes(raw)
    elif isinstance(data, str):
        raise DataError(
            "Expected the file's bytes, a binary file object or a pathlib.Path, "
            f"got a str ({data[:40]!r}); wrap a path in pathlib.Path or pass bytes."
        )
    else:
        raise DataError(
            "Expected the file's bytes, a binary file object or a pathlib.Path, "
            f"got {type(data).__name__}."
        )
    if len(raw) > max_bytes:
        raise DataError(
            f"{name} is larger than the limit of {_format_bytes(max_bytes)} "
            f"(max_bytes={max_bytes:,}); split it or raise the limit."
        )
    return raw


def decode_text(raw, *, name="upload"):
    """Decode UTF-8 bytes (a byte-order mark is allowed) into ``str``.

    Parameters
    ----------
    raw : bytes
        File content.
    name : str
        Name used in messages.

    Returns
    -------
    str
        The text without the byte-order mark.

    Raises
    ------
    DataError
        The content is UTF-16, contains a NUL byte (a binary file), or is not
        valid UTF-8; the message gives the byte position and line.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            f"{name} is UTF-16 text; save it as UTF-8 (in Excel: 'CSV UTF-8')."
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"{name} looks like a binary file, not text: it has a NUL byte at position {nul:,}."
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{name} is not UTF-8 text: byte 0x{raw[exc.start]:02X} at position "
            f"{exc.start:,} (line {line:,}) cannot be decoded. Save it as UTF-8 "
            "(in Excel: 'CSV UTF-8')."
        ) from None


def _show(value):
    """``repr`` of a value without NumPy's ``np.str_(...)`` wrapping."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _format_bytes(n):
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} kB"
    return f"{n} bytes"


def _read_text(data, name, limits):
    if not isinstance(limits, ParseLimits):
        raise TypeError(f"limits must be a ParseLimits, got {type(limits).__name__}")
    raw = read_bytes(data, name=name, max_bytes=limits.max_bytes)
    text = decode_text(raw, name=name)
    if not text.strip():
        raise DataError(f"{name} is empty.")
    return text


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
    text, *, name, limits, max_columns, what_columns, header, text_columns=None
):
    """Read CSV text into a DataFrame indexed by spreadsheet row number.

    ``header`` is True, False, or a callable ``header(first_cells,
    decimal_comma)`` deciding from the first line.  ``text_columns`` is an
    optional callable ``text_columns(columns, has_header)`` returning the
    positions to keep as text (ids, labels); other columns are parsed by
    pandas' C parser, so clean numeric columns arrive as numbers and only a
    column holding some text arrives as strings.  ``max_columns`` is checked
    on the first line before pandas runs, so a 10 MB single line fails fast.
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
    as_text = text_columns(columns, has_header) if text_columns else ()
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
    return _Table(cells, columns, has_header, decimal_comma)


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
    """Return datetime64 Series or None if some non-missing cell is not a date."""
    if values.dtype.kind in "iufb":
        return None
    values = values.fillna("")
    present = values[~values.isin(MISSING_TOKENS)]
    if present.empty or present.str.lower().isin(_NOT_DATES).any():
        return None
    if present.map(_is_number).any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(
                values.where(~values.isin(MISSING_TOKENS)), errors="coerce"
            )
        except (ValueError, TypeError, OverflowError):
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
    """A first line is a header if some cell is neither a number, missing nor a date."""
    for j, cell in enumerate(cells):
        if j in skip or cell in MISSING_TOKENS or _is_number(cell, decimal_comma):
            continue
        if _parse_datetimes(pd.Series([cell], dtype=str)) is None:
            return True
    return False


# --------------------------------------------------------------------------- #
# Forecasting tables
# --------------------------------------------------------------------------- #
def parse_forecast_csv(data, *, name=None, limits=ParseLimits()):
    """Parse a forecasting CSV: one row per time step, numeric columns.

    The separator (``,``, ``;`` or tab) is sniffed from the first line; with
    ``;`` a decimal comma is accepted.  A header row is detected (any cell that
    is not a number or a date); without one the columns are named
    ``"column 1"``, ``"column 2"``, ….

    Column roles:

    * numeric column: its non-missing cells are numbers (a cell that is not,
      or is infinite, is an error naming the row and column);
    * time column (at most one, removed from the numeric ones): a column whose
      name contains "time" or "date", else a text column whose every cell is a
      date, else a strictly increasing first column named ``t`` or ``step``.
      A time column must increase strictly;
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

    time_column, time = None, None
    lowered = {c: c.lower() for c in table.columns}
    named = [
        c
        for c in table.columns
        if ("time" in lowered[c] or "date" in lowered[c])
        and (c in numeric or c in text_columns)
    ]
    dated = [c for c in text_columns if _parse_datetimes(cells[c]) is not None]
    first = table.columns[0]
    if named:
        time_column = named[0]
    elif dated:
        time_column = dated[0]
    elif (
        lowered[first] in ("t", "step")
        and first in numeric
        and not missing[first].any()
        and _check_increasing(name, first, numeric[first], cells.index) is None
    ):
        time_column = first
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
        + (f", time column {time_column!r}" if time_column else "")
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
    if missing == "drop":
        frame = frame.dropna()
        how = "after dropping rows with missing values"
    else:
        frame = frame.interpolate(method="linear", limit_direction="both")
        how = "after interpolating missing values"
    if len(frame) < min_rows:
        raise DataError(
            f"{table.name}: only {len(frame):,} rows are left {how}; "
            f"at least {min_rows:,} are needed."
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


# --------------------------------------------------------------------------- #
# Classification: labels and dataset assembly
# --------------------------------------------------------------------------- #
def _labels_array(labels):
    """Labels as int64 when all are whole numbers, else as str."""
    labels = [str(v).strip() for v in labels]
    try:
        numbers = np.array([float(v) for v in labels], dtype=np.float64)
    except ValueError:
        return np.array(labels, dtype=str)
    if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
        return numbers.astype(np.int64)
    return np.array(labels, dtype=str)


def _make_dataset(X, labels, channel_names, *, name, limits, note=""):
    if len(X) > limits.max_series:
        raise DataError(
            f"{name} has {len(X):,} series; the limit is max_series={limits.max_series:,}."
        )
    if len(channel_names) > limits.max_channels:
        raise DataError(
            f"{name} has {len(channel_names):,} channels; the limit is "
            f"max_channels={limits.max_channels:,}."
        )
    y = _labels_array(labels)
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise DataError(
            f"{name}: classification needs at least 2 classes, found only {_show(classes[0])}"
            f" ({len(y):,} series)."
            if len(classes)
            else f"{name} has no series."
        )
    if len(classes) == len(y) >= 10:
        raise DataError(
            f"{name}: each of its {len(y):,} series has a label of its own ({_show(y[0])}, "
            f"{_show(y[1])}, …), so there is no class to learn; the label column must name "
            "classes shared by several series. One row per time step is the forecasting "
            "layout."
        )
    return SequenceDataset(
        X=X,
        y=y,
        classes=classes,
        channel_names=tuple(channel_names),
        description=_describe(name, X, classes, counts, len(channel_names), note),
    )


def _describe(name, X, classes, counts, n_channels, note=""):
    lengths = [len(x) for x in X]
    low, high = min(lengths), max(lengths)
    length = f"length {low:,}" if low == high else f"lengths {low:,}–{high:,}"
    shown = ", ".join(f"{c}: {n:,}" for c, n in zip(classes[:10], counts[:10]))
    if len(classes) > 10:
        shown += ", …"
    return (
        f"{name}: {len(X):,} series, {n_channels} channel{'s' if n_channels != 1 else ''}, "
        f"{length}, {len(classes)} classes ({shown}){note}."
    )


def _pick_role(role, given, columns, candidates, *, name, required):
    """Return the column for ``role``: the given one, or the one matching by name."""
    if given is not None:
        if given not in columns:
            raise DataError(
                f"{name} has no column {given!r} for the {role}; "
                f"columns are: {', '.join(map(repr, columns))}."
            )
        return given, None
    for tier in candidates:
        matches = [c for c in columns if c.strip().lower() in tier]
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, f"the {role} could be any of {', '.join(map(repr, matches))}"
    if required:
        words = "/".join(word for tier in candidates for word in tier)
        return None, f"no column is named like a {role} ({words})"
    return None, None


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
        first appearance.

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
    X, y = [], []
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
    return _make_dataset(X, y, features, name=name, limits=limits)


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


# --------------------------------------------------------------------------- #
# Wide layout
# --------------------------------------------------------------------------- #
def parse_wide_csv(data, *, label_column=None, name=None, limits=ParseLimits()):
    """Parse a wide (UCR-style) table: one row per series, a label then values.

    Series of different lengths end with empty cells (or ``NaN``) and are
    shortened; a gap followed by more values is an error.  A header row is
    optional.

    Parameters
    ----------
    data : bytes, binary file-like or os.PathLike
        The CSV / TSV file.
    label_column : str or int, optional
        Label column by header name or 0-based position.  Default: the column
        named ``label``/``class``/``target``/``y`` if the header has exactly
        one, else the first column.
    name : str, optional
        File name for messages.
    limits : ParseLimits
        Size limits.

    Returns
    -------
    SequenceDataset
        Univariate: ``X[i]`` has shape ``(length_i, 1)``.

    Raises
    ------
    DataError
        A row longer than the header / first row, a gap inside a series,
        non-numeric or infinite values, empty labels, fewer than 2 classes,
        limits exceeded.

    Examples
    --------
    >>> ds = parse_wide_csv(b"a,1,2,3\\nb,4,5,\\n")
    >>> [x.ravel().tolist() for x in ds.X], ds.y.tolist()
    ([[1.0, 2.0, 3.0], [4.0, 5.0]], ['a', 'b'])
    """
    name = _resolve_name(data, name, "upload.csv")
    if label_column is not None and not isinstance(label_column, (str, int)):
        raise ValueError(
            f"label_column must be a column name or position, got {label_column!r}"
        )
    text = _read_text(data, name, limits)

    def decide_header(first, decimal_comma):
        if isinstance(label_column, str):
            return True
        position = label_column if isinstance(label_column, int) else 0
        if _looks_like_header(first, decimal_comma, skip={position}):
            return True
        named = [c for c in first if c.lower() in _LABEL_WORDS]
        return bool(named) and not isinstance(label_column, int)

    chosen = {}

    def decide_label(columns, has_header):
        if isinstance(label_column, int):
            if not 0 <= label_column < len(columns):
                raise DataError(
                    f"{name} has {len(columns)} columns; label_column={label_column} "
                    "is out of range."
                )
            chosen["label"] = columns[label_column]
        elif isinstance(label_column, str):
            chosen["label"], _ = _pick_role(
                "label", label_column, columns, _LABEL_NAMES, name=name, required=True
            )
        else:
            found = None
            if has_header:
                found, _ = _pick_role(
                    "label", None, columns, _LABEL_NAMES, name=name, required=False
                )
            chosen["label"] = found or columns[0]
        return [columns.index(chosen["label"])]

    table = _read_table(
        text,
        name=name,
        limits=limits,
        max_columns=limits.max_length + 1,
        what_columns=f"max_length={limits.max_length:,} plus the label",
        header=decide_header,
        text_columns=decide_label,
    )
    cells, columns, label_col = table.cells, table.columns, chosen["label"]
    if cells.empty:
        raise DataError(f"{name} has a header row but no data rows.")
    value_cols = [c for c in columns if c != label_col]
    if not value_cols:
        raise DataError(f"{name} has only a label column and no values.")

    labels = cells[label_col]
    empty_label = labels.isna().to_numpy()
    if empty_label.any():
        i = int(np.argmax(empty_label))
        raise DataError(
            f"{name}, row {labels.index[i]:,}: the label column {label_col!r} is empty."
        )

    values = cells[value_cols]
    shape = values.shape  # (n_series, n_value_columns)
    if all(values[c].dtype.kind in "iuf" for c in value_cols):  # the common, fast case
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        missing, bad = np.isnan(numbers), np.zeros(shape, dtype=bool)
    else:
        parts = [
            _convert(values[c], decimal_comma=table.decimal_comma) for c in value_cols
        ]
        numbers, missing, bad = (np.column_stack(p) for p in zip(*parts))
    rows = cells.index.to_numpy()
    for mask, expected in ((bad, "a number"), (np.isinf(numbers), "a finite number")):
        if mask.any():
            r, c = np.unravel_index(int(np.argmax(mask)), shape)
            _raise_cell(name, rows[r], value_cols[c], values.iat[r, c], expected)
    present = ~missing  # (n_series, n_columns)
    has_values = present.any(axis=1)
    if not has_values.all():
        r = int(np.argmin(has_values))
        raise DataError(f"{name}, row {rows[r]:,} has a label but no values.")
    lengths = shape[1] - np.argmax(present[:, ::-1], axis=1)  # (n_series,)
    gaps = missing & (np.arange(shape[1])[None, :] < lengths[:, None])
    if gaps.any():
        r, c = np.unravel_index(int(np.argmax(gaps)), shape)
        raise DataError(
            f"{name}, row {rows[r]:,}, column {value_cols[c]!r} is missing but more values "
            "follow; only the end of a shorter series may be empty."
        )
    X = [numbers[r, : lengths[r], None].copy() for r in range(shape[0])]
    return _make_dataset(X, labels.tolist(), ("value",), name=name, limits=limits)


# --------------------------------------------------------------------------- #
# .ts files (UEA / UCR archive)
# --------------------------------------------------------------------------- #
_TS_BOOL_KEYS = ("timestamps", "missing", "univariate", "equallength")


def parse_ts(data, *, name=None, limits=ParseLimits()):
    """Parse a ``.ts`` file of the UEA/UCR time-series classification archive.

    The header (lines starting with ``@``; ``#`` lines are comments) declares
    ``@problemName``, ``@timeStamps``, ``@missing``, ``@univariate``,
    ``@dimensions``, ``@equalLength``, ``@seriesLength`` and
    ``@classLabel true a b c``, and ends with ``@data``.  Each following line
    is one case: channels separated by ``:``, values by ``,``, the class label
    last, e.g. ``1.0,2.0,3.0:0.5,0.1,0.2:walk``.

    ``?`` marks a missing value.  It is an error unless the header says
    ``@missing true``; then each gap is filled by linear interpolation along
    time (ends take the nearest value), and the description says how many.

    Parameters
    ----------
    data : bytes, binary file-like or os.PathLike
        The ``.ts`` file.
    name : str, optional
        File name for messages; defaults to ``data.name`` or ``"upload.ts"``.
    limits : ParseLimits
        Size limits.

    Returns
    -------
    SequenceDataset
        ``X[i]`` has shape ``(length_i, n_channels)``; channels are named
        ``"dim 0"``, ``"dim 1"``, ….

    Raises
    ------
    DataError
        No ``@data``, time-stamped or label-less (regression) files, a case
        with a different number of channels, channels of unequal length within
        a case, a label not declared in ``@classLabel``, non-numeric values,
        ``?`` without ``@missing true``, fewer than 2 classes, limits exceeded.
    """
    name = _resolve_name(data, name, "upload.ts")
    text = _read_text(data, name, limits)
    lines = text.splitlines()
    if len(lines) > limits.max_rows:
        raise DataError(
            f"{name} has {len(lines):,} lines; the limit is max_rows={limits.max_rows:,}."
        )
    header, data_start = {}, None
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("@"):
            raise DataError(
                f"{name}, line {number:,}: expected a header line starting with '@' before "
                f"@data, found {line[:40]!r}."
            )
        key, _, value = line[1:].partition(" ")
        key = key.lower()
        if key == "data":
            data_start = number
            break
        header[key] = (value.strip(), number)
    if data_start is None:
        raise DataError(f"{name} has no @data line; a .ts header must end with @data.")

    flags = {}
    for key in _TS_BOOL_KEYS:
        if key in header:
            value, number = header[key]
            if value.lower() not in ("true", "false"):
                raise DataError(
                    f"{name}, line {number}: @{key} must be true or false, found {value!r}."
                )
            flags[key] = value.lower() == "true"
    if flags.get("timestamps"):
        raise DataError(
            f"{name} uses @timeStamps true; time-stamped .ts files are not supported."
        )
    if "classlabel" not in header:
        raise DataError(
            f"{name} has no @classLabel line; classification needs labelled cases."
        )
    label_value, label_line = header["classlabel"]
    label_parts = label_value.split()
    if not label_parts or label_parts[0].lower() != "true":
        raise DataError(
            f"{name}, line {label_line}: @classLabel is not 'true'; the file has no class "
            "labels (a regression problem?), so it cannot be used for classification."
        )
    declared = label_parts[1:]
    if not declared:
        raise DataError(f"{name}, line {label_line}: @classLabel true lists no labels.")
    declared_set = set(declared)
    n_channels = _ts_int(header, "dimensions", name) or _ts_int(
        header, "dimension", name
    )
    if flags.get("univariate"):
        if n_channels not in (None, 1):
            raise DataError(
                f"{name}: @univariate true contradicts @dimensions {n_channels}."
            )
        n_channels = 1
    series_length = _ts_int(header, "serieslength", name)
    allow_missing = flags.get("missing", False)

    X, y = [], []
    n_filled = 0
    for number in range(data_start + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line or line.startswith("#"):
            continue
        where = f"{name}, line {number:,} (case {len(X) + 1:,})"
        if line.count(":") > limits.max_channels:
            raise DataError(
                f"{where} has more than max_channels={limits.max_channels:,} channels."
            )
        fields = line.split(":")
        if len(fields) < 2:
            raise DataError(
                f"{where}: expected channels separated by ':' and the class label last, "
                f"found no ':'."
            )
        *segments, label = fields
        label = label.strip()
        if n_channels is None:
            n_channels = len(segments)
        if len(segments) != n_channels:
            raise DataError(
                f"{where} has {len(segments)} channels; expected {n_channels} "
                "(from the header or the first case)."
            )
        if label not in declared_set:
            raise DataError(
                f"{where} has class label {label!r}, which @classLabel does not declare "
                f"({', '.join(declared)})."
            )
        channels = []
        for k, segment in enumerate(segments):
            if segment.count(",") + 1 > limits.max_length:
                raise DataError(
                    f"{where}, channel {k + 1} has more than max_length="
                    f"{limits.max_length:,} values."
                )
            values, n_missing = _ts_values(
                segment, where=f"{where}, channel {k + 1}", allow_missing=allow_missing
            )
            n_filled += n_missing
            channels.append(values)
        length = len(channels[0])
        for k, values in enumerate(channels[1:], start=2):
            if len(values) != length:
                raise DataError(
                    f"{where}: channel {k} has {len(values):,} values but channel 1 has "
                    f"{length:,}; the channels of a case must have the same length."
                )
        if flags.get("equallength") and X and length != len(X[0]):
            raise DataError(
                f"{where} has length {length:,} but the first case has {len(X[0]):,} "
                "and the header says @equalLength true."
            )
        if (
            flags.get("equallength")
            and series_length is not None
            and length != series_length
        ):
            raise DataError(
                f"{where} has length {length:,} but the header says @seriesLength "
                f"{series_length:,}."
            )
        X.append(np.column_stack(channels))  # (length, n_channels)
        y.append(label)
    if not X:
        raise DataError(f"{name} has no cases after @data.")
    note = f"; {n_filled:,} missing values interpolated" if n_filled else ""
    return _make_dataset(
        X,
        y,
        [f"dim {k}" for k in range(n_channels)],
        name=name,
        limits=limits,
        note=note,
    )


def _ts_int(header, key, name):
    if key not in header:
        return None
    value, number = header[key]
    try:
        result = int(value)
    except ValueError:
        raise DataError(
            f"{name}, line {number}: @{key} must be a whole number, found {value!r}."
        ) from None
    if result < 1:
        raise DataError(
            f"{name}, line {number}: @{key} must be at least 1, found {result}."
        )
    return result


def _ts_values(segment, *, where, allow_missing):
    """Parse one channel ``"1.0,2.0,?"`` into float64 values (gaps interpolated)."""
    tokens = segment.split(",")
    try:
        values = np.array(tokens, dtype=np.float64)  # fast path: plain numbers
    except ValueError:
        tokens = [t.strip() for t in tokens]
        for j, token in enumerate(tokens):
            if token not in MISSING_TOKENS and not _is_number(token):
                raise DataError(
                    f"{where}, value {j + 1}: expected a number, found {token!r}."
                ) from None
        values = np.array(
            ["nan" if t in MISSING_TOKENS else t for t in tokens], dtype=np.float64
        )
    missing = np.isnan(values)
    if missing.any() and not allow_missing:
        j = int(np.argmax(missing))
        found = tokens[j].strip() or "an empty value"
        raise DataError(
            f"{where}, value {j + 1}: found {found!r} (a missing value) but the header "
            "does not say @missing true."
        )
    infinite = np.isinf(values)
    if infinite.any():
        j = int(np.argmax(infinite))
        raise DataError(
            f"{where}, value {j + 1}: expected a finite number, found {tokens[j].strip()!r}."
        )
    if missing.any():
        if missing.all():
            raise DataError(f"{where} has only missing values.")
        positions = np.arange(len(values))
        values[missing] = np.interp(
            positions[missing], positions[~missing], values[~missing]
        )
    return values, int(missing.sum())


# --------------------------------------------------------------------------- #
# Splitting and combining
# --------------------------------------------------------------------------- #
def _subset(ds, index, what):
    y = ds.y[index]
    classes, counts = np.unique(y, return_counts=True)
    X = [ds.X[i] for i in index]
    name = ds.description.split(":", 1)[0]
    return SequenceDataset(
        X=X,
        y=y,
        classes=classes,
        channel_names=ds.channel_names,
        description=_describe(f"{name} ({what})", X, classes, counts, ds.n_channels),
    )


def split_dataset(ds, test_size=0.25, seed=0):
    """Split a dataset into stratified train and test parts.

    Parameters
    ----------
    ds : SequenceDataset
        The dataset.
    test_size : float in (0, 1), default 0.25
        Fraction of series held out.
    seed : int >= 0 or None, default 0
        Seed of the shuffle (``None``: fresh randomness).

    Returns
    -------
    TrainTest
        ``(train, test)``; every class keeps its proportion.

    Raises
    ------
    DataError
        A class with a single series (named in the message), or a test part
        too small to hold every class.
    """
    test_size = check_number(
        "test_size", test_size, low=0, high=1, low_open=True, high_open=True
    )
    seed = check_seed("seed", seed)
    classes, counts = np.unique(ds.y, return_counts=True)
    if (counts < 2).any():
        lonely = classes[counts < 2][0]
        raise DataError(
            f"Class {_show(lonely)} has only 1 series; a stratified split needs at least 2 per class."
        )
    try:
        train, test = train_test_split(
            np.arange(len(ds.y)), test_size=test_size, random_state=seed, stratify=ds.y
        )
    except ValueError as exc:
        raise DataError(
            f"Cannot split {len(ds.y):,} series of {len(classes)} classes with "
            f"test_size={test_size:g}: {exc}"
        ) from None
    return TrainTest(
        _subset(ds, np.sort(train), "train"), _subset(ds, np.sort(test), "test")
    )


def combine_train_test(train_ds, test_ds):
    """Check that two uploads form a train / test pair and return them.

    Labels are made comparable (both as strings if one file has text labels),
    channel counts must match, and every test class must occur in training.

    Parameters
    ----------
    train_ds, test_ds : SequenceDataset
        Parsed training and test files.

    Returns
    -------
    TrainTest

    Raises
    ------
    DataError
        Different channel counts, or test classes unseen in training.
    """
    if train_ds.n_channels != test_ds.n_channels:
        raise DataError(
            f"The training file has {train_ds.n_channels} channels but the test file has "
            f"{test_ds.n_channels}; they must match."
        )
    if train_ds.y.dtype.kind != test_ds.y.dtype.kind:
        train_ds = _relabel(train_ds, train_ds.y.astype(str))
        test_ds = _relabel(test_ds, test_ds.y.astype(str))
    unseen = np.setdiff1d(test_ds.classes, train_ds.classes)
    if unseen.size:
        raise DataError(
            f"The test file has class{'es' if unseen.size > 1 else ''} "
            f"{', '.join(map(repr, unseen.tolist()))} that the training file does not have."
        )
    if test_ds.channel_names != train_ds.channel_names:
        test_ds = SequenceDataset(
            X=test_ds.X,
            y=test_ds.y,
            classes=test_ds.classes,
            channel_names=train_ds.channel_names,
            description=test_ds.description,
        )
    return TrainTest(train_ds, test_ds)


def _relabel(ds, y):
    return SequenceDataset(
        X=ds.X,
        y=y,
        classes=np.unique(y),
        channel_names=ds.channel_names,
        description=ds.description,
    )
