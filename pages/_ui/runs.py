"""The session's runs (for the Runs page): recording, labels that say what differs,
comparison of two runs, and parameter downloads."""

import json
import time

import numpy as np
import pandas as pd
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
        What ran, e.g. ``"MNIST"``, ``"Article ladder"``, ``"Accuracy curve"``,
        ``"Memory capacity"``, ``"Time series"``, ``"Sweep"``.
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


def value_text(value):
    """A parameter's value in words: floats with ``:g``, the rest as ``str``."""
    return f"{value:g}" if isinstance(value, float) else str(value)


#: Most differing parameters named in a run's label (the comparison shows them all).
LABEL_PARAMETERS = 4


def run_labels(runs):
    """A label per run that says what differs from the other runs of its kind.

    Parameters
    ----------
    runs : list of dict
        Records of :func:`record_run`.

    Returns
    -------
    dict of int to str
        ``"#3 Memory capacity · spectral radius 1.6, input scaling 0.2"``: the
        data when it differs (or when the run is the only one of its kind),
        then each parameter whose value is not the same in all runs of that
        kind (at most :data:`LABEL_PARAMETERS`, then "…").
    """
    labels = {}
    for kind in dict.fromkeys(run["kind"] for run in runs):
        group = [run for run in runs if run["kind"] == kind]
        names = dict.fromkeys(name for run in group for name in run["params"])
        varying = [name for name in names
                   if len({value_text(run["params"].get(name, "–")) for run in group}) > 1]
        show_data = len(group) == 1 or len({run["data"] for run in group}) > 1
        for run in group:
            parts = [run["data"]] if show_data else []
            parts += [f"{name.replace('_', ' ')} {value_text(run['params'].get(name, '–'))}"
                      for name in varying[:LABEL_PARAMETERS]]
            if len(varying) > LABEL_PARAMETERS:
                parts.append("…")
            labels[run["id"]] = f"#{run['id']} {kind} · " + (", ".join(parts) or "same settings")
    return labels


def runs_table(runs):
    """One row per run: its label (what differs), what ran, one column per score, all parameters."""
    labels = run_labels(runs)
    rows = []
    for run in runs:
        row = {"run": run["id"], "label": labels[run["id"]], "time": run["time"],
               "kind": run["kind"], "data": run["data"]}
        row.update(run["metrics"])
        row["seconds"] = round(run["seconds"], 2)
        row["parameters"] = ", ".join(f"{k}={value_text(v)}" for k, v in run["params"].items())
        rows.append(row)
    table = pd.DataFrame(rows)
    # every score before the long parameters text, whichever run brought it in
    last = ["seconds", "parameters"]
    return table[[c for c in table.columns if c not in last] + last]


def presenter_runs_table(runs):
    """The runs table of presenter mode: one row per run, four columns.

    At 18 px, :func:`runs_table`'s nine columns (one per score of any run, all
    parameters in one cell) wrapped into rows of 13 lines, 368 px tall at
    1280×720.  Here each run has its label (number, kind, what differs), its
    data, its own scores in one cell (``"train accuracy 1, test accuracy
    0.9867"``: no column per score of every kind) and its seconds; the time and
    every parameter are in the CSV and in :func:`run_parameters`.
    """
    labels = run_labels(runs)
    return pd.DataFrame({
        "label": [labels[run["id"]] for run in runs],
        "data": [run["data"] for run in runs],
        "scores": [", ".join(f"{name} {value:.4g}" for name, value in run["metrics"].items())
                   or "–" for run in runs],
        "seconds": [round(run["seconds"], 2) for run in runs]})


def run_parameters(run):
    """Every parameter of one run, one row each: columns ``parameter`` and ``value`` (text)."""
    return pd.DataFrame({"parameter": list(run["params"]),
                         "value": [value_text(value) for value in run["params"].values()]},
                        dtype=object)


def parameter_diff(first, second):
    """The parameters (and kind, data) that differ between two runs.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter``, ``#<id of first>``, ``#<id of second>``; one row
        per differing entry, ``–`` where a run does not have the parameter.
    """
    rows = [(field, first[field], second[field]) for field in ("kind", "data")
            if first[field] != second[field]]
    for name in dict.fromkeys([*first["params"], *second["params"]]):
        values = [value_text(run["params"].get(name, "–")) for run in (first, second)]
        if values[0] != values[1]:
            rows.append((name, *values))
    return pd.DataFrame(rows, columns=["parameter", f"#{first['id']}", f"#{second['id']}"],
                        dtype=object)


def score_table(first, second):
    """Every score of either run, and its wall time, side by side (NaN where a run has none)."""
    names = list(dict.fromkeys([*first["metrics"], *second["metrics"]]))
    rows = [(name, first["metrics"].get(name, np.nan), second["metrics"].get(name, np.nan))
            for name in names]
    rows.append(("seconds", first["seconds"], second["seconds"]))
    return pd.DataFrame(rows, columns=["score", f"#{first['id']}", f"#{second['id']}"])


def comparison_csv(first, second):
    """The comparison as CSV text: one ``section`` column (score / parameter), then both runs."""
    scores = score_table(first, second).rename(columns={"score": "name"})
    params = parameter_diff(first, second).rename(columns={"parameter": "name"})
    table = pd.concat([scores.assign(section="score"), params.assign(section="parameter")])
    return table[["section", "name", f"#{first['id']}", f"#{second['id']}"]].to_csv(index=False)


def download_params_button(params, file_name="parameters.json", label="Download parameters (JSON)"):
    """A download button with ``params`` (a dict or ``ReservoirParams``) as JSON."""
    if isinstance(params, ReservoirParams):
        params = params.as_dict()
    st.download_button(label, json.dumps(params, indent=2, default=str), file_name=file_name,
                       mime="application/json", icon=":material/download:",
                       on_click="ignore")
