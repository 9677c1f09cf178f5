"""Labelled sequences: building and describing a :class:`SequenceDataset`."""


import numpy as np

from ...errors import DataError
from ._base import SequenceDataset, _show


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


def _make_dataset(X, labels, channel_names, *, name, limits, note="", times=None):
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
        times=times,
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


