"""Experiments on digit images: one fit scored, accuracy curves, a drawing read, a model checked.

The numbers behind the MNIST page, as pure functions over arrays.  Images are
read row by row: an image of shape ``(n_rows, n_cols)`` is a sequence of
``n_rows`` time steps of ``n_cols`` pixels, so ``X`` arrays have shape
``(n_images, n_rows, n_cols)`` and labels shape ``(n_images,)``.

* :func:`training_sizes`, :func:`nearest`, :func:`ladder_test_size`,
  :func:`curve_values`: which training-set sizes and parameter values to offer;
* :func:`check_fit_memory`: refuse a fit over the memory budget, before it starts;
* :func:`fit_and_score`: fit an :class:`~lnn_core.EchoStateClassifier` on the
  first ``n_train`` images and score it (a :class:`DigitRun`);
* :func:`accuracy_curve`: train and test accuracy as the training-set size or
  one parameter varies (an :class:`AccuracyCurve`);
* :func:`misclassified`, :func:`results_table`: the test images it got wrong,
  and every prediction as a table;
* :func:`load_classifier`, :func:`check_model`: a saved model file back, and
  how it scores and agrees with another model's predictions;
* :func:`read_drawing`: a canvas drawing preprocessed, scored and read.

Everything is deterministic: the randomness of a model is its
``random_state`` in ``estimator_kwargs``.

>>> from lnn_core.data.datasets import load_digits_sequences
>>> data = load_digits_sequences()
>>> training_sizes(len(data.y_train))
[500, 1000, 1347]
>>> run = fit_and_score(data.X_train, data.y_train, data.X_test, data.y_test,
...                     {"n_units": 100, "random_state": 0}, n_train=1000)
>>> run.test_accuracy > 0.85, run.train_pred.shape, run.test_pred.shape
(True, (1000,), (450,))
"""

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import guard
from .._validation import check_choice, check_int
from ..data.augment import MAX_SHIFT, n_copies, shift_augment
from ..data.digits import preprocess_drawing, preprocess_drawing_8x8
from ..engine.estimators import EchoStateClassifier
from ..engine.metrics import accuracy
from ..engine.model_io import MAX_UNITS, load_model
from ..engine.states import run_states
from ..errors import DataError

__all__ = [
    "CURVE_PARAMETERS",
    "CURVE_VALUES",
    "LADDER_SIZES",
    "MIN_LADDER_TEST",
    "N_SCORED",
    "TRAINING_SIZES",
    "AccuracyCurve",
    "DigitRun",
    "DrawingReading",
    "ModelCheck",
    "accuracy_curve",
    "check_fit_memory",
    "check_model",
    "curve_values",
    "fit_and_score",
    "ladder_test_size",
    "load_classifier",
    "misclassified",
    "nearest",
    "read_drawing",
    "results_table",
    "training_sizes",
]

#: Training-set sizes offered below the full training set.
TRAINING_SIZES = (500, 1000, 2000, 5000, 10000, 20000)
#: Training-set sizes offered for the article's ladder (a pseudo-inverse needs many images).
LADDER_SIZES = (2000, 4000, 10000)
#: Fewest test images the ladder scores on (when the data has them).
MIN_LADDER_TEST = 1000
#: Training images also scored for the train accuracy: a bound on the extra time.
N_SCORED = 2000
#: Values of each parameter an accuracy curve may vary (``EchoStateClassifier`` names).
CURVE_VALUES = {"spectral_radius": (0.1, 0.5, 0.9, 1.2, 1.5), "leak_rate": (0.1, 0.3, 0.6, 1.0),
                "input_scaling": (0.1, 0.25, 0.5, 1.0, 2.0), "n_units": (50, 100, 200, 400, 800),
                "ridge": (1e-8, 1e-6, 1e-4, 1e-2, 1.0)}
#: What an accuracy curve may vary: the training-set size ``"n_train"``, or a parameter.
CURVE_PARAMETERS = ("n_train", *CURVE_VALUES)
#: Row lengths (pixels) of the images a drawing can be turned into: 8×8 digits and MNIST.
_DRAWING_SIDES = {8: preprocess_drawing_8x8, 28: preprocess_drawing}


