"""Each page's own reservoir settings: where they are kept, where a changed value came
from, presets, Reset, and the page's widgets in the URL.

The rule: every page keeps its own values; a preset, a slider or a link changes the
page it is on and no other, unless a button says it does ("Use on every page", the
Sweep's best point), and then the other page names the source.
"""

import inspect

import streamlit as st

from .params import (
    _DEFAULTS,
    _SPECS,
    CELL_LABELS,
    PARAM_NAMES,
    ReservoirParams,
    _allowed,
    _from_url,
    _is_default,
    _to_url,
    format_ridge,
)
from .sweep_settings import SWEEP_WIDGETS
from .text import plain

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
              "mnist_n_points": 4, "mnist_bidirectional": False, "mnist_tab": "Results",
              "mnist_ladder_size": None, "mnist_ladder_units": 300, "mnist_curve_vary": "n_train",
              "mnist_shifted": False},
    "timeseries": {"ts_source": "Built-in", "ts_series": "Mackey-Glass", "ts_length": 3000,
                   "ts_seed": 0, "ts_channel": "x", "ts_horizon": 1, "ts_delay": 0,
                   "ts_transform": "none", "ts_pooling": "mean+last"},
    "liquid": {"tau_range": (0.5, 5.0), "reversal_range": (-1.0, 1.0), "ltc_step": 0.5,
               "unfolds": 3, "cfc_time": 2.0, "liquid_input": "Sine",
               "liquid_neurons": [0, 1, 2, 3], "liquid_tab": "Step response",
               "liquid_task": "8×8 digits", "irregular_source": "Built-in sines"},
    "sweep": SWEEP_WIDGETS,
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

#: The URL's query values as the run started (:func:`begin_run`), before widgets correct them.
_LINK = "_link_at_start"
#: Widgets whose data-dependent default Reset asked for (set by ``reset_page``, read by ``linked``).
_RESET = "_reset_to_call_default"


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
    # every value of a repeated name (?k=a&k=b); later runs' values may lag behind the widgets
    st.session_state[_LINK] = {name: st.query_params.get_all(name)
                               for name in st.query_params} if landing else {}


def link_value(name):
    """The (last) value of ``name`` in the link the session opened with, on its first run only."""
    return (st.session_state.get(_LINK, {}).get(name) or [None])[-1]


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
        if default is None:         # the default depends on the data: the widget's call knows it
            st.session_state.setdefault(_RESET, set()).add(key)
        else:
            st.session_state[key] = list(default) if isinstance(default, list) else default


def reset_all_pages():
    """``on_click``: every page back to its defaults (runs and exercise progress are kept)."""
    for page in PAGE_TITLES:
        reset_page(page)


def _page_widgets_changed(page):
    # a widget is changed when the URL holds it (a bound widget's default is left out of the
    # URL): on a link's first run the sidebar comes before the page's widgets exist
    return any(key in st.query_params or default is not None and key in st.session_state
               and st.session_state[key] != default
               for key, default in PAGE_WIDGETS.get(page, {}).items())


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
    value it cannot use (an unknown option or tab, a number out of range, which
    it clamps); this adds one sentence naming the parameter, the link's value
    (as text) and what the page shows instead.  ``st.tabs`` works too: its
    value in the URL and in ``st.session_state`` is the open tab's label.

    >>> horizon = linked(st.slider, "Horizon", 1, 50, 1, key="ts_horizon")
    >>> step_tab, impulse_tab = linked(st.tabs, ["Step", "Impulse"], key="liquid_tab")
    """
    if key in st.session_state.get(_RESET, ()):
        # Reset asked for the default this call gives; set in Session State, it wins over the
        # link's value (a bound parameter cannot be deleted from the URL) and, being the
        # default, leaves the URL
        st.session_state[_RESET].discard(key)
        st.session_state[key] = inspect.signature(widget).bind(
            *args, key=key, **kwargs).arguments["value"]
    value = widget(*args, key=key, bind="query-params", **kwargs)
    texts = st.session_state.get(_LINK, {}).get(key)
    if texts is None or st.query_params.get_all(key) == texts:
        return value
    current, format_func = st.session_state.get(key, value), kwargs.get("format_func")
    if not _shows(texts, current, format_func):
        st.warning(f"The link sets {key} to {plain(', '.join(texts), limit=100, quote=True)}, "
                   f"which this page cannot use; it shows "
                   f"{plain(_as_text(current, format_func), limit=100)} instead.",
                   icon=":material/link_off:")
    return value


def _shows(texts, value, format_func=None):
    """Whether the link's values ``texts`` (one per item of a list or range) are ``value``."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if isinstance(value, (list, tuple)):
        texts = [text for text in texts if text]        # ``?k=``: an empty list
    return len(texts) == len(items) and all(
        text in (str(item), _as_text(item, format_func)) or _same_number(text, item)
        for text, item in zip(texts, items))


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
