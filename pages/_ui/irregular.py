"""The Liquid page's irregular-sampling experiment: built-in sines, or an uploaded file's times.

Both runs go through the job gate and are cached by content: the built-in one by
its parameters, an upload by its SHA-256 (name and bytes) and every parameter.
The numbers come from :mod:`lnn_core.lab.irregular`.
"""

from datetime import timedelta

import numpy as np
import pandas as pd
import streamlit as st

from lnn_core.data import datasets
from lnn_core.errors import DataError
from lnn_core.figures import story as figs
from lnn_core.guard import check_budget, estimate_memory
from lnn_core.lab import irregular, timeseries
from pages._ui.errors import guarded
from pages._ui.gate import counted_cache, gated, granted_slots
from pages._ui.keys import upload_digest
from pages._ui.page_settings import linked
from pages._ui.presenter import show_figure, style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import record_run
from pages._ui.tables import show_table
from pages._ui.text import plain

SOURCES = ("Built-in sines", "Upload (CSV with a time column)")
LAYOUTS = {"long": "Labelled sequences, to classify: one row per (series, time step)",
           "forecast": "One series, to forecast one sample ahead: one row per time step"}
PARSERS = {"long": datasets.parse_long_csv, "forecast": datasets.parse_forecast_csv}
#: Peak memory of a parse per byte of file (as on the Time series page: measured 5.2-5.5).
PARSE_FACTOR = 6
FILE_LEGEND = {"file's times": "given the file's Δt", "Δt = 1": "given Δt = 1 (time ignored)"}
INTRO = ("Liquid neurons are continuous in time: given the time between two samples, the LTC "
         "and CfC integrate over it. The ESN, a discrete-time map, **ignores it**: it sees only "
         "the order of the samples. As a control the ESN also gets the gap (Δt) as a second "
         "input.")
FILE_HELP = ("Labelled sequences: one row per (series, time step), with a series-id column (id, "
             "series, sample, case), a label column (label, class, target), a time column (time, "
             "timestamp, step or t: numbers or dates) and one column per channel. One series: one "
             "row per time step, a time or date column and numeric columns. Each step's Δt is "
             "the time since the previous sample, in units of the file's median gap.")
NO_TIME = ("{name} has no time column (named time, timestamp, step or t, or dates), so there is "
           "no time between samples to give the neurons.")


# ----------------------------------------------------------------------------- cached core calls

@st.cache_data(max_entries=8, ttl="1h", show_spinner=False)
def builtin_scores(params, cell_options):
    """Accuracy of each model under regular and irregular sampling (rows of dicts)."""
    granted_slots()                                # a cache miss waits in line (gate.gated)
    progress, finish = progress_callback("Training each model on regular and irregular samples")
    rows = irregular.irregular_sampling_scores(
        params.estimator_kwargs(), {cell: dict(options) for cell, options in cell_options},
        n_train=300, n_test=300, seed=params.seed, progress=progress)
    finish()
    return rows


@counted_cache(max_entries=4, ttl=timedelta(hours=1), show_spinner="Reading the file…")
def read_upload(sha256, layout, name, _raw):
    """The upload read in ``layout``; ``sha256`` names its name and bytes."""
    granted_slots()
    return PARSERS[layout](_raw, name=name)


@st.cache_data(max_entries=8, ttl="1h", show_spinner=False)
def file_scores(sha256, layout, target, params, cell_options, _data):
    """Each model's score given the file's Δt and given Δt = 1 (rows of dicts); ``_data`` is
    the parsed sequences, or a series' (values, times) for ``target``."""
    granted_slots()
    progress, finish = progress_callback("Training each model on the file's times and on Δt = 1")
    kwargs = params.estimator_kwargs()
    options = {cell: dict(options) for cell, options in cell_options}
    if layout == "long":
        rows = irregular.timed_sequence_scores(_data.X, _data.times, _data.y, kwargs, options,
                                               seed=params.seed, progress=progress)
    else:
        rows = irregular.timed_series_scores(*_data, kwargs, options, progress=progress)
    finish()
    return rows


# ----------------------------------------------------------------------------- the section

