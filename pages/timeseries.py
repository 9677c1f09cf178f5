"""Time series: forecast a signal (and let the model run on its own), or classify sequences."""

import functools
from datetime import timedelta

import numpy as np
import streamlit as st

from lnn_core import guard
from lnn_core.data import datasets
from lnn_core.engine.model_io import load_model_file
from lnn_core.lab import timeseries
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.gate import counted_cache, gated, granted_slots, job_slot
from pages._ui.keys import upload_digest
from pages._ui.page_settings import linked
from pages._ui.progress import progress_callback
from pages._ui.runs import download_params_button, record_run
from pages._ui.shell import through_router
from pages._ui.timeseries_results import (
    accuracy_metrics,
    forecast_metrics,
    horizon_slider,
    show_accuracy,
    show_description,
    show_forecast,
    transform_choice,
)
from pages._ui.tune import POOLINGS, tune_section

through_router()

LAYOUTS = {"forecast": "Forecasting: one row per time step",
           "long": "Classification, long: one row per (series, time step)",
           "wide": "Classification, wide: one row per series (label first)"}
#: Built-in series worth forecasting (a step or an impulse is flat on its test part).
SERIES = [name for name in datasets.GENERATORS if name not in ("Step", "Impulse")]
#: Uploads from this size on are parsed as a heavy job (through the job gate).
LARGE_UPLOAD = 2**20
#: Peak memory of a parse per byte of file: measured 5.2-5.5 (tracemalloc; forecast, long and
#: wide CSVs of 2-12 MB).
PARSE_FACTOR = 6
PARSERS = {"forecast": datasets.parse_forecast_csv, "long": datasets.parse_long_csv,
           "wide": datasets.parse_wide_csv, "ts": datasets.parse_ts}


@st.cache_resource(max_entries=8, ttl=timedelta(hours=1), show_spinner="Training the readout…")
def forecast(data_key, estimator_kwargs, horizon, free_channel, transform, _inputs, _targets,
             _time):
    """Fit and score a forecaster; ``data_key`` names the arrays and times by content (file,
    layout, columns, missing cells) or by the built-in series' settings."""
    granted_slots()                                # a cache miss waits in line (gate.gated)
    return timeseries.fit_forecast(_inputs, _targets, dict(estimator_kwargs), horizon,
                                   free_channel, transform=transform, time=_time)


@st.cache_resource(max_entries=4, ttl=timedelta(hours=1), show_spinner=False)
def classify(data_key, estimator_kwargs, seed, _dataset, _test):
    """Fit and score a classifier; ``data_key`` is the uploads' SHA-256 and their layout."""
    granted_slots()
    progress, finish = progress_callback("Collecting reservoir states")
    result = timeseries.fit_classifier(_dataset, dict(estimator_kwargs), seed, progress=progress,
                                       test=_test)
    finish()
    return result


@counted_cache(max_entries=4, ttl=timedelta(hours=1), show_spinner="Reading the file…")
def parse_upload(sha256, layout, name, _raw):
    if len(_raw) >= LARGE_UPLOAD:
        granted_slots()
    return PARSERS[layout](_raw, name=name)


def read_upload(upload, digest, layout):
    """An uploaded file parsed in ``layout``, through the job gate."""
    raw = upload.getvalue()
    return gated(parse_upload, digest, layout, upload.name, raw, label="reading a file",
                 nbytes=PARSE_FACTOR * len(raw))


st.title("Time series")
st.markdown("The reservoir reads a series one step at a time; a linear readout maps its state to "
            "the value **h steps ahead** (forecasting) or, pooled over a whole sequence, to a "
            "class. A forecaster fed its own output becomes a generator: how long it stays close "
            "to the truth is its *valid time*.")
exercise_box = st.container()
params = reservoir_controls(page="timeseries")
estimator_kwargs = tuple(sorted(params.estimator_kwargs().items()))

source = linked(st.segmented_control, "Data", ["Built-in", "Upload"], default="Built-in",
                key="ts_source", persist_state="session") or "Built-in"
