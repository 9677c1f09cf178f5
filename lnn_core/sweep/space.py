"""What a sweep searches: the parameters, their bounds, grids and random points."""

import itertools
import math

import numpy as np

from .._validation import check_choice, check_int, check_number

#: Parameters a sweep can vary, in the order of the result columns.
PARAMETERS = ("n_units", "spectral_radius", "density", "input_scaling", "bias_scaling",
              "leak_rate", "ridge")
#: Parameters that change the reservoir (and so its states); ``ridge`` does not.
RESERVOIR_PARAMETERS = PARAMETERS[:-1]
#: Values used for every parameter that is neither swept nor fixed.
DEFAULT_PARAMETERS = {"n_units": 200, "spectral_radius": 0.9, "density": 0.1,
                      "input_scaling": 0.5, "bias_scaling": 0.2, "leak_rate": 1.0,
                      "ridge": 1e-4}
#: Spacing of grid values and sampling of random points.
SCALES = ("linear", "log")
#: Score of each kind of task and which way is better.
METRICS = {"accuracy": "max", "nrmse": "min"}
#: Columns of :attr:`SweepResult.runs` and of a results CSV, one row per (point, seed).
RESULT_COLUMNS = ("point", "task", "metric", *PARAMETERS, "seed", "score")

# Allowed range of each parameter, as keyword arguments of check_number.
_BOUNDS = {
    "spectral_radius": {"low": 0},
    "density": {"low": 0, "high": 1},
    "input_scaling": {"low": 0},
    "bias_scaling": {"low": 0},
    "leak_rate": {"low": 0, "high": 1, "low_open": True},
    "ridge": {"low": 0},
}


class SweepCancelled(Exception):
    """Raise from a progress callback to stop a sweep; the points done are kept."""


def check_parameter(name, value):
    """Return ``value`` checked against the allowed range of parameter ``name``.

    ``n_units`` becomes an int >= 1, every other parameter a float.

    Raises
    ------
    ValueError
        Unknown name, or a value outside the range (the message names both).

    Examples
    --------
    >>> check_parameter("leak_rate", 0.3)
    0.3
    """
    check_choice("parameter", name, PARAMETERS)
    if name == "n_units":
        return check_int("n_units", value, low=1)
    return check_number(name, value, **_BOUNDS[name])


# --------------------------------------------------------------------------- #
# Search spaces
# --------------------------------------------------------------------------- #
def _check_range(name, low, high, scale):
    low, high = check_parameter(name, low), check_parameter(name, high)
    check_choice("scale", scale, SCALES)
    if high < low:
        raise ValueError(f"the range of {name} must have low <= high, got low={low:g}, "
                         f"high={high:g}")
    if scale == "log" and low <= 0:
        raise ValueError(f"a log scale for {name} needs low > 0, got low={low:g}")
    return low, high


def spaced(name, low, high, n, scale="linear"):
    """``n`` values of parameter ``name`` from ``low`` to ``high``, ends included.

    Parameters
    ----------
    name : str
        One of :data:`PARAMETERS`.
    low, high : float
        Ends of the range, ``low <= high``, both allowed values of ``name``.
    n : int >= 1
        Number of values (1 gives ``[low]``).
    scale : {"linear", "log"}
        Even steps, or even ratios (``low > 0`` needed).

    Returns
    -------
    tuple
        Increasing values; for ``n_units`` rounded to whole numbers with
        duplicates dropped (so possibly fewer than ``n``).

    Examples
    --------
    >>> spaced("ridge", 1e-6, 1e-2, 3, "log")
    (1e-06, 0.0001, 0.01)
    """
    low, high = _check_range(name, low, high, scale)
    n = check_int("n", n, low=1)
    values = np.geomspace(low, high, n) if scale == "log" else np.linspace(low, high, n)
    values[0], values[-1] = low, high                      # exact ends despite round-off
    if name == "n_units":
        return tuple(dict.fromkeys(round(v) for v in values))
    return tuple(float(v) for v in values)


def grid_points(axes):
    """Every combination of the axes' values, the first axis varying slowest.

    Parameters
    ----------
    axes : dict of str to sequence
        Parameter name to its values, in axis order (a 2-D grid has rows
        along the first axis and columns along the second).

    Returns
    -------
    list of dict
        One ``{name: value}`` per point, ``prod(len(values))`` of them.

    Examples
    --------
    >>> grid_points({"spectral_radius": [0.5, 1.0], "leak_rate": [0.3]})
    [{'spectral_radius': 0.5, 'leak_rate': 0.3}, {'spectral_radius': 1.0, 'leak_rate': 0.3}]
    """
    if not axes:
        raise ValueError("a grid needs at least one axis (parameter name -> values)")
    checked = {}
    for name, values in axes.items():
        values = [check_parameter(name, v) for v in np.atleast_1d(np.asarray(values)).tolist()]
        if not values:
            raise ValueError(f"the grid axis {name} has no values")
        checked[name] = values
    return [dict(zip(checked, combo)) for combo in itertools.product(*checked.values())]


def random_points(ranges, n_points, seed):
    """``n_points`` points drawn independently from the given ranges.

    Parameters
    ----------
    ranges : dict of str to (low, high) or (low, high, scale)
        Uniform (``"linear"``) or log-uniform (``"log"``) on ``[low, high]``;
        ``n_units`` is rounded to a whole number.
    n_points : int >= 1
    seed : int >= 0
        Seed of the draw; each parameter gets its own child generator, so
        adding a range leaves the others' values unchanged.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> points = random_points({"ridge": (1e-8, 1e-2, "log")}, 3, seed=0)
    >>> len(points), sorted(points[0])
    (3, ['ridge'])
    """
    if not ranges:
        raise ValueError("a random search needs at least one range (parameter name -> "
                         "(low, high) or (low, high, scale))")
    n_points = check_int("n_points", n_points, low=1)
    rngs = np.random.default_rng(check_int("seed", seed, low=0)).spawn(len(ranges))
    columns = {}
    for rng, (name, spec) in zip(rngs, ranges.items()):
        if not isinstance(spec, (tuple, list)) or len(spec) not in (2, 3):
            raise ValueError(f"the range of {name} must be (low, high) or (low, high, scale), "
                             f"got {spec!r}")
        low, high, scale = (*spec, "linear") if len(spec) == 2 else spec
        low, high = _check_range(name, low, high, scale)
        if scale == "log":
            values = np.exp(rng.uniform(math.log(low), math.log(high), n_points))
        else:
            values = rng.uniform(low, high, n_points)
        if name == "n_units":
            columns[name] = [round(v) for v in values]
        else:
            columns[name] = [float(np.clip(v, low, high)) for v in values]
    return [dict(zip(columns, combo)) for combo in zip(*columns.values())]


