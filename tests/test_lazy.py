"""The packages re-export lazily: nothing heavy at ``import lnn_core``, every public name still there."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import lnn_core
from lnn_core import _lazy

ROOT = Path(__file__).resolve().parents[1]
#: Lazy subpackage -> the modules whose ``__all__`` it re-exports.
REEXPORTS = {
    "lnn_core.engine": ("cells", "estimators", "metrics", "model_io", "readout", "reservoir",
                        "states"),
    "lnn_core.data": ("datasets", "augment", "digits", "standardiser"),
    "lnn_core.lab": ("article", "digit_experiments", "irregular", "timeseries"),
    "lnn_core.figures": ("basic",),
}
#: Submodules a package lists in its ``__all__`` too.
EXPORTED_SUBMODULES = {"lnn_core.figures": ("basic", "story", "sweep")}
#: ``lnn_core.__all__`` as it was with eager imports.
PUBLIC_API = {
    "CELLS", "CELL_DEFAULTS", "POOLINGS", "DataError", "EchoStateClassifier",
    "EchoStateRegressor", "Reservoir", "RidgeAccumulator", "accuracy", "collect_features",
    "confusion_matrix", "echo_state_check", "echo_state_edge", "make_reservoir",
    "memory_capacity", "nrmse", "pinv_readout", "ridge_solve", "run_states", "valid_time",
}
#: The libraries a lazy package must not load before a name of it is used.
HEAVY = ("numpy", "scipy", "sklearn", "pandas", "pyarrow", "plotly")


def loaded_after(code):
    """Which of :data:`HEAVY` a fresh interpreter has loaded after running ``code``."""
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_importing_the_packages_loads_no_library():
    assert loaded_after("import lnn_core, lnn_core.engine, lnn_core.data, lnn_core.lab, "
                        "lnn_core.figures") == []


def test_a_name_loads_only_what_its_module_needs():
    assert loaded_after("import lnn_core\nlnn_core.DataError") == []
    assert "sklearn" not in loaded_after("from lnn_core import make_reservoir")
    assert "sklearn" in loaded_after("from lnn_core import EchoStateClassifier")


@pytest.mark.parametrize("package", sorted(REEXPORTS))
def test_each_subpackage_reexports_its_modules_all(package):
    module = importlib.import_module(package)
    origin = {}                              # name -> the last module listing it, as `import *`
    for name in REEXPORTS[package]:
        origin.update(dict.fromkeys(importlib.import_module(f"{package}.{name}").__all__, name))
    submodules = EXPORTED_SUBMODULES.get(package, ())
    assert sorted(module.__all__) == sorted([*submodules, *origin])
    for name, source in origin.items():
        assert getattr(module, name) is getattr(importlib.import_module(f"{package}.{source}"), name)
    assert set(module.__all__) <= set(dir(module))


def test_the_public_api_resolves_and_is_listed():
    assert set(lnn_core.__all__) == PUBLIC_API
    star = f"from lnn_core import *\nassert set({sorted(PUBLIC_API)}) <= set(globals())"
    assert "sklearn" in loaded_after(star)
    assert lnn_core.make_reservoir is lnn_core.engine.reservoir.make_reservoir
    assert lnn_core.DataError is lnn_core.errors.DataError
    assert {"make_reservoir", "EchoStateClassifier", "figures", "sweep"} <= set(dir(lnn_core))
    assert lnn_core.engine.metrics.state_swing.__module__ == "lnn_core.engine.metrics"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'lnn_core' has no attribute 'reservior'"):
        lnn_core.reservior      # noqa: B018  (the look-up is the test)
    with pytest.raises(ImportError, match="cannot import name 'make_reservior'"):
        from lnn_core.engine import make_reservior  # noqa: F401


def test_a_module_without_a_literal_all_is_named(tmp_path):
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "loose.py").write_text("__all__ = sorted(['b', 'a'])\n")
    with pytest.raises(ValueError, match=r"loose\.py defines no literal __all__"):
        _lazy.public_names(str(tmp_path / "__init__.py"), ("loose",))
