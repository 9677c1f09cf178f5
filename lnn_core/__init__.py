"""Liquid Lab engine: reservoirs, liquid neurons, readouts and diagnostics.

Pure Python over NumPy/SciPy/scikit-learn; never imports Streamlit.

>>> import lnn_core
>>> res = lnn_core.make_reservoir(50, 1, spectral_radius=0.9, seed=0)
>>> res.W.shape, res.W_in.shape
((50, 50), (50, 1))
"""

from .engine.cells import CELL_DEFAULTS
from .engine.estimators import EchoStateClassifier, EchoStateRegressor
from .engine.metrics import (accuracy, confusion_matrix, echo_state_check, echo_state_edge,
                             memory_capacity, nrmse, valid_time)
from .engine.readout import RidgeAccumulator, pinv_readout, ridge_solve
from .engine.reservoir import CELLS, Reservoir, make_reservoir
from .engine.states import POOLINGS, collect_features, run_states
from .errors import DataError

__all__ = [
    "CELLS", "CELL_DEFAULTS", "POOLINGS", "DataError", "EchoStateClassifier",
    "EchoStateRegressor", "Reservoir", "RidgeAccumulator", "accuracy", "collect_features",
    "confusion_matrix", "echo_state_check", "echo_state_edge", "make_reservoir", "memory_capacity", "nrmse",
    "pinv_readout", "ridge_solve", "run_states", "valid_time",
]
