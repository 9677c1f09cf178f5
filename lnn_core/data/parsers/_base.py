"""Shared pieces of the parsers: limits, result types, reading bytes and text."""

import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..._validation import check_int
from ...errors import DataError

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
    max_cells : int, default 10,000,000
        Cells a file may hold, estimated from its bytes before anything is
        parsed.  A CSV counts ``(data lines + 1,000) x columns of its first
        line``: each column counts 1,000 cells more for the fixed cost of
        parsing it (pandas handles every column on its own, so 100,000
        columns take minutes even with few rows).  A ``.ts`` file counts its
        values (the commas and colons of its data lines, plus one per line).
        The default admits a 50 MB table of 1,000 columns (about 400 MB
        while parsed) and refuses a 50 MB table of 10,000.

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
    max_cells: int = 10_000_000

    def __post_init__(self):
        for name in (
            "max_bytes",
            "max_rows",
            "max_series",
            "max_length",
            "max_channels",
            "max_cells",
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
    times : list of ndarray of shape (length_i,), or None
        The time of each step, increasing strictly (float64 numbers, or int64
        nanoseconds since 1970 for dates), when the file has a time column.
    """

    X: list
    y: np.ndarray
    classes: np.ndarray
    channel_names: tuple
    description: str
    times: list | None = None

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


