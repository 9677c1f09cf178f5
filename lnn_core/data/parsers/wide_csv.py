"""Wide classification tables (UCR style): one row per series, the label then the values."""


import numpy as np

from ...errors import DataError
from ._base import _LABEL_NAMES, _LABEL_WORDS, ParseLimits, _read_text, _resolve_name
from ._sequences import _make_dataset, _pick_role
from ._table import _convert, _looks_like_header, _raise_cell, _read_table


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


