"""Official TRAIN/TEST accuracy of the app's classifier on UCR/UEA archive problems.

For every ``NAME_TRAIN.ts`` with its ``NAME_TEST.ts`` in a folder: the
Time series page's default classifier, the classifier tuned on TRAIN alone
(:func:`lnn_core.lab.tune.tune_classifier`), and 1-nearest-neighbour with
the Euclidean distance on the raw series (the archive's baseline; needs
sequences of one length), each fitted on all of TRAIN and scored on TEST::

    python -m lnn_core.lab.archive_eval [--data tests/data/archive] [--n-jobs 1]

prints a Markdown table, one row per problem.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from ..data.parsers import parse_ts
from ..data.standardiser import Standardiser
from ..engine.estimators import EchoStateClassifier
from ..engine.metrics import accuracy
from .tune import tune_classifier

__all__ = ["DEFAULTS", "evaluate_problem", "main"]

#: The Time series page's default classifier (its sidebar's defaults and pooling).
DEFAULTS = {"n_units": 300, "spectral_radius": 0.9, "density": 0.1, "input_scaling": 0.5,
            "bias_scaling": 0.2, "leak_rate": 1.0, "ridge": 1e-4, "random_state": 0,
            "pooling": "mean+last"}
_HEADER = ("| Problem | TRAIN / TEST | Defaults | Tuned (representation) | 1-NN ED | "
           "Seconds (tune + fit) |\n|---|---|---|---|---|---|")


def _test_accuracy(train, test, params):
    standardiser = Standardiser.fit(np.concatenate(train.X))
    model = EchoStateClassifier(**params).fit([standardiser.transform(x) for x in train.X],
                                              train.y)
    return accuracy(test.y, model.predict([standardiser.transform(x) for x in test.X]))


def _nearest_neighbour(train, test):
    """1-NN Euclidean on the raw values, channels concatenated; None for ragged sequences."""
    if len({x.shape for x in (*train.X, *test.X)}) > 1:
        return None
    flat = [np.stack([x.T.ravel() for x in part.X]) for part in (train, test)]
    return KNeighborsClassifier(1).fit(flat[0], train.y).score(flat[1], test.y)


def evaluate_problem(train_path, test_path, n_jobs=1):
    """Scores of one problem.

    Returns
    -------
    dict
        ``name``, ``n_train``, ``n_test``, ``defaults``, ``tuned``, ``tuned_params``,
        ``nearest_neighbour`` (None when the lengths differ) and ``seconds``
        (tuning plus the tuned fit and its predictions).
    """
    train, test = parse_ts(Path(train_path)), parse_ts(Path(test_path))
    start = time.perf_counter()
    tuned = tune_classifier(train, DEFAULTS, n_jobs=n_jobs)
    best = {key: value for key, value in tuned.best.items() if key != "seed"}
    best["random_state"] = tuned.best["seed"]
    tuned_accuracy = _test_accuracy(train, test, best)
    return {"name": Path(train_path).name.removesuffix("_TRAIN.ts"), "n_train": len(train.y),
            "n_test": len(test.y), "defaults": _test_accuracy(train, test, DEFAULTS),
            "tuned": tuned_accuracy, "tuned_params": best,
            "nearest_neighbour": _nearest_neighbour(train, test),
            "seconds": time.perf_counter() - start}


def main(argv=None):
    """Score every problem of a folder and write the Markdown table to standard output."""
    parser = argparse.ArgumentParser(prog="python -m lnn_core.lab.archive_eval",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="tests/data/archive",
                        help="folder holding NAME_TRAIN.ts and NAME_TEST.ts files")
    parser.add_argument("--n-jobs", type=int, default=1, help="reservoirs tuned side by side")
    args = parser.parse_args(argv)
    folder = Path(args.data)
    pairs = [(path, path.with_name(path.name.replace("_TRAIN.ts", "_TEST.ts")))
             for path in sorted(folder.rglob("*_TRAIN.ts"))]
    pairs = [(train, test) for train, test in pairs if test.exists()]
    if not pairs:
        parser.error(f"{folder} holds no NAME_TRAIN.ts file with its NAME_TEST.ts")
    sys.stdout.write(_HEADER + "\n")
    for train, test in pairs:
        row = evaluate_problem(train, test, args.n_jobs)
        nearest = "–" if row["nearest_neighbour"] is None else f"{row['nearest_neighbour']:.3f}"
        sys.stdout.write(f"| {row['name']} | {row['n_train']} / {row['n_test']} | "
                         f"{row['defaults']:.3f} | {row['tuned']:.3f} "
                         f"({row['tuned_params']['pooling']}) | {nearest} | "
                         f"{row['seconds']:.1f} |\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