inputs = targets = dataset = test_dataset = result = None   # result: this data's model
time_values, time_title, transform = None, "time step", "none"
with guarded("Check the file's layout and columns."):
    if source == "Built-in":
        cols = st.columns(3)
        name = linked(cols[0].selectbox, "Series", SERIES, index=SERIES.index("Mackey-Glass"),
                      key="ts_series", persist_state="session")
        n_steps = linked(cols[1].slider, "Length", 500, 10000, 3000, 500, key="ts_length",
                         persist_state="session")
        seed = linked(cols[2].number_input, "Series seed", 0, 9999, 0, key="ts_seed",
                      persist_state="session")
        series = datasets.generate(name, n_steps, seed=seed)
        st.caption(series.description)
        channels = ["x", "y", "z"] if np.ndim(series.values) == 2 else [name]
        target_name = name if len(channels) == 1 else linked(
            st.selectbox, "Target", channels, key="ts_channel", persist_state="session")
        inputs, targets, free_channel = timeseries.forecast_arrays(
            series, channels.index(target_name))
        horizon = horizon_slider(free_channel is not None)
        transform = transform_choice(np.r_[inputs.ravel(), targets.ravel()], horizon)
        data_key = ("built-in", name, n_steps, seed, target_name)
        data_label = f"{name}, {n_steps:,} steps, seed {seed}" + (
            f", target {target_name}" if len(channels) > 1 else "")
    else:
        upload = st.file_uploader(
            "CSV or .ts file (the training file)", type=["csv", "txt", "ts"], key="ts_upload",
            help="Forecasting: one row per time step, numeric columns (a time column is "
                 "detected). Classification: long (id, label, time, channels), wide (label, "
                 "then the values) or a .ts file of the UEA/UCR archive.")
        if upload is not None:
            digest = upload_digest([upload])             # its name and bytes
            # one radio per file: a shared key showed "Forecasting" for a new file while
            # the page still read it with the previous file's layout (real browser)
            layout = "ts" if upload.name.lower().endswith(".ts") else st.radio(
                "What is in the file?", list(LAYOUTS), format_func=LAYOUTS.get,
                key=f"ts_layout_{digest[:12]}")
            parsed = read_upload(upload, digest, layout)
            show_description(parsed.description)
            if layout == "forecast":
                cols, file_key = st.columns(3), digest[:12]     # fresh choices for a new file
                chosen = cols[0].multiselect("Input columns", parsed.numeric_columns,
                                             default=parsed.numeric_columns,
                                             key=f"ts_inputs_{file_key}")
                target_name = cols[1].selectbox("Target column", parsed.numeric_columns,
                                                key=f"ts_target_{file_key}")
                missing = cols[2].radio("Missing cells", ["drop", "interpolate"],
                                        key=f"ts_missing_{file_key}")
                if not chosen:
                    st.info("Choose at least one input column.")
                else:
                    horizon = horizon_slider(target_name in chosen)
                    transform = transform_choice(parsed.frame[chosen + [target_name]]
                                                 .to_numpy(), horizon)
                    inputs, targets, free_channel = timeseries.table_arrays(
                        parsed, target_name, chosen, missing, horizon=horizon,
                        transform=transform)
                    time_values = timeseries.table_times(parsed, chosen + [target_name],
                                                         missing)
                    time_title = parsed.time_column or time_title
                    data_key = (digest, layout, tuple(chosen), target_name, missing)
                    data_label = f"{upload.name}: {target_name} from {', '.join(chosen)}"
            else:                 # the layout is part of the key: long and wide differ
                test_upload = st.file_uploader(
                    "Test file (optional, same layout): e.g. the archive's _TEST file",
                    type=["csv", "txt", "ts"], key="ts_test_upload",
                    help="With a test file the model trains on all of the training file and "
                         "is scored on the test file; without one, on a quarter of the "
                         "training file.")
                test_digest = None
                if test_upload is not None:
                    test_digest = upload_digest([test_upload])
                    test_layout = "ts" if test_upload.name.lower().endswith(".ts") else \
                        (layout if layout != "ts" else "wide")
                    test_dataset = read_upload(test_upload, test_digest, test_layout)
                    show_description(test_dataset.description)
                dataset, data_key = parsed, (digest, layout, test_digest)

