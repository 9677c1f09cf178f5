"""Liquid neurons: the LTC cell the article describes beside the leaky-tanh ESN its code trains."""

import time

import numpy as np
import pandas as pd
import streamlit as st

import lnn_core
from lnn_core.data import datasets
from lnn_core.engine.cells import ltc_effective_tau
from lnn_core.figures import story as figs
from lnn_core.guard import estimate_memory
from pages._ui.errors import guarded
from pages._ui.gate import gated, granted_slots
from pages._ui.params import reservoir_controls
from pages._ui.presenter import style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import record_run
from pages._ui.shell import through_router

through_router()

N_STEPS = 300
#: Input name on the page -> built-in series.
INPUTS = {"Step": "Step", "Impulse": "Impulse", "Sine": "Mixed sines",
          "Mackey-Glass": "Mackey-Glass"}
TASKS = ("8×8 digits", "MNIST sample (2,000 / 1,000)", "Mackey-Glass (one step ahead)")


@st.cache_resource(max_entries=24, ttl="1h", show_spinner=False)
def reservoir(params, cell, options):
    kwargs = params.reservoir_kwargs() | {"cell": cell}
    return lnn_core.make_reservoir(n_inputs=1, **kwargs, **dict(options))


@st.cache_data(max_entries=16, ttl="1h", show_spinner=False)
def signal(name):
    values = datasets.generate(INPUTS[name], N_STEPS).values
    return (values - values.mean()) / values.std() if name == "Mackey-Glass" else values


@st.cache_data(max_entries=8, ttl="1h", show_spinner=False)
def compare(task, params, cell_options):
    """Fit each cell on the task; return rows (cell, score, seconds)."""
    granted_slots()                                # a cache miss waits in line (gate.gated)
    progress, finish = progress_callback("Training one model per neuron type")
    rows = []
    for i, (cell, options) in enumerate(cell_options):
        start = time.perf_counter()
        kwargs = params.estimator_kwargs() | {"cell": cell, "cell_options": dict(options)}
        if task == TASKS[2]:
            series = datasets.generate("Mackey-Glass", 3000).values
            u = ((series - series.mean()) / series.std())[:, None]
            model = lnn_core.EchoStateRegressor(**kwargs, washout=100).fit(u[:2249], u[1:2250, 0])
            score = lnn_core.nrmse(u[2251:, 0], model.predict(u[:-1])[2250:])
        else:
            data = datasets.load_digits_sequences() if task == TASKS[0] else \
                datasets.load_mnist("sample")
            n = 2000 if task == TASKS[1] else len(data.y_train)
            model = lnn_core.EchoStateClassifier(**kwargs).fit(data.X_train[:n], data.y_train[:n])
            score = model.score(data.X_test[:1000], data.y_test[:1000])
        rows.append((cell, score, time.perf_counter() - start))
        progress(i + 1, len(cell_options))
    finish()
    return rows


def compare_bytes(task, n_units):
    """Peak memory of the largest fit of :func:`compare`: the CfC cell's (three heads)."""
    if task == TASKS[2]:
        return estimate_memory(1, 2249, 1, n_units, task="forecast", cell="cfc")
    n_images, side = (2000, 28) if task == TASKS[1] else (1_347, 8)
    return estimate_memory(n_images, side, side, n_units, cell="cfc")


st.title("Liquid neurons")
st.markdown("The article describes **liquid time-constant (LTC)** neurons: each neuron's time "
            "constant τ/(1 + τ·f) shrinks when its input gate f opens, so it speeds up or slows "
            "down with the input. Its code, though, trains an **echo-state network** of leaky "
            "tanh neurons whose leak never changes. Here the same input runs through both, and "
            "through the closed-form **CfC** approximation of liquid neurons, with the same "
            "random weights.")
params = reservoir_controls(show=("n_units", "spectral_radius", "input_scaling", "bias_scaling",
                                  "leak_rate", "seed"))
with st.sidebar:
    st.subheader("LTC and CfC neurons")
    tau_range = st.slider("τ range (time constants)", 0.1, 20.0, (0.5, 5.0), 0.1,
                          key="tau_range", persist_state="session")
    reversal_range = st.slider("A range (reversal potentials)", -2.0, 2.0, (-1.0, 1.0), 0.1,
                               key="reversal_range", persist_state="session")
    step = st.slider("Step (time per input)", 0.1, 5.0, 1.0, 0.1, key="ltc_step",
                     persist_state="session")
    unfolds = st.slider("Unfolds (solver steps per input)", 1, 20, 6, key="unfolds",
                        persist_state="session")
    cfc_time = st.slider("CfC time t", 0.0, 5.0, 1.0, 0.1, key="cfc_time", persist_state="session")
