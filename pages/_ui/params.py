"""Shared UI helpers of Liquid Lab's pages: the only Streamlit code the pages share.

API
---
``PAGES``, ``available_pages()``
    The page table (path, title, icon, url_path) in menu order, and the rows
    whose file exists; ``app.py`` routes over it and Home links to it.
``ReservoirParams``
    Frozen dataclass of the reservoir and readout parameters, with
    ``.reservoir_kwargs()`` (for ``lnn_core.make_reservoir``) and
    ``.estimator_kwargs()`` (for ``EchoStateClassifier`` / ``EchoStateRegressor``).
``reservoir_controls(*, show=PARAM_NAMES, container=st.sidebar, key_prefix="")``
    Widgets for the parameters in ``show``; returns a ``ReservoirParams``.
    Values live in the URL query string (defaults omitted), so a link
    reproduces the view; a bad URL value is ignored with a warning.
``apply_preset(values)``
    ``on_click`` callback that sets parameters (before the widgets exist).
``cached_reservoir(params, n_inputs=1)``
    ``lnn_core.make_reservoir`` cached at the edge (read-only arrays).
``shared_sidebar()``, ``presenter_mode()``, ``figure_height()``, ``style_figure(fig)``
    Presenter mode (sidebar toggle or URL flag ``presenter=1``): larger
    fonts and figures, advanced controls folded.
``guarded(hint=None)``
    Context manager: bad input or any failure becomes an ``st.error`` sentence,
    never a traceback.
``record_run(kind, data, params, metrics, seconds, curves=None)``
    Appends a run to ``st.session_state["runs"]`` for the Runs page.
``progress_callback(label)``
    ``(callback(done, total), finish())`` driving one ``st.progress`` bar.
``download_params_button(params, file_name)``
    A JSON download of parameters.
``tune_server_process()``
    Once per server process: BLAS on one thread, and a ``malloc`` that
    returns freed memory (``app.py`` calls it).
"""

import json
import runpy
import math
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import streamlit as st
from threadpoolctl import threadpool_limits

import lnn_core
from lnn_core.guard import ResourceError, tune_allocator

# ----------------------------------------------------------------------------- pages

#: (path, title, icon, url_path) of every page, in menu order; url_path None = default page.
PAGES = (
    ("pages/home.py", "Home", ":material/home:", None),
    ("pages/reservoir.py", "Reservoir", ":material/blur_on:", "reservoir"),
    ("pages/dynamics.py", "Dynamics", ":material/waves:", "dynamics"),
    ("pages/mnist.py", "MNIST", ":material/draw:", "mnist"),
    ("pages/timeseries.py", "Time series", ":material/show_chart:", "timeseries"),
    ("pages/liquid.py", "Liquid neurons", ":material/water_drop:", "liquid"),
    ("pages/sweep.py", "Sweep", ":material/grid_on:", "sweep"),
    ("pages/runs.py", "Runs", ":material/history:", "runs"),
)
_ROOT = Path(__file__).resolve().parent.parent


