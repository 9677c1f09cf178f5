"""Reservoir parameters: the dataclass, their widgets, and their place in the URL."""

import math
from contextvars import ContextVar
from dataclasses import asdict, dataclass, fields
from datetime import timedelta

import streamlit as st

import lnn_core

from .presenter import presenter_mode
from .text import plain


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


#: Pages with reservoir settings of their own (url paths of ``pages._ui.shell.PAGES``).
PAGE_TITLES = {"reservoir": "Reservoir", "dynamics": "Dynamics", "mnist": "MNIST",
               "timeseries": "Time series", "liquid": "Liquid neurons", "sweep": "Sweep"}
#: Each page's own widgets (URL names) and their defaults, for Reset; ``None``: the
#: default depends on the data, so Reset forgets the value and the widget picks it again.
PAGE_WIDGETS = {
    "reservoir": {},
    "dynamics": {"input_signal": "Mixed sines", "n_steps": 400, "neurons": [0, 1, 2, 3, 4],
                 "pca_dims": 3, "dynamics_tab": "Trajectories"},
    "mnist": {"mnist_source": "digits", "mnist_n_train": None, "mnist_pooling": "mean+last",
              "mnist_n_points": 4, "mnist_bidirectional": False, "mnist_tab": "Results"},
    "timeseries": {"ts_source": "Built-in", "ts_series": "Mackey-Glass", "ts_length": 3000,
                   "ts_seed": 0, "ts_channel": "x", "ts_horizon": 1, "ts_delay": 0},
    "liquid": {"tau_range": (0.5, 5.0), "reversal_range": (-1.0, 1.0), "ltc_step": 0.5,
               "unfolds": 3, "cfc_time": 2.0, "liquid_input": "Sine",
               "liquid_neurons": [0, 1, 2, 3], "liquid_task": "8×8 digits"},
    "sweep": {},
}
#: Session-state key prefixes: a page's kept value of each parameter, and where it came from.
#: A keyed widget whose value comes only from ``st.session_state`` returns at its minimum
#: after a page switch in a real browser (Streamlit 1.67), so values live under these keys
#: and are copied into the widget key before drawing.
_STORE, _SOURCE = "_kept_", "_from_"
#: The page whose reservoir controls ran last: the page a button callback belongs to.
_PAGE = "_reservoir_page"
#: True during a session's first run only (set by :func:`begin_run`): the URL it opened with
#: belongs to the page it opened, so only that page reads its reservoir settings from the URL.
_LANDING = "_landing_run"
#: The shared sidebar's slot for :func:`pages_overview`, during one run.
_OVERVIEW = ContextVar("liquid_lab_overview", default=None)
#: The URL's query values as the run started (:func:`begin_run`), before widgets correct them.
_LINK = "_link_at_start"


def _stored(page, name):
    return f"{_STORE}{page}:{name}"


def _source_key(page, name):
    return f"{_SOURCE}{page}:{name}"


def begin_run():
    """Note, once per run and before any widget, whether it is the session's first, and its URL.

    Called by the shared sidebar.  Streamlit drops a bound widget's URL value it cannot
    use; :func:`linked` compares the widget with the first run's URL kept here to say so.
    """
    landing = st.session_state[_LANDING] = "_session_started" not in st.session_state
    st.session_state["_session_started"] = True
    # later runs' query values may lag behind the widgets (Streamlit corrects them as they draw)
    st.session_state[_LINK] = st.query_params.to_dict() if landing else {}


def link_value(name):
    """The value of ``name`` in the link the session opened with, on its first run only."""
    return st.session_state.get(_LINK, {}).get(name)


def _remember(page, name):
    """``on_change`` of a parameter widget: keep its new value, moved by hand."""
    st.session_state[_stored(page, name)] = st.session_state[name]
    st.session_state.pop(_source_key(page, name), None)


def _init_from_url(page):
    """Fill the page's missing parameters from the URL (first run only), else defaults.

    A URL value outside the allowed range is ignored with a warning naming
    the parameter and the range; the value is quoted, shortened and shown as
    plain text (a link may carry Markdown).  Values already kept win.
    """
    landing = st.session_state.get(_LANDING, True)
    for name in PARAM_NAMES:
        if _stored(page, name) in st.session_state:
            continue
        value = getattr(_DEFAULTS, name)
        text = st.query_params.get(name) if landing else None
        if text is not None:
            parsed = _from_url(name, text)
            if parsed is None:
                st.warning(f"The link sets {name} to {plain(text, limit=100, quote=True)}, "
                           f"which is ignored: {name} must be {_allowed(name)}. Using the "
                           f"default {_to_url(name, value)}.", icon=":material/link_off:")
            else:
                value = parsed
                if not _is_default(name, value):
                    st.session_state[_source_key(page, name)] = "the link"
        st.session_state[_stored(page, name)] = value


