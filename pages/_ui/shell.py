"""What every page shares around it: the page table, routing, the shared sidebar, server tuning.

Light at import: the engine (NumPy, scikit-learn) comes in when the router
first calls :func:`tune_server_process` and :func:`shared_sidebar`, not when
``app.py`` imports this module.
"""

import gc
import runpy
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from .presenter import _PRESENTER_CSS, presenter_mode

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
_ROOT = Path(__file__).resolve().parents[2]


#: True while ``app.py`` runs the page it picked (set by :func:`running_page`).
_ROUTED = ContextVar("liquid_lab_routed", default=False)


@contextmanager
def running_page():
    """Mark the page run that ``app.py`` starts (``with running_page(): navigation.run()``)."""
    token = _ROUTED.set(True)
    try:
        yield
    finally:
        _ROUTED.reset(token)


def through_router():
    """Run ``app.py`` instead when Streamlit ran this page file by itself; every page calls it first.

    With a ``pages/`` folder next to ``app.py``, a fresh Streamlit server
    starts in its legacy multipage mode, and so does every ``AppTest`` run:
    the first run of a session executes the file of ``pages/`` whose name
    matches the URL (``/reservoir`` -> ``pages/reservoir.py``) without
    ``app.py`` (Streamlit's script runner, ``_mpa_v1``).  No option turns
    that off; ``st.navigation``, the first time it runs, ends it for the
    whole process.  So a page that finds it was not started by the router
    runs ``app.py`` (whose ``st.navigation`` picks the same page from the
    URL and runs it, shared sidebar and all) and stops its own run.  Public
    API only.
    """
    if not _ROUTED.get():
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
    from threadpoolctl import threadpool_limits

    from lnn_core.guard import tune_allocator

    threadpool_limits(1, user_api="blas")
    tune_allocator()


@st.cache_resource
def freeze_libraries():
    """Once per server process, after the first page has run: every page's libraries are
    imported, then moved out of the garbage collector's view (``gc.freeze``).

    Streamlit runs a full collection after every script run (``runner.postScriptGC``);
    over the libraries' ~170,000 long-lived objects that cost 0.12 CPU-s per slider
    move, a third of the server's busy time on Reservoir (py-spy, 10 simulated
    students).  Frozen, they are no longer walked; the cycles each run creates are
    still collected.  Called after the first page, so its title is not delayed.
    """
    import lnn_core.figures  # noqa: F401  (every page's libraries, loaded before the freeze)
    import lnn_core.lab  # noqa: F401
    import lnn_core.sweep  # noqa: F401
    import pandas  # noqa: F401

    gc.collect()
    gc.freeze()


def shared_sidebar():
    """The sidebar shared by every page: presenter toggle, About, and the pages' settings.

    Called once per run by ``app.py`` before the page; notes whether the run is
    the session's first (only then does the page read its settings from the
    link), injects the presenter CSS and keeps ``presenter=1`` in the URL while
    it is on.  Below the About line: which pages have settings changed from
    their defaults, and one button that resets them all.
    """
    from .params import begin_run, pages_overview, reset_all_pages

    begin_run()
    presenter_mode()  # initialise from the URL before the toggle exists
    with st.sidebar:
        st.toggle("Presenter mode", key="presenter", persist_state="session",
                  help="Larger fonts and figures, fewer controls: for projectors.")
        st.caption("**About** · Liquid Lab: reservoir computing and liquid neural networks, "
                   "hands-on. Each page keeps its own settings; every view is a link: copy "
                   "the URL to share it.")
        pages_overview(st.empty())
        st.button("Reset all pages", on_click=reset_all_pages, key="reset_all",
                  icon=":material/restart_alt:",
                  help="Every page's reservoir and controls back to their defaults; runs and "
                       "exercises are kept.")
    if presenter_mode():
        st.html(_PRESENTER_CSS)
        st.query_params["presenter"] = "1"
    elif "presenter" in st.query_params:
        del st.query_params["presenter"]
