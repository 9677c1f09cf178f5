"""The engine stays pure, and nothing unpickles what a user can supply."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_lnn_core_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "lnn_core").rglob("*.py")
                 if any(m.split(".")[0] == "streamlit" for m in _imports(p))]
    assert offenders == []


def test_importing_lnn_core_does_not_load_streamlit():
    code = "import sys, lnn_core, lnn_core.data.datasets; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_no_pickle_loads_in_app_or_core():
    pattern_hits = []
    for path in [*ROOT.glob("*.py"), *(ROOT / "pages").rglob("*.py"), *(ROOT / "lnn_core").rglob("*.py")]:
        text = path.read_text()
        for needle in ("pickle.load", "allow_pickle=True", "joblib.load(", "cloudpickle"):
            if needle in text:
                pattern_hits.append(f"{path.relative_to(ROOT)}: {needle}")
    assert pattern_hits == []
