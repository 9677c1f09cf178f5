"""Sweep: score a grid or a random search of parameters, find the best point, apply it."""

import time
from contextlib import closing

import streamlit as st

from lnn_core import sweep
from lnn_core.errors import DataError
from lnn_core.figures.sweep import describe_point, report_figure, sweep_figure
from lnn_core.guard import estimate_memory
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.gate import job_gate, job_slot
from pages._ui.page_settings import PAGE_TITLES, apply_preset, linked
from pages._ui.params import RIDGE_OPTIONS, nearest_ridge
from pages._ui.presenter import show_figure, style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import record_run
from pages._ui.shell import through_router
from pages._ui.sweep_settings import RANGES, SWEEP_WIDGETS, log_key, range_key
from pages._ui.tables import show_table
from pages._ui.text import plain
from pages._ui.tune import shared_task

through_router()

TASKS = {"digits": "8×8 digits: classify (accuracy)", "mnist": "MNIST sample: classify (accuracy)",
         "mackey_glass": "Mackey-Glass: forecast 10 steps ahead (NRMSE)",
         "narma10": "NARMA-10: imitate the system (NRMSE)", "upload": "Results CSV from the CLI"}
#: The Time series page's current data (an upload, or a built-in series), when it has some.
SHARED = {"time_series": "Your data on the Time series page (its training part)"}
#: Most evaluations one sweep may ask of the server.
MAX_EVALUATIONS = 600


@st.cache_resource(max_entries=4, ttl="1h", show_spinner="Loading the data…")
def load_task(name):
    return sweep.make_task(name, **({"horizon": 10} if name == "mackey_glass" else {}))


def axis_range(name):
    """Range widgets of one swept parameter -> (low, high, scale)."""
    key = range_key(name)
    if name == "ridge":
        low, high = linked(st.select_slider, "ridge range", RIDGE_OPTIONS,
                           value=SWEEP_WIDGETS[key], key=key, format_func=lambda v: f"{v:.0e}",
                           persist_state="session")
        return low, high, "log"
    low, high, _ = RANGES[name]
    low, high = linked(st.slider, f"{name} range", low, high, SWEEP_WIDGETS[key], key=key,
                       step=10 if name == "n_units" else 0.01, persist_state="session")
    log = linked(st.checkbox, "log spacing", SWEEP_WIDGETS[log_key(name)], key=log_key(name),
                 persist_state="session")
    return low, high, "log" if log else "linear"


def widget_values(best):
    """The best parameters moved onto the values the shared widgets allow."""
    values = dict(best, seed=min(best["seed"], 9999))
    values["ridge"] = nearest_ridge(best["ridge"])
    for name, (low, high, _) in RANGES.items():
        values[name] = min(max(best[name], low), high)
    values["n_units"] = int(round(values["n_units"] / 10) * 10)
    return values


def apply_best(values):
    """Button callback: the values go to every page's reservoir, which names the Sweep as their
    source (the URL follows on the next run)."""
    apply_preset(values, source="the Sweep's best point", pages=PAGE_TITLES)


def grid_controls():
    """One or two axes: parameter, range, spacing and number of values -> grid points."""
    axes = {}
    for column, axis in zip(st.columns(2), ("rows", "columns")):
        with column:
            choices = ["none", *sweep.PARAMETERS] if axis == "columns" else list(sweep.PARAMETERS)
            key = f"sweep_{axis}"
            name = linked(st.selectbox, f"{axis.capitalize()}: parameter", choices, key=key,
                          index=choices.index(SWEEP_WIDGETS[key]), persist_state="session")
            if name in axes:
                raise ValueError(f"rows and columns both sweep {name}; pick two different "
                                 "parameters, or 'none' for the columns")
            if name != "none":
                low, high, scale = axis_range(name)
                n = linked(st.number_input, "values", 2, 16, SWEEP_WIDGETS[f"{key}_values"],
                           key=f"{key}_values", persist_state="session")
                axes[name] = sweep.spaced(name, low, high, n, scale)
    return sweep.grid_points(axes)


def random_controls():
    """Parameters and their ranges, number of points and sampling seed -> random points."""
    names = linked(st.multiselect, "Parameters", sweep.PARAMETERS, key="sweep_parameters",
                   default=SWEEP_WIDGETS["sweep_parameters"], persist_state="session")
    ranges = {}
    for column, name in zip(st.columns(max(len(names), 1)), names):
        with column:
            ranges[name] = axis_range(name)
    left, right = st.columns(2)
    n_points = linked(left.slider, "Points", 5, 200, SWEEP_WIDGETS["sweep_n_points"],
                      key="sweep_n_points", persist_state="session")
    seed = linked(right.number_input, "Sampling seed", 0, 9999,
                  SWEEP_WIDGETS["sweep_sample_seed"], key="sweep_sample_seed",
                  persist_state="session")
    return sweep.random_points(ranges, n_points, seed)


def group_bytes(plan):
    """Peak memory of one reservoir evaluation of ``plan`` (its largest reservoir)."""
    task, n_units = plan.task, max(point["n_units"] for point in plan.points)
    if isinstance(task, sweep.ForecastTask):
        return estimate_memory(1, len(task.inputs), task.n_inputs, n_units, task="forecast")
    if isinstance(task, sweep.CrossValidatedTask):
        return estimate_memory(len(task.X), max(len(x) for x in task.X), task.n_inputs, n_units,
                               task.pooling, n_jobs=1)
    return estimate_memory(len(task.X_train) + len(task.X_val), task.X_train.shape[1],
                           task.n_inputs, n_units, task.pooling, n_jobs=1)


