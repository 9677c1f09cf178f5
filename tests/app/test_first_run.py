"""A fresh server's first run: Home's title before any heavy library, then the server is tuned.

One ``AppTest`` run of the router in a fresh interpreter (a fresh server process, as
far as imports and ``st.cache_resource`` go).  An audit hook notes where each of NumPy,
SciPy, scikit-learn and pandas is first imported: the deepest frame of the app
(``app.py`` or ``pages/``) at that moment must be Home below its ``st.title``, so the
title is sent before them.  After the run every engine module is loaded, the
libraries' objects are frozen (``gc.freeze``) and every BLAS library runs one thread.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "pages" / "home.py"

PROBE = """
import gc, json, sys, traceback
HEAVY = ("numpy", "scipy", "sklearn", "pandas")
ROOT = sys.argv[1]
first = {}

def note_first_import(event, args):
    if event == "import" and args[0] in HEAVY and args[0] not in first:
        app = [(f.filename, f.lineno) for f in traceback.extract_stack()
               if f.filename == ROOT + "/app.py" or f.filename.startswith(ROOT + "/pages/")]
        first[args[0]] = app[-1] if app else None

sys.addaudithook(note_first_import)
from streamlit.testing.v1 import AppTest
from threadpoolctl import threadpool_info
at = AppTest.from_file(ROOT + "/app.py", default_timeout=300).run()
print(json.dumps({
    "titles": [t.value for t in at.title], "exceptions": len(at.exception), "first": first,
    "frozen": gc.get_freeze_count(),
    "loaded": [m for m in ("lnn_core.figures.story", "lnn_core.lab.digit_experiments",
                           "lnn_core.sweep.run", "plotly.graph_objects") if m in sys.modules],
    "blas_threads": sorted({lib["num_threads"] for lib in threadpool_info()
                            if lib["user_api"] == "blas"}),
}))
"""


def title_line(path):
    """Line number of the page's ``st.title(`` call."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1)
                if line.startswith("st.title("))


def test_home_sends_its_title_before_any_heavy_library_then_the_server_is_tuned():
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["titles"] == ["Liquid Lab"] and report["exceptions"] == 0
    below_title = title_line(HOME)
    for library, frame in report["first"].items():
        assert frame is not None and frame[0] == str(HOME) and frame[1] > below_title, (
            f"{library} first imported at {frame}, not in Home below its title "
            f"(line {below_title})")
    assert set(report["first"]) == {"numpy", "scipy", "sklearn", "pandas"}
    assert report["loaded"] == ["lnn_core.figures.story", "lnn_core.lab.digit_experiments",
                                "lnn_core.sweep.run", "plotly.graph_objects"]
    assert report["frozen"] > 100_000              # the libraries' objects (~170,000)
    assert report["blas_threads"] == [1]
