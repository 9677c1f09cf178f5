"""``.ts`` files of the UEA/UCR time-series archive."""


import numpy as np

from ...errors import DataError
from ._base import MISSING_TOKENS, ParseLimits, _read_text, _resolve_name
from ._sequences import _make_dataset
from ._table import _is_number

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
    n_values = text.count(",") + text.count(":") + text.count("\n") + 1  # before splitting
    if n_values > limits.max_cells:
        raise DataError(
            f"{name} holds about {n_values:,} values (counting its commas, colons and lines); "
            f"the limit is max_cells={limits.max_cells:,}."
        )
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


