"""The engine: reservoirs, neuron update rules, the state loop, readouts, estimators, metrics.

:mod:`.reservoir` random weights and their spectrum; :mod:`.cells` one update rule per
neuron type; :mod:`.states` the batched loop and pooling; :mod:`.readout` ridge and
pseudo-inverse; :mod:`.estimators` the scikit-learn estimators; :mod:`.metrics`
accuracy, NRMSE, memory capacity, echo-state check; :mod:`.model_io` models as ``.npz``.

Each module's ``__all__`` is re-exported here, lazily (:mod:`lnn_core._lazy`): a module
is imported when one of its names is first used (scikit-learn with the estimators only).
"""

from .. import _lazy

_MODULES = ("cells", "estimators", "metrics", "model_io", "readout", "reservoir", "states")
__getattr__, __dir__, __all__ = _lazy.attach(__name__, _lazy.public_names(__file__, _MODULES), _MODULES)
