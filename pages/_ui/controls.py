"""The sidebar's reservoir controls: one page's parameter widgets, what changed, Reset."""

from contextvars import ContextVar

import streamlit as st

from .page_settings import (
    _PAGE,
    PAGE_TITLES,
    _init_from_url,
    _page_widgets_changed,
    _remember,
    _stored,
    _sync_url,
    apply_preset,
    changed_settings,
    current_params,
    describe_changes,
    reset_page,
)
from .params import _SPECS, CELL_LABELS, PARAM_NAMES, PRESENTER_PARAMS, format_ridge
from .presenter import presenter_mode
from .text import plain

#: The shared sidebar's slot for :func:`pages_overview`, during one run.
_OVERVIEW = ContextVar("liquid_lab_overview", default=None)


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


def _settings_summary(container, page):
    """The sidebar's line of changed settings and the page's Reset button."""
    rows = changed_settings(page)
    if rows:
        container.caption("Changed from defaults on this page: " + plain(describe_changes(rows),
                                                                         limit=400))
    else:
        container.caption("This page uses the default reservoir.")
    # one under the other: side by side in the sidebar, both labels were cut ("Reset th…")
    container.button("Reset this page", on_click=reset_page, args=(page,), key="reset_page",
                     icon=":material/restart_alt:", width="stretch", disabled=not rows
                     and not _page_widgets_changed(page),
                     help="This page's reservoir and its own controls back to their defaults.")
    container.button("Use on every page", on_click=apply_preset, key="copy_to_all",
                     args=({n: st.session_state[_stored(page, n)] for n in PARAM_NAMES},),
                     kwargs={"source": f"{PAGE_TITLES[page]}'s settings", "pages": PAGE_TITLES},
                     icon=":material/content_copy:", width="stretch", disabled=not rows,
                     help="Copy this page's reservoir to every page; each page says where it "
                          "came from.")


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
    if not folded:                       # presenter mode: the sliders first, above the fold
        _settings_summary(container, page)
    for name in shown:
        if name not in folded:
            _widget(container, page, name)
    if folded:
        with container.expander("More parameters"):
            for name in folded:
                _widget(st, page, name)
        _settings_summary(container, page)
    _sync_url(page)
    return current_params(page)
