"""Parameter checks shared by the engine: one clear ``ValueError`` per bad value."""

import math
import numbers

__all__ = ["check_number", "check_int", "check_choice", "check_seed"]


def check_number(name, value, *, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a float after checking it lies in the allowed range.

    Parameters
    ----------
    name : str
        Parameter name used in the message.
    value : object
        Value to check; must be a real, finite number (bools are refused).
    low, high : float or None
        Bounds; ``None`` means unbounded.
    low_open, high_open : bool
        Whether the bound itself is excluded.

    Raises
    ------
    ValueError
        ``"spectral_radius must be a number >= 0, got -1"``-style message.
    """
    rng = _describe_range(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number {rng}, got {value!r}")
    value = float(value)
    bad = not math.isfinite(value)
    if low is not None:
        bad |= value <= low if low_open else value < low
    if high is not None:
        bad |= value >= high if high_open else value > high
    if bad:
        raise ValueError(f"{name} must be a number {rng}, got {value!r}")
    return value


def check_int(name, value, *, low=None, high=None):
    """Return ``value`` as an int after checking ``low <= value <= high``."""
    rng = _describe_range(low, high, False, False)
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number {rng}, got {value!r}")
    if not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number {rng}, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number {rng}, got {value!r}")
    return value


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def check_seed(name, value):
    """Return a seed usable by ``np.random.default_rng`` (int >= 0 or None)."""
    if value is None:
        return None
    return check_int(name, value, low=0)


def _describe_range(low, high, low_open, high_open):
    if low is not None and high is not None:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        return f"in {left}{low:g}, {high:g}{right}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return "(finite)"
