"""The engine: reservoirs, neuron update rules, the state loop, readouts, estimators, metrics.

:mod:`.reservoir` random weights and their spectrum; :mod:`.cells` one update rule per
neuron type; :mod:`.states` the batched loop and pooling; :mod:`.readout` ridge and
pseudo-inverse; :mod:`.estimators` the scikit-learn estimators; :mod:`.metrics`
accuracy, NRMSE, memory capacity, echo-state check; :mod:`.model_io` models as ``.npz``.
"""

from . import cells, estimators, metrics, model_io, readout, reservoir, states
from .cells import *  # noqa: F403  (each module's __all__ is its public face)
from .estimators import *  # noqa: F403  (each module's __all__ is its public face)
from .metrics import *  # noqa: F403  (each module's __all__ is its public face)
from .model_io import *  # noqa: F403  (each module's __all__ is its public face)
from .readout import *  # noqa: F403  (each module's __all__ is its public face)
from .reservoir import *  # noqa: F403  (each module's __all__ is its public face)
from .states import *  # noqa: F403  (each module's __all__ is its public face)

__all__ = [*cells.__all__, *estimators.__all__, *metrics.__all__, *model_io.__all__, *readout.__all__, *reservoir.__all__, *states.__all__]