# ----------------------------------------------------------------------------- choices

def training_sizes(n_available, candidates=TRAINING_SIZES):
    """Training-set sizes to offer: the candidates below ``n_available``, then all of them.

    Parameters
    ----------
    n_available : int >= 1
        Training images in the data.
    candidates : sequence of int >= 1, default :data:`TRAINING_SIZES`

    Returns
    -------
    list of int
        Sorted, without duplicates; always ends with ``n_available``.

    Examples
    --------
    >>> training_sizes(1347)
    [500, 1000, 1347]
    >>> training_sizes(4000, LADDER_SIZES)
    [2000, 4000]
    """
    n_available = check_int("n_available", n_available, low=1)
    sizes = {check_int("candidates", size, low=1) for size in candidates}
    return sorted({size for size in sizes if size < n_available} | {n_available})


def nearest(sizes, target):
    """The value of ``sizes`` closest to ``target`` (the first of a tie).

    Parameters
    ----------
    sizes : non-empty sequence of int
    target : int

    Examples
    --------
    >>> nearest([500, 1000, 1347], 10000)
    1347
    """
    if len(sizes) == 0:
        raise ValueError("sizes must hold at least one value, got an empty sequence")
    return min(sizes, key=lambda size: abs(size - target))


def ladder_test_size(n_train, n_test_available):
    """Test images the ladder scores on: a quarter of ``n_train``, at least 1,000, at most all.

    Parameters
    ----------
    n_train : int >= 1
        Training images of the ladder.
    n_test_available : int >= 1
        Test images in the data.

    Examples
    --------
    >>> ladder_test_size(2000, 10000), ladder_test_size(10000, 10000), ladder_test_size(240, 60)
    (1000, 2500, 60)
    """
    n_train = check_int("n_train", n_train, low=1)
    n_test_available = check_int("n_test_available", n_test_available, low=1)
    return min(n_test_available, max(MIN_LADDER_TEST, n_train // 4))


def curve_values(vary, sizes, n_train):
    """The values an accuracy curve runs over.

    Parameters
    ----------
    vary : str, one of :data:`CURVE_PARAMETERS`
        ``"n_train"`` varies the training-set size, anything else that parameter.
    sizes : sequence of int
        Training-set sizes offered (:func:`training_sizes`).
    n_train : int >= 1
        The chosen training-set size: the largest size of an ``"n_train"``
        curve, and the size of every model of a parameter curve.

    Returns
    -------
    tuple
        ``sizes`` up to ``n_train``, or ``CURVE_VALUES[vary]``.

    Examples
    --------
    >>> curve_values("n_train", [500, 1000, 1347], 1000)
    (500, 1000)
    >>> curve_values("leak_rate", [500, 1000, 1347], 1000)
    (0.1, 0.3, 0.6, 1.0)
    """
    check_choice("vary", vary, CURVE_PARAMETERS)
    n_train = check_int("n_train", n_train, low=1)
    return tuple(size for size in sizes if size <= n_train) if vary == "n_train" \
        else CURVE_VALUES[vary]


# ----------------------------------------------------------------------------- fitting

def _check_images(X, y, what):
    """``X`` of shape (n_images, n_rows, n_cols) and ``y`` of shape (n_images,), else DataError."""
    if getattr(X, "ndim", 0) != 3:
        raise DataError(f"{what} images must be an array of shape (n_images, n_rows, n_cols), "
                        f"got shape {getattr(X, 'shape', None)}")
    if np.shape(y) != (len(X),):
        raise DataError(f"{what} labels must have shape ({len(X)},), one per image, "
                        f"got shape {np.shape(y)}")


def check_fit_memory(X_train, n_train, estimator_kwargs, budget=None, shift=0):
    """Refuse a fit on the first ``n_train`` images whose memory estimate exceeds the budget.

    Parameters
    ----------
    X_train : ndarray of shape (n_images, n_rows, n_cols)
    n_train : int in [1, n_images]
    estimator_kwargs : mapping or iterable of (name, value) pairs
        ``EchoStateClassifier`` parameters; those left out take its defaults.
    budget : int, optional
        Bytes allowed; default :func:`lnn_core.guard.budget_from_env`.
    shift : int in [0, MAX_SHIFT], default 0
        Shifted training copies, as in :func:`fit_and_score`.

    Returns
    -------
    int
        The estimate in bytes (what a job gate admits the fit with).

    Raises
    ------
    lnn_core.guard.ResourceError
        With the estimate, the budget and smaller settings to try.
    ValueError
        ``n_train`` out of range, or a parameter the estimate refuses.
    """
    n_train = check_int("n_train", n_train, low=1, high=len(X_train))
    params = EchoStateClassifier(**dict(estimator_kwargs)).get_params()
    copies = n_copies(shift)
    estimate = guard.estimate_memory(n_train, X_train.shape[1], X_train.shape[2],
                                     params["n_units"], params["pooling"], params["n_points"],
                                     params["bidirectional"], cell=params["cell"], copies=copies)
    what = f"training on {n_train:,} images" + (f" and {n_train * (copies - 1):,} shifted "
                                                 "copies" if shift else "")
    guard.check_budget(estimate, budget, what=what)
    return estimate


@dataclass(frozen=True, eq=False)
class DigitRun:
    """A classifier fitted on digit images, with its predictions and scores.

    Attributes
    ----------
    model : EchoStateClassifier
        Fitted.
    train_pred : ndarray of shape (min(n_train, n_scored),)
        Predictions for the first training images.
    test_pred : ndarray of shape (n_test,)
        Predictions for every test image.
    train_accuracy, test_accuracy : float in [0, 1]
    seconds : float
        Wall time of the fit and both predictions.
    """

    model: EchoStateClassifier
    train_pred: np.ndarray
    test_pred: np.ndarray
    train_accuracy: float
    test_accuracy: float
    seconds: float


def fit_and_score(X_train, y_train, X_test, y_test, estimator_kwargs, *, n_train,
                  n_scored=N_SCORED, shift=0, progress=None):
    """Fit a classifier on the first ``n_train`` images, then score it on both sets.

    The train accuracy is measured on the first ``min(n_train, n_scored)``
    training images only (never their shifted copies), which bounds the
    extra time on large sets.

    Parameters
    ----------
    X_train : ndarray of shape (n_images, n_rows, n_cols)
        Each image is read as ``n_rows`` time steps of ``n_cols`` pixels.
    y_train : ndarray of shape (n_images,)
    X_test : ndarray of shape (n_test, n_rows, n_cols)
    y_test : ndarray of shape (n_test,)
    estimator_kwargs : mapping or iterable of (name, value) pairs
        ``EchoStateClassifier`` parameters (a sorted tuple of pairs caches well).
    n_train : int in [1, n_images]
    n_scored : int >= 1, default :data:`N_SCORED`
    shift : int in [0, MAX_SHIFT], default 0
        Also fit on copies of the training images shifted by 1 to ``shift``
        pixels up, down, left and right
        (:func:`lnn_core.data.augment.shift_augment`: ``1 + 4 * shift`` times
        the sequences; :data:`lnn_core.lab.article.FAST_97_SHIFT` is 1).
        Making the copies counts in ``seconds``.
    progress : callable ``(done, total)``, optional
        Three counts in a row: the training sequences while their states are
        collected (the readout is solved after it reaches its total), the
        ``n_scored`` training images scored, then the test images.

    Returns
    -------
    DigitRun

    Raises
    ------
    DataError
        Images not of shape (n_images, n_rows, n_cols) or labels not one per image.
    ValueError
        ``n_train`` or ``n_scored`` out of range, or a bad estimator parameter.
    """
    _check_images(X_train, y_train, "training")
    _check_images(X_test, y_test, "test")
    n_train = check_int("n_train", n_train, low=1, high=len(X_train))
    n_scored = min(n_train, check_int("n_scored", n_scored, low=1))
    shift = check_int("shift", shift, low=0, high=MAX_SHIFT)
    start = time.perf_counter()
    model = EchoStateClassifier(**dict(estimator_kwargs))
    X_fit, y_fit = X_train[:n_train], y_train[:n_train]
    if shift:
        X_fit, y_fit = shift_augment(X_fit, y_fit, shift)     # (n_train * (1 + 4 shift), ...)
    model.fit(X_fit, y_fit, progress=progress)
    del X_fit, y_fit
    train_pred = model.predict(X_train[:n_scored], progress=progress)      # (n_scored,)
    test_pred = model.predict(X_test, progress=progress)                   # (n_test,)
    return DigitRun(model, train_pred, test_pred, accuracy(y_train[:n_scored], train_pred),
                    accuracy(y_test, test_pred), time.perf_counter() - start)


@dataclass(frozen=True, eq=False)
class AccuracyCurve:
    """Train and test accuracy of one model per value of ``vary``.

    Attributes
    ----------
    vary : str
        ``"n_train"`` or a parameter name (:data:`CURVE_PARAMETERS`).
    values : tuple of shape (n_values,)
    train_accuracy, test_accuracy : ndarray of shape (n_values,), float in [0, 1]
    """

    vary: str
    values: tuple
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray


def accuracy_curve(X_train, y_train, X_test, y_test, estimator_kwargs, vary, values, *, n_train,
                   n_scored=N_SCORED, shift=0, progress=None):
    """Fit one classifier per value of ``vary`` and score each (:func:`fit_and_score`).

    Parameters
    ----------
    X_train, y_train, X_test, y_test : as for :func:`fit_and_score`
    estimator_kwargs : mapping or iterable of (name, value) pairs
        Parameters of every model; ``vary`` overrides one of them.
    vary : str, one of :data:`CURVE_PARAMETERS`
    values : sequence, non-empty
        Training-set sizes in [1, n_images] for ``"n_train"``, else values of
        that parameter (:func:`curve_values`).
    n_train : int in [1, n_images]
        Training-set size of every model of a parameter curve.
    n_scored : int >= 1, default :data:`N_SCORED`
    shift : int in [0, MAX_SHIFT], default 0
        Shifted training copies of every model, as in :func:`fit_and_score`.
    progress : callable ``(done, total)``, optional
        Called after each model, with ``total = len(values)``.

    Returns
    -------
    AccuracyCurve
    """
    check_choice("vary", vary, CURVE_PARAMETERS)
    values = tuple(values)
    if not values:
        raise ValueError("values must hold at least one value, got an empty sequence")
    base = dict(estimator_kwargs)
    train_scores, test_scores = [], []
    for done, value in enumerate(values, start=1):
        size, kwargs = (value, base) if vary == "n_train" else (n_train, base | {vary: value})
        run = fit_and_score(X_train, y_train, X_test, y_test, kwargs, n_train=size,
                            n_scored=n_scored, shift=shift)
        train_scores.append(run.train_accuracy)
        test_scores.append(run.test_accuracy)
        if progress is not None:
            progress(done, len(values))
    return AccuracyCurve(vary, values, np.array(train_scores), np.array(test_scores))


# ----------------------------------------------------------------------------- results

def misclassified(y_true, y_pred):
    """Indices of the wrong predictions, in order.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_wrong,), int

    Examples
    --------
    >>> misclassified([1, 2, 3, 4], [1, 0, 3, 0])
    array([1, 3])
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-d and of one shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    return np.flatnonzero(y_true != y_pred)


def results_table(y_true, y_pred):
    """Every test image's true and predicted label, indexed by ``test_image``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)

    Returns
    -------
    pandas.DataFrame
        Columns ``true`` and ``predicted``; ``df.to_csv()`` writes
        ``test_image,true,predicted`` rows.
    """
    misclassified(y_true, y_pred)                       # the same shape checks
    return pd.DataFrame({"true": y_true, "predicted": y_pred}).rename_axis("test_image")


# ----------------------------------------------------------------------------- saved models

def load_classifier(data, *, max_units=MAX_UNITS):
    """A digit classifier from a file saved by :func:`lnn_core.engine.model_io.save_model`.

    Parameters
    ----------
    data : bytes, path or binary file
        As for :func:`~lnn_core.engine.model_io.load_model`.
    max_units : int >= 1, default :data:`~lnn_core.engine.model_io.MAX_UNITS`
        Most neurons accepted, checked before any array is read.

    Returns
    -------
    EchoStateClassifier

    Raises
    ------
    DataError
        Not a Liquid Lab model file, more than ``max_units`` neurons, or a
        time-series regressor.
    """
    model = load_model(data, max_units=max_units)
    if not isinstance(model, EchoStateClassifier):
        raise DataError("this file holds a time-series regressor, not a digit classifier")
    return model


@dataclass(frozen=True, eq=False)
class ModelCheck:
    """A model's score on a test set, and its agreement with reference predictions.

    Attributes
    ----------
    predictions : ndarray of shape (n_test,)
    test_accuracy : float in [0, 1]
    n_same : int or None
        Test images where ``predictions`` equal the reference; ``None`` without one.
    """

    predictions: np.ndarray
    test_accuracy: float
    n_same: int | None


def check_model(model, X_test, y_test, reference_pred=None):
    """Score a fitted classifier on a test set and count agreement with ``reference_pred``.

    Parameters
    ----------
    model : fitted EchoStateClassifier
    X_test : ndarray of shape (n_test, n_rows, n_cols)
    y_test : ndarray of shape (n_test,)
    reference_pred : ndarray of shape (n_test,), optional
        Another model's predictions on the same images.

    Returns
    -------
    ModelCheck
    """
    _check_images(X_test, y_test, "test")
    predictions = model.predict(X_test)
    if reference_pred is None:
        return ModelCheck(predictions, accuracy(y_test, predictions), None)
    reference_pred = np.asarray(reference_pred)
    if reference_pred.shape != predictions.shape:
        raise ValueError(f"reference_pred must have shape {predictions.shape}, one label per "
                         f"test image, got {reference_pred.shape}")
    return ModelCheck(predictions, accuracy(y_test, predictions),
                      int(np.sum(predictions == reference_pred)))


# ----------------------------------------------------------------------------- drawings

@dataclass(frozen=True, eq=False)
class DrawingReading:
    """A drawing as the model reads it.

    Attributes
    ----------
    image : ndarray of shape (n_rows, n_cols), float32 in [0, 1]
        The drawing preprocessed like the training images (8×8 or 28×28).
    scores : ndarray of shape (n_classes,)
        Readout output of each class, ``features @ coef_ + intercept_``.
    label : object
        The class with the largest score.
    states : ndarray of shape (n_rows, n_units)
        Reservoir state after each row.
    """

    image: np.ndarray
    scores: np.ndarray
    label: object
    states: np.ndarray


def read_drawing(model, rgba):
    """Preprocess a canvas drawing for ``model``, then score it and run its states.

    A model of 8-pixel rows (scikit-learn's 8×8 digits) sees the drawing
    through :func:`~lnn_core.data.digits.preprocess_drawing_8x8`; a model of
    28-pixel rows (MNIST) through :func:`~lnn_core.data.digits.preprocess_drawing`.

    Parameters
    ----------
    model : fitted EchoStateClassifier
        With ``n_inputs_`` 8 or 28.
    rgba : ndarray of shape (height, width, 4) or (height, width, 3), uint8
        The canvas image.

    Returns
    -------
    DrawingReading

    Raises
    ------
    DataError
        ``"draw a digit first"`` for a drawing without ink.
    ValueError
        ``model`` reads rows of another length than 8 or 28 pixels.
    """
    preprocess = _DRAWING_SIDES.get(model.n_inputs_)
    if preprocess is None:
        raise ValueError(f"model.n_inputs_ must be one of {sorted(_DRAWING_SIDES)} (pixels per "
                         f"row of 8×8 or 28×28 images) to read a drawing, got {model.n_inputs_}")
    image = preprocess(rgba)                                            # (n_rows, n_cols)
    scores = (model.transform_states(image[None]) @ model.coef_ + model.intercept_)[0]
    return DrawingReading(image, scores, model.classes_[np.argmax(scores)],
                          run_states(model.reservoir_, image))
