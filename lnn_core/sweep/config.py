"""A sweep described in a JSON file (``--config``), checked key by key."""

import json
from dataclasses import dataclass
from pathlib import Path

from .._validation import check_choice
from .run import _check_seeds, _complete_points
from .space import PARAMETERS, check_parameter, grid_points, random_points, spaced
from .tasks import TASKS, _check_task_options, make_task

# --------------------------------------------------------------------------- #
# Configuration files and the command line
# --------------------------------------------------------------------------- #
_CONFIG_KEYS = ("task", "task_options", "grid", "random", "fixed", "seeds")


@dataclass(frozen=True)
class SweepConfig:
    """A sweep described by a JSON file (see ``examples/sweep.json``).

    Attributes
    ----------
    task : str
        A key of :data:`TASKS`.
    task_options : dict
        Keyword arguments of the task's factory.
    points : list of dict
        Grid or random points.
    fixed : dict
        Parameters held constant.
    seeds : tuple of int
    """

    task: str
    task_options: dict
    points: list
    fixed: dict
    seeds: tuple

    def make_task(self):
        """Build the task; a bad option value is a ``ValueError`` naming ``task_options``."""
        return _wrap("task_options", make_task, self.task, **self.task_options)


def _config_error(key, message):
    return ValueError(f"config key {key!r}: {message}")


def _dict_at(config, key):
    value = config.get(key, {})
    if not isinstance(value, dict):
        raise _config_error(key, f"must be an object ({{...}}), got {value!r}")
    return value


def _range_spec(key, spec, with_n):
    """Check one axis/range object; return (low, high, scale[, n]) or values."""
    if not isinstance(spec, dict):
        raise _config_error(key, f"must be an object with low, high{', n' if with_n else ''} "
                                 f"and optional scale, got {spec!r}")
    allowed = ("low", "high", "n", "scale", "values") if with_n else ("low", "high", "scale")
    for sub in spec:
        if sub not in allowed:
            raise _config_error(f"{key}.{sub}", f"unknown; allowed: {', '.join(allowed)}")
    if with_n and "values" in spec:
        if set(spec) != {"values"} or not isinstance(spec["values"], list):
            raise _config_error(f"{key}.values", "must be a list, given alone")
        return spec["values"]
    needed = ("low", "high", "n") if with_n else ("low", "high")
    for sub in needed:
        if sub not in spec:
            raise _config_error(f"{key}.{sub}", "is missing")
    return spec


def _wrap(key, call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ValueError as exc:
        raise _config_error(key, str(exc)) from None


def load_config(source):
    """Read a sweep configuration from a JSON file or a dict.

    Format::

        {"task": "digits",                      # a key of TASKS
         "task_options": {},                    # keyword arguments of the task
         "grid": {"spectral_radius": {"low": 0.1, "high": 1.5, "n": 8},
                  "leak_rate": {"low": 0.05, "high": 1, "n": 8, "scale": "log"},
                  "ridge": {"values": [1e-6, 1e-4]}},
         "fixed": {"n_units": 200},
         "seeds": [0, 1, 2]}

    or, instead of ``grid``, ``"random": {"n_points": 40, "seed": 0,
    "ranges": {"spectral_radius": {"low": 0.1, "high": 1.5}, ...}}``.

    Raises
    ------
    ValueError
        Naming the key at fault (``config key 'grid.leak_rate.high': ...``).
    """
    if isinstance(source, dict):
        config = source
    else:
        path = Path(source)
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"the config file {path} is not valid JSON: {exc}") from None
        if not isinstance(config, dict):
            raise ValueError(f"the config file {path} must hold a JSON object")
    for key in config:
        if key not in _CONFIG_KEYS:
            raise _config_error(key, f"unknown; allowed: {', '.join(_CONFIG_KEYS)}")
    if "task" not in config:
        raise _config_error("task", f"is missing; one of {', '.join(TASKS)}")
    task = _wrap("task", check_choice, "task", config["task"], tuple(TASKS))
    task_options = _dict_at(config, "task_options")
    _wrap("task_options", _check_task_options, task, task_options)
    if ("grid" in config) == ("random" in config):
        raise _config_error("grid", "give exactly one of 'grid' and 'random'")
    if "grid" in config:
        axes = {}
        for name, spec in _dict_at(config, "grid").items():
            key = f"grid.{name}"
            _wrap(key, check_choice, "parameter", name, PARAMETERS)
            spec = _range_spec(key, spec, with_n=True)
            if isinstance(spec, list):
                axes[name] = spec
            else:
                axes[name] = _wrap(key, spaced, name, spec["low"], spec["high"], spec["n"],
                                   spec.get("scale", "linear"))
        points = _wrap("grid", grid_points, axes)
    else:
        random = _dict_at(config, "random")
        for sub in random:
            if sub not in ("n_points", "seed", "ranges"):
                raise _config_error(f"random.{sub}", "unknown; allowed: n_points, seed, ranges")
        if "n_points" not in random:
            raise _config_error("random.n_points", "is missing")
        ranges = {}
        for name, spec in _dict_at(random, "ranges").items():
            key = f"random.ranges.{name}"
            _wrap(key, check_choice, "parameter", name, PARAMETERS)
            spec = _range_spec(key, spec, with_n=False)
            ranges[name] = (spec["low"], spec["high"], spec.get("scale", "linear"))
        points = _wrap("random", random_points, ranges, random["n_points"], random.get("seed", 0))
    fixed = _dict_at(config, "fixed")
    for name, value in fixed.items():
        _wrap(f"fixed.{name}", check_parameter, name, value)
    seeds = config.get("seeds", [0])
    if not isinstance(seeds, list):
        raise _config_error("seeds", f"must be a list of whole numbers >= 0, got {seeds!r}")
    seeds = _wrap("seeds", _check_seeds, seeds)
    _wrap("fixed", _complete_points, points[:1], fixed)
    return SweepConfig(task, dict(task_options), points, dict(fixed), seeds)

