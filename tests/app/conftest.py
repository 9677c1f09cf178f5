"""AppTest fixtures shared by the page tests.

How AppTest drives this ``st.navigation`` app (checked with Streamlit 1.67):

* ``AppTest.from_file(APP)`` runs the router; the first ``run()`` shows the
  default page (Home).  A relative path is resolved against the *calling
  file*, hence :data:`APP`.
* ``at.switch_page("pages/reservoir.py")`` before the first ``run()`` opens
  that page directly, like loading its URL; after a run it navigates (the
  path is relative to ``app.py``).  Use :func:`open_page`.
* ``at.query_params`` set before the first ``run()`` is the URL's query
  string; after a run it holds what the app wrote with ``st.query_params``.
  Widgets bound with ``bind="query-params"`` read it on the first run, but
  their later changes are not reflected there (the browser updates the URL).
* A Plotly chart is ``at.get("plotly_chart")[i]``; its figure JSON is
  ``.proto.spec``, where Plotly 6+ encodes arrays as base64 ``bdata``:
  :func:`chart_specs` decodes them back to lists.

Caveat: Streamlit sees ``pages/`` next to ``app.py`` and starts in its old
multipage mode (MPA v1) until ``st.navigation`` runs; a real server leaves
that mode once, for good, but AppTest resets it before every run.  Every page
therefore calls ``pages._ui.shell.through_router()`` first, which runs the
router when Streamlit ran the page file by itself (as a shared link on a
fresh server does).  In AppTest this happens on every run after the first,
so test router-level widgets (presenter toggle, About) on a first run.

Reuse either the fixtures (``app_page``, ``charts``, ``named_trace``) or the
functions themselves: ``from tests.app.conftest import open_page, chart_specs``.
"""

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

#: The router, found from this file (AppTest resolves relative paths from the caller).
APP = str(Path(__file__).resolve().parents[2] / "app.py")
#: Seconds one script run may take before AppTest gives up (2 shared cores).
TIMEOUT = 60


def open_page(page=None, query=None, session=None):
    """Run ``app.py`` and then ``page`` (e.g. ``"pages/reservoir.py"``), return the AppTest.

    Parameters
    ----------
    page : str, optional
        Page path relative to the repo root; ``None`` stays on Home.
    query : dict of str to str, optional
        URL query parameters set before the first run.
    session : dict, optional
        ``st.session_state`` entries set before the first run.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    if page is not None:
        at.switch_page(page)  # before the first run: like opening the page's URL
    return at.run()


def shown(markdown):
    """The text Markdown escaped by ``pages._ui.text.plain`` shows: escapes resolved, word
    joiners (which keep bare URLs from being linked) dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def decode_arrays(value):
    """Replace Plotly's typed arrays ``{"dtype", "bdata"[, "shape"]}`` with nested lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: decode_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_arrays(item) for item in value]
    return value


def chart_specs(at):
    """Figure JSON (dict with ``data``, ``layout``, maybe ``frames``) of every Plotly chart.

    In page order, with typed arrays decoded to lists.
    """
    return [decode_arrays(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def trace(spec, name):
    """The trace called ``name`` in a figure spec."""
    return next(t for t in spec["data"] if t.get("name") == name)


@pytest.fixture
def app_page():
    """Factory fixture: ``app_page("pages/x.py", query={...})`` -> AppTest after the run."""
    return open_page


@pytest.fixture
def charts():
    """The :func:`chart_specs` helper: ``charts(at)`` -> list of figure dicts."""
    return chart_specs


@pytest.fixture
def named_trace():
    """The :func:`trace` helper: ``named_trace(spec, "eigenvalues")`` -> trace dict."""
    return trace
