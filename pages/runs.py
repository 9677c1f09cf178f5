"""Runs: every experiment of this session in one table; two of them side by side; curves to overlay."""

import math

import streamlit as st

from lnn_core import figures
from pages._ui.presenter import presenter_mode, show_figure, style_figure
from pages._ui.runs import (
    comparison_csv,
    parameter_diff,
    presenter_runs_table,
    run_labels,
    run_parameters,
    runs_table,
    score_table,
)
from pages._ui.shell import available_pages, through_router
from pages._ui.tables import show_table
from pages._ui.text import figure_text, plain

through_router()


def clear_runs():
    """Forget every recorded run (on_click callback)."""
    st.session_state["runs"] = []


def comparison_figure(first, second, labels):
    """Both runs' curves overlaid, or, without curves, their scores side by side."""
    curves = [(figure_text(f"{labels[run['id']]}: {name}", limit=70), curve["x"], curve["y"])
              for run in (first, second) for name, curve in run["curves"].items()]
    if curves:
        return figures.curves_figure(curves, x_title="delay / step / value", y_title="value",
                                     title=f"Curves of runs #{first['id']} and #{second['id']}")
    scores = score_table(first, second)
    scores = scores[scores["score"] != "seconds"]
    return figures.score_bars_figure(
        list(scores["score"]), {figure_text(labels[run["id"]], limit=70): list(scores[f"#{run['id']}"])
                                for run in (first, second)},
        title=f"Scores of runs #{first['id']} and #{second['id']}")


st.title("Runs")
st.markdown(
    "Each training or measurement you run in this session lands here: the data, "
    "the parameters, the score (accuracy, NRMSE, memory capacity …) and the time "
    "it took. Each run's label says what differs from the other runs of its kind. "
    "Compare two runs side by side, overlay curves, or download the table.")

runs = st.session_state.get("runs", [])
if not runs:
    st.info("No runs yet. Train on MNIST or a time series, or measure memory capacity on "
            "the Dynamics page: every run is recorded here.", icon=":material/info:")
    for path, title, icon, _ in available_pages():
        if path in ("pages/dynamics.py", "pages/mnist.py", "pages/timeseries.py"):
            st.page_link(path, label=title, icon=icon)
    st.stop()

labels = run_labels(runs)
table = runs_table(runs)
by_id = {run["id"]: run for run in runs}
if presenter_mode():            # rows of two or three lines at 18 px; parameters one run at a time
    show_table(presenter_runs_table(runs))
    with st.expander("Every parameter of a run"):
        shown = st.selectbox("Run", list(by_id), index=len(runs) - 1, format_func=labels.get,
                             key="parameters_run")
        show_table(run_parameters(by_id[shown]))
else:
    show_table(table, wide=("label", "parameters"))
left, right = st.columns(2)
left.download_button("Download CSV", table.to_csv(index=False), file_name="liquid_lab_runs.csv",
                     mime="text/csv", icon=":material/download:", on_click="ignore")
right.button("Clear runs", on_click=clear_runs, icon=":material/delete:")

st.subheader("Compare two runs")
if len(runs) < 2:
    st.info("Record a second run to compare the two side by side.", icon=":material/info:")
else:
    ids = list(by_id)
    left, right = st.columns(2)
    first = by_id[left.selectbox("First run", ids, index=len(ids) - 2, format_func=labels.get,
                                 key="compare_first")]
    second = by_id[right.selectbox("Second run", ids, index=len(ids) - 1,
                                   format_func=labels.get, key="compare_second")]
    for _, (name, a, b) in score_table(first, second).iterrows():
        shown = "{:.2f} s" if name == "seconds" else "{:.4g}"       # seconds: not to 0.1 ms
        both = not (math.isnan(a) or math.isnan(b))
        same = both and shown.format(a) == shown.format(b)
        left.metric(f"{plain(name)} · #{first['id']}", "–" if math.isnan(a) else shown.format(a))
        right.metric(f"{plain(name)} · #{second['id']}", "–" if math.isnan(b) else shown.format(b),
                     delta=("same" if same else f"{b - a:+.3g}") if both else None,
                     delta_arrow="off" if same else "auto",
                     delta_color="off" if same or name == "seconds" else "normal")
    diff = parameter_diff(first, second)
    if diff.empty:
        st.caption("The two runs have the same kind, data and parameters.")
    else:
        show_table(diff)
    show_figure(style_figure(comparison_figure(first, second, labels)),
                config={"toImageButtonOptions": {
                    "format": "png", "scale": 2,
                    "filename": f"liquid_lab_runs_{first['id']}_vs_{second['id']}"}})
    st.download_button("Download the comparison (CSV)", comparison_csv(first, second),
                       file_name=f"liquid_lab_runs_{first['id']}_vs_{second['id']}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")
    st.caption("PNG: the camera button of the chart's toolbar saves the chart above.")

with_curves = {run["id"]: run for run in runs if run["curves"]}
if with_curves:
    st.subheader("Overlay curves")
    chosen = st.multiselect("Runs to overlay", list(with_curves),
                            default=list(with_curves)[-3:], key="overlay_runs",
                            format_func=labels.get)
    curves = [(figure_text(f"#{i} {name}", limit=70), curve["x"], curve["y"])
              for i in chosen for name, curve in with_curves[i]["curves"].items()]
    if curves:
        show_figure(style_figure(figures.curves_figure(
            curves, x_title="delay / step / value", y_title="value",
            title="Curves of the chosen runs")))