def route_through_app():
    """Route a page opened from a link on a fresh server through ``app.py``.

    Because the views live in a folder named ``pages/``, a fresh Streamlit
    server starts in its older multipage mode: a shared link straight to a
    page (``/reservoir?spectral_radius=1.2``) would run that page alone,
    without the router's sidebar and page list, until ``/`` was opened once.
    ``st.navigation`` switches that mode off process-wide when it first runs;
    this does the same when a page runs first, then runs the router, which
    picks the same page from the URL, and stops the page's own run.  Every
    page calls it first.  Called once, when this module is first imported.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(_ROOT / "app.py"), run_name="__main__")
        st.stop()


def available_pages():
    """Rows of :data:`PAGES` whose file exists (pages still being written are skipped)."""
    return [row for row in PAGES if (_ROOT / row[0]).exists()]


@st.cache_resource
def tune_server_process():
    """BLAS on one thread, freed memory returned to the system: once per server process.

    A page's work is many small matrix-vector products, often for several
    sessions at once; BLAS threads competing for the same few cores made them
    several times slower (measured on 2 busy cores: a spectral-radius change
    at 1000 units went from 1.3 s to 0.23 s).  The engine's own parallel
    state collection already runs one BLAS thread per worker.  Sessions run
    in threads of their own, so without :func:`lnn_core.guard.tune_allocator`
    the server's memory would keep what finished runs freed.
    """
    threadpool_limits(1, user_api="blas")
    tune_allocator()


# ----------------------------------------------------------------------------- parameters

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
CELL_LABELS = {"esn": "Echo-state (leaky tanh)", "ltc": "Liquid time-constant (LTC)",
               "cfc": "Closed-form continuous (CfC)"}
_SPECS = {
    "n_units": _Spec("Number of neurons", "Size of the reservoir. More neurons give more "
                     "features and memory but cost time (n_units).", 10, 2000, 10),
    "spectral_radius": _Spec("Spectral radius", "Largest |eigenvalue| of the recurrent "
                             "weights. Below 1 the network forgets its start (echo state); "
                             "around 1 it remembers longest; above 1 it can turn chaotic "
                             "(spectral_radius).", 0.0, 2.0, 0.01),
    "density": _Spec("Connection density", "Fraction of the recurrent weights that are "
                     "nonzero (density).", 0.01, 1.0, 0.01),
    "input_scaling": _Spec("Input scaling", "Input weights are uniform in ±input_scaling: "
                           "how hard the input drives the neurons.", 0.0, 5.0, 0.05),
    "bias_scaling": _Spec("Bias scaling", "Biases are uniform in ±bias_scaling; they break "
                          "the symmetry of tanh.", 0.0, 2.0, 0.05),
    "leak_rate": _Spec("Leak rate", "Fraction of each neuron's state replaced per step; "
                       "small values make slow, smooth neurons (leak_rate).", 0.01, 1.0, 0.01),
    "ridge": _Spec("Ridge penalty", "Regularisation of the linear readout: larger is "
                   "smoother and more robust, smaller fits closer (ridge).",
                   options=RIDGE_OPTIONS),
    "seed": _Spec("Seed", "Seed of every random weight: the same seed gives the same "
                  "reservoir (seed).", 0, 9999, 1),
    "cell": _Spec("Neuron type", "Update rule of each neuron (cell).",
                  options=tuple(lnn_core.CELLS)),
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


#: Prefix of the session-state keys that keep each parameter's value.  A keyed
#: widget whose value comes only from ``st.session_state`` returns at its
#: minimum after a page switch in a real browser (Streamlit 1.67), so values
#: live under these keys and are copied into the widget key before drawing.
_STORE = "_kept_"


def _remember(key):
    """``on_change`` of a parameter widget: keep its new value."""
    st.session_state[_STORE + key] = st.session_state[key]


def _init_from_url(key_prefix=""):
    """Fill missing parameter keys of ``st.session_state`` from the URL, else defaults.

    A URL value outside the allowed range is ignored with a warning naming
    the parameter and the range.  Keys already set (this session) win.
    """
    for name in PARAM_NAMES:
        key = key_prefix + name
        if _STORE + key in st.session_state:
            continue
        value = getattr(_DEFAULTS, name)
        text = st.query_params.get(key)
        if text is not None:
            parsed = _from_url(name, text)
            if parsed is None:
                st.warning(f"The link sets `{key}={text}`, which is ignored: {name} must be "
                           f"{_allowed(name)}. Using the default {_to_url(name, value)}.",
                           icon=":material/link_off:")
            else:
                value = parsed
        st.session_state[_STORE + key] = value


def _sync_url(key_prefix=""):
    """Write the non-default parameters to the URL and drop the default ones."""
    for name in PARAM_NAMES:
        key = key_prefix + name
        value = st.session_state[_STORE + key]
        if _is_default(name, value):
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != _to_url(name, value):
            st.query_params[key] = _to_url(name, value)


def _widget(container, name, key):
    """One parameter widget, its value read from ``st.session_state[key]``."""
    spec = _SPECS[name]
    st.session_state[key] = st.session_state[_STORE + key]
    common = {"key": key, "help": spec.help, "on_change": _remember, "args": (key,)}
    if name == "ridge":
        return container.select_slider(spec.label, options=spec.options,
                                       format_func=format_ridge, **common)
    if name == "cell":
        return container.selectbox(spec.label, spec.options,
                                   format_func=CELL_LABELS.get, **common)
    if name == "seed":
        return container.number_input(spec.label, min_value=spec.low, max_value=spec.high,
                                      step=spec.step, **common)
    return container.slider(spec.label, min_value=spec.low, max_value=spec.high,
                            step=spec.step, **common)


def reservoir_controls(*, show=PARAM_NAMES, container=None, key_prefix=""):
    """Reservoir parameter widgets whose values live in the URL.

    Parameters
    ----------
    show : sequence of str
        Names from :data:`PARAM_NAMES` to show as widgets; the others keep
        their value (from the URL, a preset or another page).  In presenter
        mode only :data:`PRESENTER_PARAMS` stay visible, the rest are folded
        in a "More parameters" expander.
    container : Streamlit container, default ``st.sidebar``
    key_prefix : str
        Prefix of the widget keys and URL names; the default ``""`` shares
        one reservoir across every page (keys are the parameter names).

    Returns
    -------
    ReservoirParams
    """
    unknown = sorted(set(show) - set(PARAM_NAMES))
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; allowed: {PARAM_NAMES}")
    container = st.sidebar if container is None else container
    _init_from_url(key_prefix)
    shown = [n for n in PARAM_NAMES if n in show]
    folded = [n for n in shown if n not in PRESENTER_PARAMS] if presenter_mode() else []
    container.subheader("Reservoir")
    for name in shown:
        if name not in folded:
            _widget(container, name, key_prefix + name)
    if folded:
        with container.expander("More parameters"):
            for name in folded:
                _widget(st, name, key_prefix + name)
    _sync_url(key_prefix)
    return ReservoirParams(**{n: st.session_state[_STORE + key_prefix + n] for n in PARAM_NAMES})


def apply_preset(values, key_prefix=""):
    """Set parameters from a dict; use as ``on_click`` so it runs before the widgets.

    >>> st.button("Edge of chaos", on_click=apply_preset, args=({"spectral_radius": 1.0},))
    """
    for name, value in values.items():
        kept = _STORE if name in PARAM_NAMES else ""
        st.session_state[kept + key_prefix + name] = value


@st.cache_resource(max_entries=8, ttl="1h", show_spinner="Building the reservoir…")
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


# ----------------------------------------------------------------------------- presenter mode

_PRESENTER_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdown"] :is(p, li),
[data-testid="stAlertContainer"] p { font-size: 1.35rem; color: #000; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; font-weight: 600; color: #000; }
[data-testid="stMetricValue"] { font-size: 3rem; color: #000; }
[data-testid="stTab"] p, [data-testid="stPageLink"] p { font-size: 1.3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] :is(h2, h3) { font-size: 2.2rem !important; }
[data-testid="stSidebar"] :is(h2, h3) { font-size: 1.6rem !important; }
</style>"""


