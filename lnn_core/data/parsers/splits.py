"""Train/test splits of labelled sequences, and combining an official TRAIN and TEST file."""


import numpy as np
from sklearn.model_selection import train_test_split

from ..._validation import check_number, check_seed
from ...errors import DataError
from ._base import SequenceDataset, TrainTest, _show
from ._sequences import _describe


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
        times=None if ds.times is None else [ds.times[i] for i in index],
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