def run_with_progress(plan):
    """Run ``plan`` on the cores the job gate grants, keeping each group's rows as they arrive.

    Stop keeps the rows done so far.
    """
    slots = min(plan.n_planned, job_gate().slots)
    with job_slot("sweep", slots * group_bytes(plan), slots) as n_jobs:
        state = st.session_state["sweep"] = {"rows": [], "planned": plan.n_planned}
        stop = st.empty()
        stop.button("Stop", icon=":material/stop:")        # a click interrupts this run
        callback, finish = progress_callback(f"Sweeping on {n_jobs} core(s)")
        start = time.perf_counter()
        with closing(plan.iter_rows(n_jobs)) as stream:    # Stop closes it: no work left behind
            for rows in stream:
                state["rows"].extend(rows)
                state["seconds"] = time.perf_counter() - start
                callback(len(state["rows"]), plan.n_planned)
        finish()
        stop.empty()
    best = sweep.best_point(sweep.summarize(sweep.results_frame(state["rows"])))
    record_run("Sweep", plan.task.description, {**plan.points[int(best["point"])], "evaluations":
               plan.n_planned}, {best["metric"]: best["score_mean"]}, state["seconds"])


st.title("Sweep")
st.markdown(
    "Which parameters make a good reservoir? A **sweep** scores many of them on a validation "
    "split: a grid over one or two parameters, or a random search over several. Points that "
    "differ only in the ridge penalty share one reservoir run, and repeating each point over "
    "several seeds shows how much of a score is luck (mean ± std). The parameters you do not "
    "sweep come from the sidebar; the best point can be sent back to every page.")
params = reservoir_controls(page="sweep")

try:
    shared, unusable = shared_task(), None
except DataError as err:                  # offered all the same: choosing it says why not
    shared, unusable = None, err
choices = TASKS | (SHARED if shared is not None or unusable is not None else {})
task_name = linked(st.selectbox, "Data", choices, format_func=choices.get, key="sweep_task",
                   index=list(choices).index(SWEEP_WIDGETS["sweep_task"]), persist_state="session")
runs, state = None, {}
if task_name in SHARED and unusable is not None:
    st.error(f"Your data on the Time series page cannot be swept: "
             f"{plain(str(unusable).rstrip('.'), limit=300)}.", icon=":material/error:")
elif task_name == "upload":
    upload = st.file_uploader("Results CSV written by `python -m lnn_core.sweep --out results.csv`",
                              type="csv", key="sweep_upload")
    if upload is not None:
        with guarded("Upload the CSV written by the command line, or one downloaded here."):
            runs = sweep.read_results(upload, name=upload.name)
else:
    search = linked(st.segmented_control, "Search", ["Grid", "Random"],
                    default=SWEEP_WIDGETS["sweep_search"], key="sweep_search",
                    persist_state="session")
    with guarded("Pick a range that suits the scale: a log scale needs a low end above 0."):
        points = random_controls() if search == "Random" else grid_controls()
        repeats = linked(st.number_input, "Seeds per point (from the sidebar's seed on)", 1, 5,
                         SWEEP_WIDGETS["sweep_seeds_per_point"], key="sweep_seeds_per_point",
                         persist_state="session")
        fixed = {name: getattr(params, name) for name in sweep.PARAMETERS if name not in points[0]}
        plan = sweep.Sweep(shared if task_name in SHARED else load_task(task_name), points,
                           fixed=fixed,
                           seeds=range(params.seed, params.seed + repeats))
        if plan.n_planned > MAX_EVALUATIONS:
            raise ValueError(f"the sweep asks for {plan.n_planned} evaluations, more than the "
                             f"{MAX_EVALUATIONS} this server allows; use fewer values or seeds")
        st.caption(f"{len(points)} point(s) × {repeats} seed(s) = {plan.n_planned} evaluations "
                   f"on {plain(plan.task.description)}. Stop keeps the points done so far.")
        if st.button("Run sweep", type="primary", icon=":material/play_arrow:"):
            run_with_progress(plan)
    state = st.session_state.get("sweep", {})
    if state.get("rows"):
        runs = sweep.results_frame(state["rows"])

if runs is not None:
    summary, best = sweep.summarize(runs), sweep.best_parameters(runs)
    top = sweep.best_point(summary)
    if len(runs) < state.get("planned", len(runs)):
        st.warning(f"Stopped after {len(runs)} of {state['planned']} evaluations; showing those.")
    columns = st.columns(3)
    columns[0].metric(f"Best {plain(top['metric'])}", f"{top['score_mean']:.4g}",
                      help="Mean over seeds on the validation split.")
    columns[1].metric("Evaluations", f"{len(runs):,}")
    columns[2].metric("Time", f"{state['seconds']:.1f} s" if "seconds" in state else "–")
    chart, report, table = st.tabs(["Chart", "Report", "Table"], key="sweep_tabs")  # kept on Apply
    show_figure(style_figure(sweep_figure(summary)), key="sweep_chart", container=chart)
    figure = report_figure(summary)
    show_figure(style_figure(figure, figure.layout.height), width="stretch",
                        key="sweep_report", container=report)
    show_table(summary, container=table)
    st.success(f"Best point on {plain(top['task'])}: {describe_point(best)}, "   # a CSV's cell
               f"seed {best['seed']}.")
    values = widget_values(best)
    changed = [f"{n} {best[n]:g} → {values[n]:g}" for n in values if values[n] != best[n]]
    if changed:
        st.caption("The other pages' sliders take the nearest allowed values: " + "; ".join(changed))
    left, right = st.columns(2)
    left.button("Apply the best parameters to every page", on_click=apply_best, args=(values,),
                icon=":material/done_all:", key="sweep_apply")
    right.download_button("Download results (CSV)", runs.to_csv(index=False), on_click="ignore",
                          file_name="sweep_results.csv", mime="text/csv", icon=":material/download:")
