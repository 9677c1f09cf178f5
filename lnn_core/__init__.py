"""Liquid Lab engine: reservoirs, liquid neurons, readouts and diagnostics.

Pure Python over NumPy/SciPy/scikit-learn; never imports Streamlit.

Subpackages by concern: :mod:`.engine` (reservoirs, neuron update rules, the state
loop, readouts, estimators, metrics), :mod:`.data` (MNIST, built-in series, upload
parsers), :mod:`.lab` (the experiments the pages run), :mod:`.figures` (Plotly
builders), :mod:`.sweep` (hyperparameter searches); :mod:`.guard` (memory budgets)
and :mod:`.bench` (the benchmark) beside them.

The names below are re-exported lazily (:mod:`._lazy`): ``import lnn_core`` loads no
NumPy, SciPy or scikit-learn until a name is first used, so the app shows its first
page before the engine's libraries are loaded.

>>> import lnn_core
>>> res = lnn_core.make_reservoir(50, 1, spectral_radius=0.9, seed=0)
>>> res.W.shape, res.W_in.shape
((50, 50), (50, 1))
"""

from . import _lazy

__getattr__, __dir__, __all__ = _lazy.attach(__name__, {
    "engine.cells": ("CELL_DEFAULTS",),
    "engine.estimators": ("EchoStateClassifier", "EchoStateRegressor"),
    "engine.metrics": ("accuracy", "confusion_matrix", "echo_state_check", "echo_state_edge",
                       "memory_capacity", "nrmse", "valid_time"),
    "engine.readout": ("RidgeAccumulator", "pinv_readout", "ridge_solve"),
    "engine.reservoir": ("CELLS", "Reservoir", "make_reservoir"),
    "engine.states": ("POOLINGS", "collect_features", "run_states"),
    "errors": ("DataError",),
}, submodules=("bench", "data", "engine", "errors", "figures", "guard", "lab", "sweep"))
