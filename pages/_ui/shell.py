"""What every page shares around it: the page table, routing, the shared sidebar, server tuning.

Light for the first visitor: neither this module nor the router's first run before
the page imports scikit-learn, pandas or the engine's figures, so a fresh server shows
the page title before they are loaded (``lnn_core`` re-exports lazily).  After the
first page, :func:`tune_server_process` and :func:`freeze_libraries` import every
engine module, limit BLAS to one thread and freeze the libraries' objects.
"""

import gc
import importlib
import pkgutil
import runpy
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from .presenter import presenter_mode, presenter_toggle

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


def open_linked_page(pages):
    """Switch to the page that ``?page=<url_path>`` names, with the link's other parameters.

    ``deploy/``'s nginx sends a page's URL (``/reservoir?spectral_radius=1.3``) to
    ``/?page=reservoir&spectral_radius=1.3``: the frontend, loaded from ``/``, then
    finds the server at once instead of first probing ``/reservoir/_stcore/health``
    and ``/reservoir/_stcore/host-config`` (two 404s in the console, Streamlit issue
    #7074).  ``app.py`` calls this right after ``st.navigation``; the browser's address
    bar shows the page's own URL again.  An unknown page name is dropped (Home).

    Parameters
    ----------
    pages : list of st.Page
        The pages given to ``st.navigation``.
    """
    wanted = st.query_params.get("page")
    if wanted is None:
        return
    # every value of a repeated name (a multiselect's, a range's: ?k=a&k=b), not only the last
    rest = {key: st.query_params.get_all(key) for key in st.query_params if key != "page"}
    for page in pages:
        if page.url_path == wanted:
            st.switch_page(page, query_params=rest)
    del st.query_params["page"]


def page_redirects():
    """Server routes that answer a page's URL with a redirect to ``/?page=<url_path>&...``.

    A page's own URL (``/reservoir?spectral_radius=1.3``, reloaded or opened
    from a link) makes Streamlit's frontend look for the server under that
    path first: ``/reservoir/_stcore/health`` and ``/reservoir/_stcore/host-config``
    answer 404, two console errors (streamlit/streamlit#7074).  ``app.py`` serves
    itself through ``st.App`` with these routes, which are checked before
    Streamlit's own, so the browser loads the app from ``/`` and
    :func:`open_linked_page` switches to the page with the link's values,
    the same redirect ``deploy/``'s nginx makes.

    Returns
    -------
    list of starlette.routing.Route
        ``/<url_path>`` and ``/<url_path>/`` for every page but Home, GET and HEAD.
    """
    from urllib.parse import urlencode

    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    base = "/".join(part for part in st.get_option("server.baseUrlPath").split("/") if part)
    root = f"/{base}/" if base else "/"

    def redirect(request):
        page = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        query = urlencode([("page", page), *request.query_params.multi_items()])
        return RedirectResponse(f"{root}?{query}", status_code=302)

    return [Route(f"{root}{url_path}{slash}", redirect, methods=["GET", "HEAD"])
            for *_, url_path in available_pages() if url_path for slash in ("", "/")]


def available_pages():
    """Rows of :data:`PAGES` whose file exists (pages still being written are skipped)."""
    return [row for row in PAGES if (_ROOT / row[0]).exists()]


def import_engine():
    """Import every module of ``lnn_core``, and with them every library the pages use.

    NumPy, SciPy, scikit-learn, pandas, Plotly: ``lnn_core`` itself loads them lazily,
    module by module, the first time a page uses them.  ``lnn_core.sweep.__main__``
    (the command line) is left out.
    """
    import lnn_core

    for module in pkgutil.walk_packages(lnn_core.__path__, "lnn_core."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)


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

    ``app.py`` calls it after the first page has run, so that page's title is
    not delayed by scikit-learn's import (which ``lnn_core.guard`` needs); the
    engine is imported first because ``threadpool_limits`` only reaches the BLAS
    libraries already loaded (NumPy's and SciPy's are two).
    """
    from threadpoolctl import threadpool_limits

    import_engine()
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
    Every module of the engine is imported by name (:func:`import_engine`):
    ``import lnn_core.figures`` alone would load none of its builders.
    """
    import pandas  # noqa: F401  (the tables of Runs and Sweep)

    import_engine()
    gc.collect()
    gc.freeze()


def shared_sidebar():
    """The sidebar shared by every page: presenter toggle, About, and the pages' settings.

    Called once per run by ``app.py`` before the page; notes whether the run is
    the session's first (only then does the page read its settings from the
    link); presenter mode (:func:`.presenter.presenter_toggle`) is kept for the
    session and in the URL (``presenter=1``).  Below the About line (not in presenter
    mode, which keeps the page's sliders above the fold): which pages have settings
    changed from their defaults, and one button that resets them all.
    """
    from .controls import pages_overview
    from .page_settings import begin_run, reset_all_pages

    begin_run()
    with st.sidebar:
        presenter_toggle()
        st.caption("**About** · Liquid Lab: reservoir computing and liquid neural networks, "
                   "hands-on. Each page keeps its own settings; every view is a link: copy "
                   "the URL to share it.")
        if not presenter_mode():         # presenter mode: the page's sliders above the fold
            pages_overview(st.empty())
            st.button("Reset all pages", on_click=reset_all_pages, key="reset_all",
                      icon=":material/restart_alt:",
                      help="Every page's reservoir and controls back to their defaults; runs "
                           "and exercises are kept.")