def presenter_mode():
    """Whether presenter mode is on (sidebar toggle, or ``presenter=1`` in the URL)."""
    if "presenter" not in st.session_state:
        st.session_state["presenter"] = st.query_params.get("presenter") == "1"
    return bool(st.session_state["presenter"])


def shared_sidebar():
    """The sidebar shared by every page: presenter toggle and an About line.

    Called once per run by ``app.py`` before the page; reads the reservoir
    parameters of a shared link (whatever page it opens), injects the
    presenter CSS and keeps ``presenter=1`` in the URL while it is on.
    """
    presenter_mode()  # initialise from the URL before the toggle exists
    _init_from_url()  # a shared link's parameters survive landing on any page
    with st.sidebar:
        st.toggle("Presenter mode", key="presenter", persist_state="session",
                  help="Larger fonts and figures, fewer controls: for projectors.")
        st.caption("**About** · Liquid Lab: reservoir computing and liquid neural networks, "
                   "hands-on. Every view is a link: copy the URL to share it.")
    if presenter_mode():
        st.html(_PRESENTER_CSS)
        st.query_params["presenter"] = "1"
    elif "presenter" in st.query_params:
        del st.query_params["presenter"]


def figure_height(base=420):
    """Figure height in pixels: ``base``, or 35 % taller in presenter mode."""
    return int(base * 1.35) if presenter_mode() else base


def style_figure(fig, height=None):
    """Apply the app's figure style (fonts, margins, height) in place and return ``fig``.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    height : int, optional
        Base height in pixels (default 420), enlarged in presenter mode.
    """
    size = 20 if presenter_mode() else 14
    titled = bool(fig.layout.title.text)
    fig.update_layout(font={"size": size}, height=figure_height(height or 420),
                      title_font={"size": size + 4}, legend_font={"size": size},
                      margin={"l": 60, "r": 20, "t": 70 if titled else 40, "b": 50})
    # explicit axis fonts: the Streamlit chart theme would otherwise keep its own sizes
    axis_fonts = {"tickfont": {"size": size}, "title_font": {"size": size}}
    fig.update_xaxes(**axis_fonts)
    fig.update_yaxes(**axis_fonts)
    fig.update_scenes(xaxis=axis_fonts, yaxis=axis_fonts, zaxis=axis_fonts)
    return fig


# ----------------------------------------------------------------------------- errors