def irregular_section(params, cell_options):
    """The section: a choice of sequences, a run button, the scores side by side."""
    st.subheader("Irregular sampling: elapsed time as input")
    st.markdown(INTRO)
    source = linked(st.segmented_control, "Sequences", SOURCES, default=SOURCES[0],
                    key="irregular_source", persist_state="session") or SOURCES[0]
    if source == SOURCES[0]:
        _builtin(params, cell_options)
    else:
        _upload(params, cell_options)


def _builtin(params, cell_options):
    st.markdown("Noisy sines of three periods (6, 8, 10.5 time units; 300 training and 300 test "
                "sequences of 50 samples) are to be told apart, read once every time unit and "
                "once at irregular times (gaps uniform in 0.2–1.8).")
    if st.button("Run the irregular-sampling experiment", icon=":material/timer:"):
        with guarded("Try fewer neurons or fewer unfolds."):
            st.session_state["liquid_irregular"] = gated(
                builtin_scores, params, cell_options, label="irregular sampling",
                nbytes=estimate_memory(600, 50, 2, params.n_units, cell="cfc"))
            for row in st.session_state["liquid_irregular"]:
                record_run("Liquid neurons", f"irregular sines, {row['sampling']} sampling",
                           params.as_dict() | {"cell": row["cell"], "model": row["model"]},
                           {"accuracy": row["accuracy"]}, row["seconds"])
    if "liquid_irregular" not in st.session_state:
        return
    example = irregular.irregular_sines(3, seed=params.seed)
    left, score = _show_scores(st.session_state["liquid_irregular"], irregular.SAMPLINGS,
                               example.times[0], example.X[0, :, 0])
    liquid = max(score["irregular", "LTC"], score["irregular", "CfC"])
    control = score["irregular", "ESN + Δt input"]
    verdict = ("so what matters is that the elapsed time reaches the model, not that the neuron "
               "is liquid" if control >= liquid - 0.01 else
               f"so the liquid neurons keep an edge of {liquid - control:.1%} here")
    left.caption(
        f"Irregular sampling moves the ESN from {score['regular', 'ESN']:.1%} to "
        f"{score['irregular', 'ESN']:.1%}; the LTC ({score['irregular', 'LTC']:.1%}) and CfC "
        f"({score['irregular', 'CfC']:.1%}) read the gaps. The claim holds against a network "
        f"that cannot see time; given the gap as an input the ESN reaches {control:.1%}, "
        f"{verdict}.")


def _upload(params, cell_options):
    upload = st.file_uploader("CSV with a time column", type=["csv", "txt"],
                              key="irregular_upload", help=FILE_HELP)
    if upload is None:
        st.caption("For example tests/data/gunpoint_irregular.csv: the UCR GunPoint series "
                   "(200, 2 classes) with a seeded 60 % of each series' 150 samples kept.")
        return
    digest, raw = upload_digest([upload]), upload.getvalue()
    layout = st.radio("What is in the file?", list(LAYOUTS), format_func=LAYOUTS.get,
                      key=f"irregular_layout_{digest[:12]}")
    with guarded("The file needs a time column; labelled sequences need a series id, a label "
                 "and several series of each class."):
        parsed = gated(read_upload, digest, layout, upload.name, raw, label="reading a file",
                       nbytes=PARSE_FACTOR * len(raw))
        st.caption(plain(parsed.description, limit=400))
        if (parsed.times if layout == "long" else parsed.time) is None:
            raise DataError(NO_TIME.format(name=upload.name))
        target, data, key = None, parsed, "accuracy"
        if layout == "forecast":
            target = st.selectbox("Column to forecast", parsed.numeric_columns,
                                  key=f"irregular_target_{digest[:12]}")
            data, key = _series(parsed, target), "nrmse"
        times = data.times if layout == "long" else [data[1]]
        gaps = np.concatenate([d[1:] for d in irregular.elapsed_times(times)])
        st.caption(f"Time between samples, in median gaps: {gaps.min():.3g} to {gaps.max():.3g} "
                   f"(middle half {np.quantile(gaps, 0.25):.3g} to {np.quantile(gaps, 0.75):.3g}).")
        run_key = (digest, layout, target, params, cell_options)
        if st.button("Run on the file's times", icon=":material/timer:"):
            shape = (parsed.n_series, int(parsed.lengths.max()), parsed.n_channels + 1) \
                if layout == "long" else (1, len(data[0]), 2)
            task = "classify" if layout == "long" else "forecast"
            nbytes = estimate_memory(*shape, params.n_units, task=task, cell="cfc")
            check_budget(nbytes, what=f"training on {upload.name}", task=task)
            try:
                rows = gated(file_scores, *run_key[:3], params, cell_options, data,
                             label="irregular sampling", nbytes=nbytes)
            except DataError as err:                    # too few sequences, classes or rows
                raise DataError(f"{upload.name}: {err}") from None
            st.session_state["liquid_irregular_file"] = (run_key, rows)
            for row in rows:
                record_run("Liquid neurons", f"{upload.name}, {row['sampling']}",
                           params.as_dict() | {"cell": row["cell"], "model": row["model"]},
                           {"accuracy" if key == "accuracy" else "NRMSE": row[key]},
                           row["seconds"])
        shown = st.session_state.get("liquid_irregular_file")
        if shown is None or shown[0] != run_key:
            return                                  # run on another file or other settings
        t, values = (times[0], data.X[0][:, 0]) if layout == "long" else (data[1], data[0])
        left, score = _show_scores(shown[1], irregular.TIME_SAMPLINGS,
                                   t.astype("datetime64[ns]") if t.dtype.kind == "i" else t,
                                   values, FILE_LEGEND, key)
        left.caption(_file_verdict(score, key))