def _sync_url(page):
    """Write the page's non-default parameters to the URL and drop the default ones."""
    for name in PARAM_NAMES:
        value = st.session_state[_stored(page, name)]
        if _is_default(name, value):
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != _to_url(name, value):
            st.query_params[name] = _to_url(name, value)


def _widget(container, page, name):
    """One parameter widget, its value copied from the page's kept value."""
    spec = _SPECS[name]
    st.session_state[name] = st.session_state[_stored(page, name)]
    common = {"key": name, "help": spec.help, "on_change": _remember, "args": (page, name)}
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


def _shown_value(name, value):
    if name == "ridge":
        return format_ridge(value)
    if name == "cell":
        return CELL_LABELS[value]
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def changed_settings(page):
    """The page's reservoir parameters that differ from the defaults.

    Returns
    -------
    list of (str, str, str or None)
        ``(label, value as shown, where it came from)``; the source is ``None``
        for a value moved by hand on the page.
    """
    rows = []
    for name in PARAM_NAMES:
        value = st.session_state.get(_stored(page, name), getattr(_DEFAULTS, name))
        if not _is_default(name, value):
            rows.append((_SPECS[name].label.lower(), _shown_value(name, value),
                         st.session_state.get(_source_key(page, name))))
    return rows


def describe_changes(rows):
    """One line: ``"spectral radius 1.6, input scaling 0.2 (Dynamics' Chaotic preset)"``."""
    groups = {}
    for label, value, source in rows:
        groups.setdefault(source, []).append(f"{label} {value}")
    return "; ".join(", ".join(items) + (f" (from {source})" if source else " (moved here)")
                     for source, items in groups.items())


def reset_page(page=None):
    """``on_click``: the page's reservoir parameters and its own widgets back to their defaults."""
    page = page or st.session_state.get(_PAGE, "reservoir")
    for name in PARAM_NAMES:
        st.session_state[_stored(page, name)] = getattr(_DEFAULTS, name)
        st.session_state.pop(_source_key(page, name), None)
    for key, default in PAGE_WIDGETS.get(page, {}).items():
        if default is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = list(default) if isinstance(default, list) else default


def reset_all_pages():
    """``on_click``: every page back to its defaults (runs and exercise progress are kept)."""
    for page in PAGE_TITLES:
        reset_page(page)


def _settings_summary(container, page):
    """The sidebar's line of changed settings and the page's Reset button."""
    rows = changed_settings(page)
    if rows:
        container.caption("Changed from defaults on this page: " + plain(describe_changes(rows),
                                                                         limit=400))
    else:
        container.caption("This page uses the default reservoir.")
    left, right = container.columns(2)
    left.button("Reset this page", on_click=reset_page, args=(page,), key="reset_page",
                icon=":material/restart_alt:", width="stretch", disabled=not rows
                and not _page_widgets_changed(page),
                help="This page's reservoir and its own controls back to their defaults.")
    right.button("Use on every page", on_click=apply_preset, key="copy_to_all",
                 args=({n: st.session_state[_stored(page, n)] for n in PARAM_NAMES},),
                 kwargs={"source": f"{PAGE_TITLES[page]}'s settings", "pages": PAGE_TITLES},
                 icon=":material/content_copy:", width="stretch", disabled=not rows,
                 help="Copy this page's reservoir to every page; each page says where it came "
                      "from.")


def pages_overview(slot=None):
    """One caption naming the pages whose reservoir differs from the defaults.

    The shared sidebar calls it with an ``st.empty()`` slot before the page runs; a page's
    :func:`reservoir_controls` redraws that slot once it has read its link.
    """
    slot = _OVERVIEW.get() if slot is None else slot
    if slot is None:
        return
    _OVERVIEW.set(slot)
    changed = [f"{title} ({len(rows)})" for page, title in PAGE_TITLES.items()
               if (rows := changed_settings(page))]
    slot.caption("Reservoir changed from defaults on: " + ", ".join(changed) + "."
                 if changed else "Every page's reservoir is at its defaults.")


def _page_widgets_changed(page):
    return any(key in st.session_state and default is not None
               and st.session_state[key] != default
               for key, default in PAGE_WIDGETS.get(page, {}).items())


