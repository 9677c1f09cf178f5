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
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.gate import gated, granted_slots
from pages._ui.irregular import irregular_section
from pages._ui.page_settings import linked
from pages._ui.presenter import show_figure, style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import record_run
from pages._ui.shell import through_router
from pages._ui.tables import show_table

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


EQUATIONS = r"""
**ESN** (discrete time, ignores elapsed time; $a$ = leak rate):
$x_t = (1-a)\,x_{t-1} + a \tanh(W x_{t-1} + W_{in} u_t + b)$

**LTC** (Hasani et al. 2021, conductance synapses as in `ncps`): the synapse $j \to i$ has
conductance $|W_{ij}|$, reversal potential $E_{ij}$ = the upper end of the reversal range if
$W_{ij} > 0$, the lower end if $W_{ij} < 0$, and opens with the sender's potential,
$s(x_j) = \sigma(4 (x_j - 0.3))$:
$\dfrac{dx_i}{dt} = -\dfrac{x_i}{\tau_i} + \sum_j |W_{ij}|\, s(x_j)\,(E_{ij} - x_i) + (W_{in} u + b)_i$.
Each sample lasts $\Delta_t = a \cdot dt_t$ ($dt_t$ the time since the previous sample,
or the step slider) and is solved by the fused step
$x \leftarrow \dfrac{x + h\,(W_E\, s(x) + W_{in} u_t + b)}{1 + h\,(1/\tau + |W| s(x))}$,
$h = \Delta_t / \text{unfolds}$. Time constant: $1 / (1/\tau_i + \sum_j |W_{ij}| s(x_j))$.

**CfC** (Hasani et al. 2022): $x_t = \sigma(-f \Delta_t)\, g + (1 - \sigma(-f \Delta_t))\, h$,
$f = W_f x_{t-1} + W_{in,f} u_t + b_f$ (linear), $g = \tanh(W x_{t-1} + W_{in} u_t + b)$,
$h = \tanh(W_h x_{t-1} + W_{in,h} u_t + b_h)$; $W$, $W_f$, $W_h$ all at the spectral radius.
"""


st.title("Liquid neurons")
st.markdown("The article describes **liquid time-constant (LTC)** neurons: each neuron's time "
            "constant 1/(1/τ + Σ conductances) shrinks when the synapses that feed it open, so it "
            "speeds up or slows down with the input. Its code, though, trains an **echo-state network** of leaky "
            "tanh neurons whose leak never changes. Here the same input runs through both, and "
            "through the closed-form **CfC** approximation of liquid neurons, with the same "
            "random weights.")
exercise_box = st.container()
params = reservoir_controls(page="liquid", show=("n_units", "spectral_radius", "input_scaling", "bias_scaling",
                                  "leak_rate", "seed"))
with st.sidebar:
    st.subheader("LTC and CfC neurons")
    tau_range = linked(st.slider, "τ range (leak time constants)", 0.1, 20.0, (0.5, 5.0), 0.1,
                       key="tau_range", persist_state="session")
    reversal_range = linked(st.slider, "Reversal potentials (inhibitory, excitatory)", -2.0,
                            2.0, (-1.0, 1.0), 0.1, key="reversal_range", persist_state="session")
    step = linked(st.slider, "LTC time per sample", 0.1, 5.0, 0.5, 0.1, key="ltc_step",
                  persist_state="session", help="Used when the data give no elapsed times.")
    unfolds = linked(st.slider, "Unfolds (solver steps per sample)", 1, 20, 3, key="unfolds",
                     persist_state="session")
    cfc_time = linked(st.slider, "CfC time per sample", 0.1, 5.0, 2.0, 0.1, key="cfc_time",
                      persist_state="session", help="Used when the data give no elapsed times.")
cell_options = (("esn", ()), ("ltc", (("tau_range", tau_range), ("reversal_range", reversal_range),
                                       ("step", step), ("unfolds", unfolds))),
                ("cfc", (("time", cfc_time),)))

cols = st.columns([3, 2])
input_name = linked(cols[0].segmented_control, "Input", list(INPUTS), default="Sine", wrap=True,
                    key="liquid_input", persist_state="session") or "Sine"
neurons = linked(cols[1].multiselect, "Neurons drawn", range(params.n_units),
                 default=[0, 1, 2, 3], max_selections=8, key="liquid_neurons") or [0]
time_axis = np.arange(N_STEPS)
swing = None

with guarded("Try a narrower τ range or fewer unfolds."):
    reservoirs = {cell: reservoir(params, cell, options) for cell, options in cell_options}
    trajectories = {name: {cell: lnn_core.run_states(res, signal(name))
                           for cell, res in reservoirs.items()} for name in INPUTS}
    show_figure(style_figure(figs.cell_trajectories_figure(
        time_axis, signal(input_name), trajectories[input_name], neurons,
        f"{input_name}: the same input through three kinds of neuron"), height=520),
        width="stretch")
    swing = {cell: lnn_core.engine.metrics.state_swing(states, washout=50)
             for cell, states in trajectories[input_name].items()}
    st.caption("How far the input moves the neurons (median over neurons of the std over time): "
               + ", ".join(f"{figs.CELL_NAMES[c]} {v:.3g}" for c, v in swing.items()) + ". "
               "The spectral radius scales the LTC's synaptic currents and conductances "
               "together: a larger radius opens more conductance, which shortens the time "
               "constants and holds the neurons closer to their reversal potentials (shunting).")
    with st.expander("The equations of the three neurons"):
        st.markdown(EQUATIONS)

    st.subheader("The liquid part: time constants that move with the input")
    tau = ltc_effective_tau(reservoirs["ltc"], trajectories[input_name]["ltc"])
    show_figure(style_figure(figs.effective_tau_figure(time_axis, signal(input_name), tau,
                                                           neurons), height=620), width="stretch")
    st.caption("An ESN neuron's time constant is fixed by its leak rate (1/leak steps); an LTC "
               "neuron's lies between τ/(1 + τ·Σ|W|) (every synapse open) and τ (every synapse "
               "shut), and moves with the activity of the neurons that feed it.")

    st.subheader("Step and impulse responses")
    tabs = linked(st.tabs, ["Step response", "Impulse response"], key="liquid_tab")
    for tab, name in zip(tabs, ("Step", "Impulse")):
        show_figure(style_figure(figs.cell_trajectories_figure(
            time_axis, signal(name), trajectories[name], neurons), height=460), container=tab)

st.subheader("One task, three neurons")
task = linked(st.radio, "Task", TASKS, horizontal=True, key="liquid_task",
              persist_state="session")
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
    show_table(table.assign(cell=table["cell"].map(figs.CELL_NAMES)), container=left,
               formats={"accuracy": "percent", "seconds": "%.2f s"})
    left.caption(f"Task: {task}.")
    show_figure(style_figure(figs.cell_comparison_figure(
        table["cell"], table[score_name], table["seconds"], score_name), share=0.66),
        container=right)

compared = st.session_state.get("liquid_comparison")
with exercise_box:
    exercises_ui("liquid", input=input_name, swing=swing, spectral_radius=params.spectral_radius,
                 task=compared and compared[0],
                 comparison=compared and {cell: score for cell, score, _ in compared[1]})

irregular_section(params, cell_options)