@contextmanager
def guarded(hint=None):
    """Show failures of the enclosed block as a sentence, never a traceback.

    ``lnn_core.guard.ResourceError`` (a run over the memory budget) is shown as
    its own sentence, which names the estimate, the budget and smaller settings;
    ``lnn_core.DataError`` (bad data), ``ValueError`` (a parameter out of range)
    and ``MemoryError`` get a clear ``st.error`` plus ``hint`` (or a default
    hint); any other exception a generic error naming its class and message.
    Streamlit's own control flow (``st.stop``, reruns) passes through.

    >>> with guarded("Try fewer neurons."):
    ...     result = slow_core_call(...)
    """
    try:
        yield
    except ResourceError as err:            # its sentence already suggests smaller settings
        st.error(str(err), icon=":material/memory:")
    except lnn_core.DataError as err:
        st.error(f"This data cannot be used: {err}", icon=":material/error:")
        st.info(hint or "Check the file or the series and try again.")
    except ValueError as err:
        st.error(f"A setting is out of range: {err}", icon=":material/error:")
        st.info(hint or "Move the slider back into its usual range.")
    except MemoryError:
        st.error("This needs more memory than the server has.", icon=":material/memory:")
        st.info(hint or "Use fewer neurons, fewer samples or shorter series.")
    except Exception as err:  # noqa: BLE001 - the page must never show a traceback
        st.error(f"Something went wrong ({type(err).__name__}: {err}).",
                 icon=":material/error:")
        if hint:
            st.info(hint)


# ----------------------------------------------------------------------------- runs

#: Most runs kept per session (oldest dropped first).
MAX_RUNS = 100


def _as_curve(curve):
    """``(x, y)`` pair or a y sequence -> ``{"x": [...], "y": [...]}`` of floats."""
    if isinstance(curve, tuple) and len(curve) == 2:
        x, y = curve
    else:
        y = curve
        x = np.arange(len(y))
    return {"x": np.asarray(x, dtype=float).tolist(), "y": np.asarray(y, dtype=float).tolist()}


def record_run(kind, data, params, metrics, seconds, curves=None):
    """Append one finished experiment to ``st.session_state["runs"]``.

    Parameters
    ----------
    kind : str
        What ran, e.g. ``"MNIST"``, ``"Time series"``, ``"Sweep"``.
    data : str
        The data set or series, in words.
    params : dict
        Parameters (e.g. ``ReservoirParams.as_dict()`` plus page options).
    metrics : dict
        Scores by name, e.g. ``{"accuracy": 0.91}`` or ``{"NRMSE": 0.05}``.
    seconds : float
        Wall time of the run.
    curves : dict of str to (x, y) or y, optional
        Curves the Runs page can overlay, e.g. ``{"memory capacity": (delays, mc)}``.

    Returns
    -------
    dict
        The stored record (with ``id`` and ``time``).
    """
    runs = st.session_state.setdefault("runs", [])
    record = {
        "id": (runs[-1]["id"] + 1) if runs else 1,
        "time": time.strftime("%H:%M:%S"),
        "kind": str(kind), "data": str(data),
        "params": dict(params), "metrics": {k: float(v) for k, v in metrics.items()},
        "seconds": float(seconds),
        "curves": {name: _as_curve(c) for name, c in (curves or {}).items()},
    }
    runs.append(record)
    del runs[:-MAX_RUNS]
    return record


# ----------------------------------------------------------------------------- progress, downloads

def progress_callback(label):
    """A progress bar for slow work run behind a button.

    Returns
    -------
    callback : callable ``(done, total)``
        Updates the bar; calls from other threads are ignored (Streamlit
        elements belong to the script thread).
    finish : callable ``()``
        Removes the bar.

    >>> callback, finish = progress_callback("Collecting states")
    >>> features = lnn_core.collect_features(res, X, progress=callback); finish()
    """
    bar = st.progress(0.0, text=label)
    owner = threading.get_ident()
    shown = {"percent": -1}

    def callback(done, total):
        percent = int(100 * done / max(total, 1))
        if threading.get_ident() == owner and percent != shown["percent"]:
            shown["percent"] = percent
            bar.progress(min(percent, 100) / 100, text=f"{label}: {done:,} / {total:,}")

    return callback, bar.empty


def download_params_button(params, file_name="parameters.json", label="Download parameters (JSON)"):
    """A download button with ``params`` (a dict or ``ReservoirParams``) as JSON."""
    if isinstance(params, ReservoirParams):
        params = params.as_dict()
    st.download_button(label, json.dumps(params, indent=2, default=str), file_name=file_name,
                       mime="application/json", icon=":material/download:",
                       on_click="ignore")
