"""The engine: reservoirs, neuron update rules, the state loop, readouts, estimators, metrics.

:mod:`.reservoir` random weights and their spectrum; :mod:`.cells` one update rule per
neuron type; :mod:`.states` the batched loop and pooling; :mod:`.readout` ridge and
pseudo-inverse; :mod:`.estimators` the scikit-learn estimators; :mod:`.metrics`
accuracy, NRMSE, memory capacity, echo-state check; :mod:`.model_io` models as ``.npz``.
"""

from .cells import (
    CELL_DEFAULTS,
    CellKernel,
    cfc_step,
    esn_step,
    kernel_for,
    ltc_effective_tau,
    ltc_step,
    make_cell_params,
)
from .estimators import EchoStateClassifier, EchoStateRegressor
from .metrics import (
    EchoStateCheck,
    MemoryCapacity,
    accuracy,
    confusion_matrix,
    echo_state_check,
    memory_capacity,
    nrmse,
    state_swing,
    valid_time,
)
from .model_io import (
    FORMAT_VERSION,
    MAX_MODEL_BYTES,
    ModelFile,
    load_model,
    load_model_file,
    save_model,
)
from .readout import RidgeAccumulator, dual_ridge, pinv_readout, ridge_solve
from .reservoir import (
    CELLS,
    RADIUS_RTOL,
    Reservoir,
    certified_radius,
    make_reservoir,
    unscaled_recurrent,
    unscaled_spectrum,
)
from .states import (
    POOLINGS,
    as_sequences,
    collect_features,
    stream_features,
    default_chunk_size,
    n_features,
    run_states,
    single_threaded_blas,
)

__all__ = [
    "Reservoir",
    "make_reservoir",
    "unscaled_recurrent",
    "CELLS",
    "RADIUS_RTOL",
    "certified_radius",
    "unscaled_spectrum",
    "CellKernel",
    "make_cell_params",
    "kernel_for",
    "esn_step",
    "ltc_step",
    "cfc_step",
    "ltc_effective_tau",
    "CELL_DEFAULTS",
    "POOLINGS",
    "collect_features",
    "stream_features",
    "run_states",
    "as_sequences",
    "n_features",
    "single_threaded_blas",
    "default_chunk_size",
    "RidgeAccumulator",
    "ridge_solve",
    "dual_ridge",
    "pinv_readout",
    "EchoStateClassifier",
    "EchoStateRegressor",
    "accuracy",
    "confusion_matrix",
    "nrmse",
    "echo_state_check",
    "EchoStateCheck",
    "memory_capacity",
    "MemoryCapacity",
    "valid_time",
    "state_swing",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
    "ModelFile",
    "load_model",
    "load_model_file",
    "save_model",
]
