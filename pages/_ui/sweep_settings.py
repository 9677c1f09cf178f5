"""The Sweep page's widgets: their names in the URL, the ranges they sweep, and their defaults.

Literal values only: every page's run imports this module (through
:mod:`.page_settings`, whose Reset restores these defaults), and ``lnn_core.sweep``
would load NumPy and pandas.  ``tests/app/test_sweep_page.py`` checks the names
against ``lnn_core.sweep.PARAMETERS``.
"""

#: Allowed range (the shared widgets') and default swept range of each parameter but ridge.
RANGES = {"n_units": (10, 2000, (50, 400)), "spectral_radius": (0.0, 2.0, (0.1, 1.5)),
          "density": (0.01, 1.0, (0.05, 0.5)), "input_scaling": (0.0, 5.0, (0.1, 2.0)),
          "bias_scaling": (0.0, 2.0, (0.0, 1.0)), "leak_rate": (0.01, 1.0, (0.1, 1.0))}
#: Default swept ridge range: always log-spaced, over the ridge slider's options.
RIDGE_RANGE = (1e-8, 1e-2)


def range_key(name):
    """Widget key (and URL name) of the swept range of parameter ``name``, on either search:
    ``sweep_spectral_radius_range``."""
    return f"sweep_{name}_range"


def log_key(name):
    """Widget key of the "log spacing" checkbox of parameter ``name`` (not ridge's)."""
    return f"sweep_{name}_log"


#: Every widget of the page that changes what it shows or runs (its key, which is its name
#: in the URL) and its default, left out of a link and restored by Reset.
SWEEP_WIDGETS = {
    "sweep_task": "digits", "sweep_search": "Grid",
    "sweep_rows": "spectral_radius", "sweep_columns": "leak_rate",     # "none": no columns
    "sweep_rows_values": 8, "sweep_columns_values": 8,
    "sweep_parameters": ["spectral_radius", "leak_rate", "ridge"],     # the random search's
    "sweep_n_points": 40, "sweep_sample_seed": 0, "sweep_seeds_per_point": 1,
    range_key("ridge"): RIDGE_RANGE,
    **{range_key(name): default for name, (_, _, default) in RANGES.items()},
    **{log_key(name): name == "leak_rate" for name in RANGES},
}