def reservoir_controls(*, page="reservoir", show=PARAM_NAMES, container=None):
    """Reservoir parameter widgets whose values belong to one page and live in its URL.

    Each page keeps its own values: a preset or a slider on one page never
    changes another page, unless a button says it does (the Sweep's best point,
    "Use on every page"), and then the other page names the source.

    Parameters
    ----------
    page : str
        The page's url path (a key of :data:`PAGE_TITLES`).
    show : sequence of str
        Names from :data:`PARAM_NAMES` to show as widgets; the others keep
        their value (from the URL or a preset).  In presenter mode only
        :data:`PRESENTER_PARAMS` stay visible, the rest are folded in a
        "More parameters" expander.
    container : Streamlit container, default ``st.sidebar``

    Returns
    -------
    ReservoirParams
    """
    unknown = sorted(set(show) - set(PARAM_NAMES))
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; allowed: {PARAM_NAMES}")
    if page not in PAGE_TITLES:
        raise ValueError(f"unknown page {page!r}; allowed: {tuple(PAGE_TITLES)}")
    container = st.sidebar if container is None else container
    st.session_state[_PAGE] = page
    _init_from_url(page)
    pages_overview()
    shown = [n for n in PARAM_NAMES if n in show]
    folded = [n for n in shown if n not in PRESENTER_PARAMS] if presenter_mode() else []
    container.subheader("Reservoir")
    _settings_summary(container, page)
    for name in shown:
        if name not in folded:
            _widget(container, page, name)
    if folded:
        with container.expander("More parameters"):
            for name in folded:
                _widget(st, page, name)
    _sync_url(page)
    return current_params(page)


def current_params(page=None):
    """The page's parameters as its widgets hold them now (defaults where unset).

    For ``on_click`` callbacks, which run before the widgets of the rerun exist;
    ``page`` defaults to the page whose controls ran last.
    """
    page = page or st.session_state.get(_PAGE, "reservoir")
    return ReservoirParams(**{n: st.session_state.get(_stored(page, n), getattr(_DEFAULTS, n))
                              for n in PARAM_NAMES})


def apply_preset(values, *, source=None, pages=None):
    """Set parameters from a dict; use as ``on_click`` so it runs before the widgets.

    Parameters
    ----------
    values : dict
        Reservoir parameters (kept per page) and other widget keys of the page.
    source : str, optional
        What set them, shown in each page's sidebar ("Dynamics' Chaotic preset").
    pages : iterable of str, optional
        Pages whose reservoir takes the values; default: the page the button is on.

    >>> st.button("Chaotic", on_click=apply_preset, args=({"spectral_radius": 1.6},),
    ...           kwargs={"source": "Dynamics' Chaotic preset"})
    """
    pages = [st.session_state.get(_PAGE, "reservoir")] if pages is None else list(pages)
    for name, value in values.items():
        if name not in PARAM_NAMES:
            st.session_state[name] = value
            continue
        for page in pages:
            st.session_state[_stored(page, name)] = value
            if source is None or _is_default(name, value):
                st.session_state.pop(_source_key(page, name), None)
            else:
                st.session_state[_source_key(page, name)] = source


def linked(widget, *args, key, **kwargs):
    """``widget(*args, key=key, bind="query-params", **kwargs)``, saying so when the link's
    value for ``key`` could not be used.

    Streamlit keeps a bound widget's non-default value in the URL and drops a
    value it cannot use (an unknown option, a number out of range, which it
    clamps); this adds one sentence naming the parameter, the link's value
    (as text) and what the page shows instead.

    >>> horizon = linked(st.slider, "Horizon", 1, 50, 1, key="ts_horizon")
    """
    value = widget(*args, key=key, bind="query-params", **kwargs)
    text = st.session_state.get(_LINK, {}).get(key)
    now = st.query_params.get(key)
    if text is None or now == text:
        return value
    shown = _as_text(value, kwargs.get("format_func"))
    if text not in (str(value), shown) and not _same_number(text, value):
        st.warning(f"The link sets {key} to {plain(text, limit=100, quote=True)}, which this "
                   f"page cannot use; it shows {plain(shown, limit=100)} instead.",
                   icon=":material/link_off:")
    return value


def _as_text(value, format_func=None):
    if value is None:
        return "nothing chosen"
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v, format_func) for v in value)
    return str(format_func(value) if format_func else value)


def _same_number(text, value):
    """Whether the link's text is ``value`` written otherwise (``0.50``: a default left out)."""
    try:
        return not isinstance(value, (str, bool, list, tuple)) and float(text) == value
    except (TypeError, ValueError):
        return False


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


