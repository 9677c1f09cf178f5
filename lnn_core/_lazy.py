"""Lazy re-exports for the packages' ``__init__`` files (PEP 562 module ``__getattr__``).

A package lists the names it re-exports and the submodule defining each; a name is
imported the first time it is used, not when the package is.  ``import lnn_core``
therefore loads neither NumPy nor SciPy, scikit-learn or Plotly, and the app's router
shows a page title before any of them is loaded.  ``from lnn_core import make_reservoir``,
``lnn_core.figures``, ``dir(lnn_core)`` and ``from lnn_core.engine import *`` work as
with eager imports.  The pattern is scientific Python's SPEC 1 (``lazy_loader.attach``).

>>> __getattr__, __dir__, __all__ = attach("lnn_core", {"errors": ("DataError",)})
>>> __all__
['DataError']
"""

import ast
import importlib
import sys
from pathlib import Path


def attach(package, exports, submodules=(), *, export_submodules=False):
    """``(__getattr__, __dir__, __all__)`` for a package whose names live in its submodules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to sequence of str
        Submodule (relative to ``package``, dotted, e.g. ``"engine.cells"``) -> the
        names re-exported from it, in ``__all__`` order.  A name listed twice is taken
        from its last submodule, as successive ``from .x import *`` would.
    submodules : sequence of str, optional
        Submodules reachable as attributes (``package.figures``) before anyone imported them.
    export_submodules : bool, default False
        Whether ``__all__`` starts with ``submodules`` (``from package import *`` binds them).

    Returns
    -------
    __getattr__ : callable
        Imports the submodule that defines a name on its first use and keeps the value
        in the package's namespace (later uses are plain attribute look-ups).
    __dir__ : callable
        The package's namespace, its re-exported names and its submodules.
    __all__ : list of str
        The re-exported names (after the submodules with ``export_submodules``).
    """
    origin = {name: module for module, names in exports.items() for name in names}
    lazy_submodules = frozenset(submodules)

    def __getattr__(name):
        if name in origin:
            value = getattr(importlib.import_module(f"{package}.{origin[name]}"), name)
        elif name in lazy_submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__():
        return sorted({*vars(sys.modules[package]), *origin, *lazy_submodules})

    return __getattr__, __dir__, [*(submodules if export_submodules else ()), *origin]


def public_names(package_file, modules):
    """Each module's ``__all__``, read from its source without importing it.

    Parameters
    ----------
    package_file : str
        The package's ``__file__``; the modules are files beside it.
    modules : sequence of str
        Module names (``"cells"`` for ``cells.py``), each defining ``__all__`` as a
        literal list or tuple of strings.

    Returns
    -------
    dict of str to tuple of str
        Module -> its ``__all__``, ready for :func:`attach`.

    Raises
    ------
    ValueError
        When a module has no literal ``__all__`` (the package could not know its names).
    """
    folder = Path(package_file).parent
    found = {}
    for module in modules:
        path = folder / f"{module}.py"
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and getattr(node.targets[0], "id", None) == "__all__"):
                try:
                    found[module] = tuple(ast.literal_eval(node.value))
                except ValueError:          # computed, e.g. sorted([...]): unknown until run
                    found.pop(module, None)
        if module not in found:
            raise ValueError(f"{path} defines no literal __all__: the package "
                             f"{folder.name!r} re-exports each module's __all__, so it needs one")
    return found