cell_options = (("esn", ()), ("ltc", (("tau_range", tau_range), ("reversal_range", reversal_range),
                                       ("step", step), ("unfolds", unfolds))),
                ("cfc", (("time", cfc_time),)))

cols = st.columns([2, 3])
input_name = cols[0].segmented_control("Input", list(INPUTS), default="Sine",
                                       key="liquid_input", persist_state="session") or "Sine"
neurons = cols[1].multiselect("Neurons drawn", range(params.n_units), default=[0, 1, 2, 3],
                              max_selections=8, key="liquid_neurons") or [0]
time_axis = np.arange(N_STEPS)

with guarded("Try a narrower τ range or fewer unfolds."):
    reservoirs = {cell: reservoir(params, cell, options) for cell, options in cell_options}
    trajectories = {name: {cell: lnn_core.run_states(res, signal(name))
                           for cell, res in reservoirs.items()} for name in INPUTS}
    st.plotly_chart(style_figure(figs.cell_trajectories_figure(
        time_axis, signal(input_name), trajectories[input_name], neurons,
        f"{input_name}: the same input through three kinds of neuron"), height=520),
        width="stretch")
    swing = {cell: lnn_core.engine.metrics.state_swing(states, washout=50)
             for cell, states in trajectories[input_name].items()}
    st.caption("How far the input moves the neurons (median over neurons of the std over time): "
               + ", ".join(f"{figs.CELL_NAMES[c]} {v:.3g}" for c, v in swing.items()) + ". "
               "An LTC neuron settles near A·fτ/(1 + fτ), and the input only moves its gate f, "
               "so its states swing far less than tanh neurons at the same input scaling; "
               "raise the input scaling or widen the τ and A ranges to see them move.")

    st.subheader("The liquid part: time constants that move with the input")
    tau = ltc_effective_tau(reservoirs["ltc"], signal(input_name)[:, None],
                            trajectories[input_name]["ltc"])
    st.plotly_chart(style_figure(figs.effective_tau_figure(time_axis, signal(input_name), tau,
                                                           neurons), height=620), width="stretch")
    st.caption("An ESN neuron's time constant is fixed by its leak rate (1/leak steps); an LTC "
               "neuron's lies between τ/(1 + τ) (gate open) and τ (gate shut).")

    st.subheader("Step and impulse responses")
    for tab, name in zip(st.tabs(["Step response", "Impulse response"]), ("Step", "Impulse")):
        tab.plotly_chart(style_figure(figs.cell_trajectories_figure(
            time_axis, signal(name), trajectories[name], neurons), height=460), width="stretch")

st.subheader("One task, three neurons")
task = st.radio("Task", TASKS, horizontal=True, key="liquid_task", persist_state="session")
if st.button("Compare the three neurons", type="primary", icon=":material/compare_arrows:"):
    with guarded("Try fewer neurons or fewer unfolds."):
        rows = gated(compare, task, params, cell_options, label="comparing neurons",
                     nbytes=compare_bytes(task, params.n_units))
        st.session_state["liquid_comparison"] = (task, rows)
        for cell, score, seconds in rows:
            record_run("Liquid neurons", task, params.as_dict() | {"cell": cell},
                       {"NRMSE" if task == TASKS[2] else "accuracy": score}, seconds)
if "liquid_comparison" in st.session_state:
    task, rows = st.session_state["liquid_comparison"]
    score_name = "NRMSE" if task == TASKS[2] else "accuracy"
    table = pd.DataFrame(rows, columns=["cell", score_name, "seconds"])
    left, right = st.columns([1, 2])
    left.dataframe(table.assign(cell=table["cell"].map(figs.CELL_NAMES)), hide_index=True,
                   column_config={"accuracy": st.column_config.NumberColumn(format="percent"),
                                  "seconds": st.column_config.NumberColumn(format="%.2f s")})
    left.caption(f"Task: {task}.")
    right.plotly_chart(style_figure(figs.cell_comparison_figure(
        table["cell"], table[score_name], table["seconds"], score_name)), width="stretch")
