"""How the liquid cells' time defaults were picked: a small grid on validation splits.

The LTC's ``step`` (time per sample) and ``unfolds`` (solver steps per sample)
and the CfC's ``time`` (time per sample) are scored with the app's shared
defaults (300 units, spectral radius 0.9, density 0.1, input scaling 0.5, bias
scaling 0.2, leak 1, ridge 1e-4, ``mean+last`` pooling, seed 0) on two
validation splits cut from *training* parts only, never from a test split:

* the 8x8 digits' 1,347 training images: 1,000 fit / 347 validation;
* the offline MNIST sample's 4,000 training images: 3,000 fit / 1,000 validation.

Both splits are stratified with seed 0.  Run ``python -m lnn_core.lab.cell_defaults``
to print the table; :data:`lnn_core.engine.cells.CELL_DEFAULTS` states the result.
"""

import time

import numpy as np
from sklearn.model_selection import train_test_split

from ..data import datasets
from ..engine.estimators import EchoStateClassifier

__all__ = [
    "CFC_GRID",
    "LTC_GRID",
    "SHARED",
    "grid_points",
    "measure_grid",
    "validation_splits",
]

#: The app's shared defaults (pages/_ui/params.py's ``ReservoirParams``) as estimator arguments.
SHARED = {"n_units": 300, "spectral_radius": 0.9, "density": 0.1, "input_scaling": 0.5,
          "bias_scaling": 0.2, "leak_rate": 1.0, "ridge": 1e-4, "random_state": 0}
#: LTC options tried: every ``step`` with every ``unfolds``.
LTC_GRID = {"step": (0.25, 0.5, 1.0, 2.0), "unfolds": (1, 3, 6)}
#: CfC options tried.
CFC_GRID = {"time": (0.5, 1.0, 2.0, 4.0, 8.0)}


def validation_splits():
    """The two fit/validation splits, each cut from a training part.

    Returns
    -------
    dict of str to tuple
        ``name -> (X_fit, y_fit, X_val, y_val)``, images of shape (n, rows, columns).
    """
    splits = {}
    for name, data, n_val in (("8x8 digits", datasets.load_digits_sequences(), 347),
                              ("MNIST sample", datasets.load_mnist("sample"), 1000)):
        X_fit, X_val, y_fit, y_val = train_test_split(
            data.X_train, data.y_train, test_size=n_val, stratify=data.y_train, random_state=0)
        splits[name] = (X_fit, y_fit, X_val, y_val)
    return splits


def grid_points():
    """Every ``(cell, cell_options)`` scored, the ESN first as the reference.

    Returns
    -------
    list of tuple of (str, dict)
    """
    points = [("esn", {})]
    points += [("ltc", {"step": step, "unfolds": unfolds})
               for step in LTC_GRID["step"] for unfolds in LTC_GRID["unfolds"]]
    points += [("cfc", {"time": value}) for value in CFC_GRID["time"]]
    return points


def measure_grid(splits=None, points=None, progress=None):
    """Validation accuracy of each grid point on each split.

    Parameters
    ----------
    splits : dict, optional
        From :func:`validation_splits` (the default).
    points : list of (str, dict), optional
        From :func:`grid_points` (the default).
    progress : callable, optional
        ``progress(done, total)`` in fits.

    Returns
    -------
    list of dict
        One row per point: ``cell``, ``options``, the accuracy on each split
        (keyed by its name), their ``mean`` and the ``seconds`` of its fits.
    """
    splits = validation_splits() if splits is None else splits
    points = grid_points() if points is None else points
    rows = []
    for i, (cell, options) in enumerate(points):
        start = time.perf_counter()
        row = {"cell": cell, "options": dict(options)}
        for name, (X_fit, y_fit, X_val, y_val) in splits.items():
            model = EchoStateClassifier(**SHARED, cell=cell, cell_options=dict(options))
            row[name] = float(model.fit(X_fit, y_fit).score(X_val, y_val))
        row["mean"] = float(np.mean([row[name] for name in splits]))
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
        if progress is not None:
            progress(i + 1, len(points))
    return rows


if __name__ == "__main__":
    names = list(validation_splits())
    print("cell  options                      " + "  ".join(f"{n:>12}" for n in names)
          + "        mean  seconds")
    for result in measure_grid():
        options = ", ".join(f"{k}={v:g}" for k, v in result["options"].items())
        print(f"{result['cell']:<5} {options:<28} "
              + "  ".join(f"{result[n]:>12.3f}" for n in names)
              + f"  {result['mean']:>10.3f}  {result['seconds']:>7.1f}", flush=True)
