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
with :mod:`lnn_core.data.mnist`.

One module per format: :mod:`.forecast_csv`, :mod:`.long_csv`, :mod:`.wide_csv`,
:mod:`.ts`; shared pieces in :mod:`._base` and :mod:`._table`; splits in :mod:`.splits`.
"""

from ._base import (
    ForecastTable,
    ParseLimits,
    SequenceDataset,
    TrainTest,
    decode_text,
    read_bytes,
)
from .forecast_csv import parse_forecast_csv, prepare_series
from .long_csv import parse_long_csv
from .splits import combine_train_test, split_dataset
from .ts import parse_ts
from .wide_csv import parse_wide_csv

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