def _series(table, target):
    """A forecasting table's ``target`` column without its missing cells, and their times
    as numbers (dates: nanoseconds since 1970)."""
    time = timeseries.table_times(table, [target])
    if time.dtype.kind == "M":
        time = time.astype("datetime64[ns]").astype(np.int64)
    return table.frame[target].dropna().to_numpy(), time


def _show_scores(rows, samplings, times, values, legend=None, key="accuracy"):
    """The scores as a table (model x sampling) and a figure; return (left column, scores)."""
    table = pd.DataFrame(rows)
    wide = table.pivot(index="model", columns="sampling", values=key).reindex(
        index=[label for label, _, _ in irregular.MODELS], columns=samplings).reset_index()
    left, right = st.columns([1, 2])
    show_table(wide, container=left,
               formats={s: "percent" if key == "accuracy" else "%.3f" for s in samplings})
    left.caption(f"{len(table)} fits in {table['seconds'].sum():.1f} s.")
    show_figure(style_figure(figs.irregular_sampling_figure(
        times, values, table["model"], table["sampling"], table[key], legend,
        "accuracy" if key == "accuracy" else "NRMSE"), share=0.66), container=right)
    return left, dict(zip(zip(table["sampling"], table["model"]), table[key]))


def _file_verdict(score, key):
    """Where the claim holds on an uploaded file and where it does not, in a sentence or three."""
    given, ignored = irregular.TIME_SAMPLINGS
    if key == "accuracy":
        def show(v): return f"{v:.1%}"
        def better(a, b): return a > b + 0.01                 # a percentage point
    else:
        def show(v): return f"NRMSE {v:.3g}"
        def better(a, b): return a < 0.95 * b                  # 5 % less error
    helped = [cell for cell in ("LTC", "CfC") if better(score[given, cell], score[ignored, cell])]
    best = score[given, "LTC"] if better(score[given, "LTC"], score[given, "CfC"]) else \
        score[given, "CfC"]
    control = score[given, "ESN + Δt input"]
    text = (f"The ESN ignores the times: {show(score[given, 'ESN'])}. Given the file's Δt the "
            f"LTC scores {show(score[given, 'LTC'])} ({show(score[ignored, 'LTC'])} with Δt = 1) "
            f"and the CfC {show(score[given, 'CfC'])} ({show(score[ignored, 'CfC'])} with "
            "Δt = 1). ")
    text += (f"The times help the {' and the '.join(helped)} here. " if helped else
             "The times do not help the liquid neurons on this file: the claim does not hold "
             "here. ")
    return text + (f"Given Δt as an input the ESN scores {show(control)}, "
                   + ("worse than the better liquid neuron." if better(best, control) else
                      "as well as the liquid neurons or better."))
