"""Reservoir parameters: the dataclass, their limits and labels, their form in a URL, and
the reservoir they build (shared across sessions).

Each page's own settings (kept values, sources, reset, links) are in
:mod:`pages._ui.page_settings`; the sidebar's widgets in :mod:`pages._ui.controls`.
"""

import math
from dataclasses import asdict, dataclass, fields
from datetime import timedelta

import streamlit as st

import lnn_core


@dataclass(frozen=True)
class ReservoirParams:
    """Parameters of one reservoir and its ridge readout (hashable, cache-friendly).

    Attributes
    ----------
    n_units : int in [10, 2000]
    spectral_radius : float in [0, 2]
    density : float in [0.01, 1]
    input_scaling : float in [0, 5]
    bias_scaling : float in [0, 2]
    leak_rate : float in [0.01, 1]
    ridge : float in [1e-8, 1]
        Readout penalty (not part of the reservoir itself).
    seed : int in [0, 9999]
    cell : {"esn", "ltc", "cfc"}
    """

    n_units: int = 300
    spectral_radius: float = 0.9
    density: float = 0.1
    input_scaling: float = 0.5
    bias_scaling: float = 0.2
    leak_rate: float = 1.0
    ridge: float = 1e-4
    seed: int = 0
    cell: str = "esn"

    def reservoir_kwargs(self):
        """Keyword arguments of ``lnn_core.make_reservoir`` (all but ``n_inputs``)."""
        kwargs = asdict(self)
        del kwargs["ridge"]
        return kwargs

    def estimator_kwargs(self):
        """Keyword arguments of ``EchoStateClassifier`` / ``EchoStateRegressor``."""
        kwargs = asdict(self)
        kwargs["random_state"] = kwargs.pop("seed")
        return kwargs

    def as_dict(self):
        """Plain dict of every parameter (for tables, JSON and ``record_run``)."""
        return asdict(self)


@dataclass(frozen=True)
class _Spec:
    """How one parameter is shown and read from the URL."""

    label: str
    help: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()


#: Ridge penalties the slider offers: 1 and 3 per decade, 1e-8 .. 1 (the tuned 0.03 is one).
RIDGE_OPTIONS = tuple(float(f"{m}e{k}") for k in range(-8, 1) for m in (1, 3))[:-1]


#: Label of each of ``lnn_core.CELLS``, in its order (literal: the first page of a fresh
#: server imports this module, and ``lnn_core.CELLS`` would load NumPy and SciPy).
CELL_LABELS = {"esn": "Echo-state (leaky tanh)", "ltc": "Liquid time-constant (LTC)",
               "cfc": "Closed-form continuous (CfC)"}


_SPECS = {
    "n_units": _Spec("Number of neurons", "Size of the reservoir. More neurons give more "
                     "features and memory but cost time (n_units).", 10, 2000, 10),
    "spectral_radius": _Spec("Spectral radius", "Largest |eigenvalue| of the recurrent "
                             "weights: how strongly the state feeds back on itself. Larger "
                             "values keep old inputs longer, until the state churns on its "
                             "own; whether the network forgets its start depends on the "
                             "input too, and the Reservoir page measures it "
                             "(spectral_radius).", 0.0, 2.0, 0.01),
    "density": _Spec("Connection density", "Fraction of the recurrent weights that are "
                     "nonzero (density).", 0.01, 1.0, 0.01),
    "input_scaling": _Spec("Input scaling", "Input weights are uniform in ±input_scaling: "
                           "how hard the input drives the neurons.", 0.0, 5.0, 0.05),
    "bias_scaling": _Spec("Bias scaling", "Biases are uniform in ±bias_scaling; they break "
                          "the symmetry of tanh.", 0.0, 2.0, 0.05),
    "leak_rate": _Spec("Leak rate", "ESN: fraction of each neuron's state replaced per step. "
                       "LTC and CfC: fraction of each sample's elapsed time they integrate over. "
                       "Small values make slow, smooth neurons (leak_rate).", 0.01, 1.0, 0.01),
    "ridge": _Spec("Ridge penalty", "Regularisation of the linear readout: larger is "
                   "smoother and more robust, smaller fits closer (ridge).",
                   options=RIDGE_OPTIONS),
    "seed": _Spec("Seed", "Seed of every random weight: the same seed gives the same "
                  "reservoir (seed).", 0, 9999, 1),
    "cell": _Spec("Neuron type", "Update rule of each neuron (cell).",
                  options=tuple(CELL_LABELS)),
}


#: Parameter names, in the order the controls appear.
PARAM_NAMES = tuple(f.name for f in fields(ReservoirParams))


#: Parameters kept visible in presenter mode; the others are folded away.
PRESENTER_PARAMS = ("n_units", "spectral_radius", "leak_rate")


_DEFAULTS = ReservoirParams()


def nearest_ridge(value):
    """The slider's ridge option nearest to ``value`` on a log scale (0 goes to the smallest)."""
    return min(RIDGE_OPTIONS, key=lambda r: abs(math.log10(r / max(value, 1e-12))))


def format_ridge(value):
    """Ridge penalty as the slider shows it: ``1e-04``, ``3e-02``."""
    return f"{value:.0e}"


def _allowed(name):
    """Sentence fragment naming the allowed values of a parameter."""
    spec = _SPECS[name]
    if spec.options:
        return "one of " + ", ".join(_to_url(name, v) for v in spec.options)
    kind = "an integer" if isinstance(getattr(_DEFAULTS, name), int) else "a number"
    return f"{kind} from {spec.low:g} to {spec.high:g}"


def _to_url(name, value):
    """Text of a parameter value in the URL."""
    return str(value) if isinstance(value, (int, str)) else f"{value:g}"


def _from_url(name, text):
    """Value of a URL parameter, or ``None`` if it is not allowed."""
    spec, default = _SPECS[name], getattr(_DEFAULTS, name)
    if isinstance(default, str):
        return text if text in spec.options else None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if spec.options:
        return next((o for o in spec.options if math.isclose(o, value, rel_tol=1e-6)), None)
    if isinstance(default, int):
        if value != int(value):
            return None
        value = int(value)
    return value if spec.low <= value <= spec.high else None


def _is_default(name, value):
    default = getattr(_DEFAULTS, name)
    if isinstance(default, str):
        return value == default
    return math.isclose(value, default, rel_tol=1e-9, abs_tol=1e-12)


# ttl as a timedelta: Streamlit reads a string such as "1h" with pandas, 1 CPU-s at import
@st.cache_resource(max_entries=8, ttl=timedelta(hours=1), show_spinner="Building the reservoir…")
def _build_reservoir(n_inputs, n_units, spectral_radius, density, input_scaling,
                     bias_scaling, leak_rate, seed, cell):
    return lnn_core.make_reservoir(n_units, n_inputs, spectral_radius=spectral_radius,
                                   density=density, input_scaling=input_scaling,
                                   bias_scaling=bias_scaling, leak_rate=leak_rate,
                                   seed=seed, cell=cell)


def cached_reservoir(params, n_inputs=1):
    """``lnn_core.make_reservoir`` for ``params``, shared across sessions.

    The arrays are read-only, so one object serves every viewer; moving only
    ``spectral_radius`` reuses the engine's cached spectrum (a rescale, ~10 ms).
    """
    return _build_reservoir(n_inputs, **params.reservoir_kwargs())
