"""What every page shares around it: the page table, the shared sidebar, server tuning."""

import gc
import runpy
from pathlib import Path

import streamlit as st
from lnn_core.guard import tune_allocator
from threadpoolctl import threadpool_limits

from .params import _init_from_url
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
    the server's memory would keep what finished runs freed.  Streamlit runs a
    full garbage collection after every script run (``runner.postScriptGC``);
    over the libraries' long-lived objects that cost 0.12 CPU-s per slider move
    (a third of the server's busy time on Reservoir, measured with py-spy under
    10 simulated students).  Frozen, they are no longer walked; the cycles each
    run creates are still collected.
    """
    threadpool_limits(1, user_api="blas")
    tune_allocator()
    gc.collect()
    gc.freeze()   # the imported libraries' ~170,000 objects leave the collector's view


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
