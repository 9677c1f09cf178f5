"""The session's runs (for the Runs page) and parameter downloads."""

import json
import time

import numpy as np
import streamlit as st

from .params import ReservoirParams

#: Most runs kept per session (oldest dropped first).
MAX_RUNS = 100


def _as_curve(curve):
    """``(x, y)`` pair or a y sequence -> ``{"x": [...], "y": [...]}`` of floats."""
    if isinstance(curve, tuple) and len(curve) == 2:
        x, y = curve
    else:
        y = curve
        x = np.arange(len(y))
    return {"x": np.asarray(x, dtype=float).tolist(), "y": np.asarray(y, dtype=float).tolist()}


def record_run(kind, data, params, metrics, seconds, curves=None):
    """Append one finished experiment to ``st.session_state["runs"]``.

    Parameters
    ----------
    kind : str
        What ran, e.g. ``"MNIST"``, ``"Time series"``, ``"Sweep"``.
    data : str
        The data set or series, in words.
    params : dict
        Parameters (e.g. ``ReservoirParams.as_dict()`` plus page options).
    metrics : dict
        Scores by name, e.g. ``{"accuracy": 0.91}`` or ``{"NRMSE": 0.05}``.
    seconds : float
        Wall time of the run.
    curves : dict of str to (x, y) or y, optional
        Curves the Runs page can overlay, e.g. ``{"memory capacity": (delays, mc)}``.

    Returns
    -------
    dict
        The stored record (with ``id`` and ``time``).
    """
    runs = st.session_state.setdefault("runs", [])
    record = {
        "id": (runs[-1]["id"] + 1) if runs else 1,
        "time": time.strftime("%H:%M:%S"),
        "kind": str(kind), "data": str(data),
        "params": dict(params), "metrics": {k: float(v) for k, v in metrics.items()},
        "seconds": float(seconds),
        "curves": {name: _as_curve(c) for name, c in (curves or {}).items()},
    }
    runs.append(record)
    del runs[:-MAX_RUNS]
    return record


def download_params_button(params, file_name="parameters.json", label="Download parameters (JSON)"):
    """A download button with ``params`` (a dict or ``ReservoirParams``) as JSON."""
    if isinstance(params, ReservoirParams):
        params = params.as_dict()
    st.download_button(label, json.dumps(params, indent=2, default=str), file_name=file_name,
                       mime="application/json", icon=":material/download:",
                       on_click="ignore")
