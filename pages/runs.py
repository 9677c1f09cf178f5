"""Runs: every experiment of this session in one table, with curves to overlay."""

import pandas as pd
import streamlit as st

from lnn_core import figures
from pages._ui.presenter import show_figure, style_figure
from pages._ui.shell import available_pages, through_router

through_router()

def runs_table(runs):
    """One row per run: what ran, its parameters in words, one column per metric."""
    rows = []
    for run in runs:
        row = {"run": run["id"], "time": run["time"], "kind": run["kind"], "data": run["data"]}
        row.update(run["metrics"])
        row["seconds"] = round(run["seconds"], 2)
        row["parameters"] = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                                      for k, v in run["params"].items())
        rows.append(row)
    table = pd.DataFrame(rows)
    # every score before the long parameters text, whichever run brought it in
    last = ["seconds", "parameters"]
    return table[[c for c in table.columns if c not in last] + last]


def clear_runs():
    """Forget every recorded run (on_click callback)."""
    st.session_state["runs"] = []


st.title("Runs")
st.markdown(
    "Each training or measurement you run in this session lands here: the data, "
    "the parameters, the score (accuracy, NRMSE, memory capacity …) and the time "
    "it took. Select runs to overlay their curves, or download the table.")

runs = st.session_state.get("runs", [])
if not runs:
    st.info("No runs yet. Train on MNIST or a time series, or measure memory capacity on "
            "the Dynamics page: every run is recorded here.", icon=":material/info:")
    for path, title, icon, _ in available_pages():
        if path in ("pages/dynamics.py", "pages/mnist.py", "pages/timeseries.py"):
            st.page_link(path, label=title, icon=icon)
    st.stop()

table = runs_table(runs)
st.dataframe(table, width="stretch", hide_index=True,
             column_config={"parameters": st.column_config.TextColumn(width="large")})
left, right = st.columns([1, 4])
left.download_button("Download CSV", table.to_csv(index=False), file_name="liquid_lab_runs.csv",
                     mime="text/csv", icon=":material/download:", on_click="ignore")
right.button("Clear runs", on_click=clear_runs, icon=":material/delete:")

with_curves = {run["id"]: run for run in runs if run["curves"]}
if not with_curves:
    st.caption("None of these runs recorded a curve to overlay.")
    st.stop()
chosen = st.multiselect("Runs to overlay", list(with_curves),
                        default=list(with_curves)[-3:], key="overlay_runs",
                        format_func=lambda i: f"#{i} {with_curves[i]['kind']} · "
                                              f"{with_curves[i]['data']}")
curves = [(f"#{i} {name}", curve["x"], curve["y"])
          for i in chosen for name, curve in with_curves[i]["curves"].items()]
if curves:
    show_figure(style_figure(figures.curves_figure(
        curves, x_title="delay / step", y_title="value", title="Curves of the chosen runs")),
                    width="stretch")