if dataset is not None:
    pooling = linked(st.selectbox, "Pooling", POOLINGS, index=2, key="ts_pooling")
    kwargs = estimator_kwargs + (("pooling", pooling),)
    if st.button("Train classifier", type="primary", icon=":material/play_arrow:"):
        with guarded("Each class needs several series; with a valid file, try fewer neurons."):
            st.session_state.pop("ts_result", None)       # a refused run leaves no old model
            estimate = timeseries.estimate_classifier_memory(dataset, kwargs)
            guard.check_budget(estimate, what=f"training on {dataset.n_series:,} sequences")
            result = st.session_state["ts_result"] = gated(
                classify, data_key, kwargs, params.seed, dataset, test_dataset,
                label="training", nbytes=estimate)
            st.session_state["ts_result_key"] = (data_key, kwargs)
            record_run("Time series", dataset.description, params.as_dict() | {"pooling": pooling},
                       accuracy_metrics(result), result.seconds)
    result = st.session_state.get("ts_result")
    if st.session_state.get("ts_result_key") != (data_key, kwargs):
        result = None                                    # trained on other data or settings
    if result is not None:
        show_accuracy(result, dataset.n_series)
    tune_section(params, data_key, dataset=dataset, pooling=pooling, seed=params.seed)
elif inputs is not None:
    with guarded("Try a shorter horizon, another transform or another target."):
        st.session_state.pop("ts_result", None)           # a refused run leaves no old model
        result = None
        estimate = timeseries.estimate_forecast_memory(*inputs.shape, estimator_kwargs)
        guard.check_budget(estimate, what=f"forecasting {len(inputs):,} steps", task="forecast")
        result = st.session_state["ts_result"] = gated(
            forecast, data_key, estimator_kwargs, horizon, free_channel, transform, inputs,
            targets, time_values, label="forecasting", nbytes=estimate)
        st.session_state["ts_result_key"] = (data_key, estimator_kwargs, horizon, transform)
        if st.session_state.get("ts_recorded") is not result:
            st.session_state["ts_recorded"] = result
            record_run("Forecast", f"{data_label} (h = {horizon}, {transform})",
                       params.as_dict(), forecast_metrics(result), result.seconds)
        show_forecast(result, target_name, horizon, time_title, params.n_units)
        tune_section(params, (data_key, horizon), forecast=(inputs, targets, horizon))

with exercise_box:                   # the forecast's numbers, when there is one
    exercises_ui("timeseries", **({} if dataset is not None or result is None else {
        "series": name if source == "Built-in" else "an upload", "horizon": horizon,
        "nrmse": result.score,
        "valid_steps": None if result.generated is None else result.valid_steps}))
if inputs is None and dataset is None:
    st.stop()                        # nothing loaded yet: no model to export or test
with st.expander("Export / import the model", icon=":material/save:"):
    if result is not None:
        cols = st.columns(2)
        cols[0].download_button("Download model (.npz)", result.model_file, "timeseries_model.npz",
                                icon=":material/download:", on_click="ignore")
        with cols[1]:
            download_params_button(params.as_dict(), "timeseries_params.json")
    upload = st.file_uploader("Load a saved model (.npz) and run it on this data", type=["npz"],
                              key="ts_model_upload")
    if upload is not None and result is not None:
        with guarded("Upload a .npz file saved by 'Download model' for this data."):
            imported = load_model_file(upload.getvalue(), max_units=2000)
            memory = functools.partial(timeseries.estimate_classifier_memory, dataset) \
                if dataset is not None else \
                functools.partial(timeseries.estimate_forecast_memory, *inputs.shape)
            with job_slot("checking the loaded model",   # both models predict
                          memory(imported.estimator.get_params()) + memory(estimator_kwargs)):
                same = timeseries.predicts_like(result, imported)
            st.metric("Predictions identical to the trained model", "yes" if same else "no")
            if imported.inputs.is_identity:
                st.caption("This file has no standardisation statistics (saved by an older "
                           "Liquid Lab), so its model reads the data unscaled.")
