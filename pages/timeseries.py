"""Time series: forecast a signal (and let the model run on its own), or classify sequences."""

import functools

import numpy as np
import streamlit as st

import lnn_core
from lnn_core import guard
from lnn_core.data import datasets
from lnn_core.engine.model_io import load_model_file
from lnn_core.figures import story as figs
from lnn_core.lab import timeseries
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.gate import counted_cache, gated, granted_slots, job_slot
from pages._ui.keys import upload_digest
from pages._ui.params import linked, reservoir_controls
from pages._ui.presenter import style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import download_params_button, record_run
from pages._ui.shell import through_router
from pages._ui.text import figure_text, plain

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


@st.cache_resource(max_entries=8, ttl="1h", show_spinner="Training the readout…")
def forecast(data_key, estimator_kwargs, horizon, free_channel, _inputs, _targets):
    """Fit and score a forecaster; ``data_key`` names the arrays by content (file, layout,
    columns) or by the built-in series' settings."""
    granted_slots()                                # a cache miss waits in line (gate.gated)
    return timeseries.fit_forecast(_inputs, _targets, dict(estimator_kwargs), horizon, free_channel)


@st.cache_resource(max_entries=4, ttl="1h", show_spinner=False)
def classify(data_key, estimator_kwargs, seed, _dataset):
    """Fit and score a classifier; ``data_key`` is the upload's SHA-256 and its layout."""
    granted_slots()
    progress, finish = progress_callback("Collecting reservoir states")
    result = timeseries.fit_classifier(_dataset, dict(estimator_kwargs), seed, progress=progress)
    finish()
    return result


@counted_cache(max_entries=4, ttl="1h", show_spinner="Reading the file…")
def parse_upload(sha256, layout, name, _raw):
    if len(_raw) >= LARGE_UPLOAD:
        granted_slots()
    return PARSERS[layout](_raw, name=name)


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
inputs = targets = dataset = result = None     # result: the model of this data and settings
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
        data_key = ("built-in", name, n_steps, seed, target_name)
        data_label = f"{name}, {n_steps:,} steps, seed {seed}" + (
            f", target {target_name}" if len(channels) > 1 else "")
    else:
        upload = st.file_uploader(
            "CSV or .ts file", type=["csv", "txt", "ts"], key="ts_upload",
            help="Forecasting: one row per time step, numeric columns (a time column is "
                 "detected). Classification: long (id, label, time, channels), wide (label, "
                 "then the values) or a .ts file of the UEA/UCR archive.")
        if upload is not None:
            raw = upload.getvalue()
            digest = upload_digest([upload])             # its name and bytes
            # one radio per file: a shared key showed "Forecasting" for a new file while
            # the page still read it with the previous file's layout (real browser)
            layout = "ts" if upload.name.lower().endswith(".ts") else st.radio(
                "What is in the file?", list(LAYOUTS), format_func=LAYOUTS.get,
                key=f"ts_layout_{digest[:12]}")
            parsed = gated(parse_upload, digest, layout, upload.name, raw,
                           label="reading a file", nbytes=PARSE_FACTOR * len(raw))
            st.caption(plain(parsed.description, limit=400))
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
                    inputs, targets, free_channel = timeseries.table_arrays(
                        parsed, target_name, chosen, missing)
                    data_key = (digest, layout, tuple(chosen), target_name, missing)
                    data_label = f"{upload.name}: {target_name} from {', '.join(chosen)}"
            else:                 # the layout is part of the key: long and wide differ
                dataset, data_key = parsed, (digest, layout)

if dataset is not None:
    pooling = st.selectbox("Pooling", lnn_core.POOLINGS[:3], index=2, key="ts_pooling")
    kwargs = estimator_kwargs + (("pooling", pooling),)
    if st.button("Train classifier", type="primary", icon=":material/play_arrow:"):
        with guarded("Each class needs several series; with a valid file, try fewer neurons."):
            st.session_state.pop("ts_result", None)       # a refused run leaves no old model
            estimate = timeseries.estimate_classifier_memory(dataset, kwargs)
            guard.check_budget(estimate, what=f"training on {dataset.n_series:,} sequences")
            result = st.session_state["ts_result"] = gated(
                classify, data_key, kwargs, params.seed, dataset, label="training",
                nbytes=estimate)
            st.session_state["ts_result_key"] = (data_key, kwargs)
            record_run("Time series", dataset.description, params.as_dict() | {"pooling": pooling},
                       {"accuracy": result.score}, result.seconds)
    result = st.session_state.get("ts_result")
    if st.session_state.get("ts_result_key") != (data_key, kwargs):
        result = None                                    # trained on other data or settings
    if result is not None:
        cols = st.columns(3)
        cols[0].metric("Test accuracy", f"{result.score:.1%}")
        cols[1].metric("Test sequences", f"{len(result.truth):,}")
        cols[2].metric("Time", f"{result.seconds:.1f} s")
        matrix, labels = lnn_core.confusion_matrix(result.truth, result.predicted)
        st.plotly_chart(style_figure(figs.confusion_figure(             # labels are CSV cells
            matrix, [figure_text(label, limit=30) for label in labels])), width="stretch")
elif inputs is not None:
    with guarded("Try a shorter horizon or another target."):
        if free_channel is not None:
            horizon = linked(st.slider, "Horizon h (predict the target h steps ahead)", 1, 50,
                             1, key="ts_horizon", persist_state="session")
        else:
            horizon = linked(st.slider, "Delay h (predict the output h steps after the input)",
                             0, 50, 0, key="ts_delay", persist_state="session")
        st.session_state.pop("ts_result", None)           # a refused run leaves no old model
        result = None
        estimate = timeseries.estimate_forecast_memory(*inputs.shape, estimator_kwargs)
        guard.check_budget(estimate, what=f"forecasting {len(inputs):,} steps", task="forecast")
        result = st.session_state["ts_result"] = gated(
            forecast, data_key, estimator_kwargs, horizon, free_channel, inputs, targets,
            label="forecasting", nbytes=estimate)
        st.session_state["ts_result_key"] = (data_key, estimator_kwargs, horizon)
        if st.session_state.get("ts_recorded") is not result:
            st.session_state["ts_recorded"] = result
            record_run("Time series", f"{data_label} (h = {horizon})", params.as_dict(),
                       {"NRMSE": result.score}, result.seconds)
        cols = st.columns(3)
        cols[0].metric("Test NRMSE", f"{result.score:.3g}", help="RMS error / spread of the "
                       "truth on the last 25 %: 0 is perfect, 1 is as good as the mean.")
        cols[1].metric("Valid time", f"{result.valid_steps} steps" if result.generated is not None
                       else "n/a", help="Closed-loop steps before the error exceeds 0.2 spread.")
        cols[2].metric("Time", f"{result.seconds:.2f} s")
        if result.split < params.n_units:
            st.warning(f"Only {result.split:,} training steps for {params.n_units:,} neurons: the "
                       "readout can memorise them. Raise the ridge penalty or use fewer neurons.",
                       icon=":material/warning:")
        steps = np.arange(result.split, len(result.truth))
        st.plotly_chart(style_figure(figs.forecast_figure(
            steps, result.truth[result.split:], result.predicted[result.split:],
            f"Predicting {figure_text(target_name, limit=60)} {horizon} step(s) ahead on the test part (standardised)")),
            width="stretch")
        if result.generated is not None:
            st.plotly_chart(style_figure(figs.generation_figure(
                np.arange(result.split, result.split + len(result.generated)), result.free_truth,
                result.generated, result.valid_steps)), width="stretch")

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
