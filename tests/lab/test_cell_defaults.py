"""The measurement behind the liquid cells' time defaults: validation splits of training parts."""

import numpy as np

from lnn_core.data import datasets
from lnn_core.engine.cells import CELL_DEFAULTS
from lnn_core.lab import cell_defaults


def test_validation_splits_are_cut_from_the_training_parts_only():
    splits = cell_defaults.validation_splits()
    digits = datasets.load_digits_sequences()
    X_fit, y_fit, X_val, y_val = splits["8x8 digits"]
    assert (len(y_fit), len(y_val)) == (1000, 347)
    train_rows = {row.tobytes() for row in digits.X_train}
    assert all(row.tobytes() in train_rows for row in np.concatenate([X_fit, X_val]))
    assert [len(part) for part in splits["MNIST sample"]] == [3000, 3000, 1000, 1000]


def test_the_grid_holds_the_defaults_and_scores_each_point():
    points = cell_defaults.grid_points()
    assert ("ltc", {"step": CELL_DEFAULTS["ltc"]["step"],
                    "unfolds": CELL_DEFAULTS["ltc"]["unfolds"]}) in points
    assert ("cfc", {"time": CELL_DEFAULTS["cfc"]["time"]}) in points
    data = datasets.load_digits_sequences()
    small = {"digits": (data.X_train[:300], data.y_train[:300], data.X_test[:100], data.y_test[:100])}
    rows = cell_defaults.measure_grid(small, [("ltc", {"step": 0.5, "unfolds": 1}), ("cfc", {"time": 2.0})])
    assert [row["cell"] for row in rows] == ["ltc", "cfc"]
    assert all(0.5 < row["digits"] == row["mean"] <= 1 for row in rows)
