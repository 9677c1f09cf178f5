"""Dynamics: drive the reservoir with a signal and watch its state move."""

import time
from dataclasses import replace
from datetime import timedelta

import streamlit as st

import lnn_core
from lnn_core import figures
from lnn_core.data import generators
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.gate import gated, granted_slots
from pages._ui.page_settings import apply_preset, current_params, linked
from pages._ui.params import cached_reservoir
from pages._ui.presenter import presenter_mode, show_figure, style_figure
from pages._ui.runs import record_run
from pages._ui.shell import through_router

through_router()

#: Input signals offered (names of lnn_core.data.generators.GENERATORS).
SIGNALS = ("Mixed sines", "Square wave", "Impulse", "Mackey-Glass", "White noise")
#: Preset name -> (parameters it sets, what it shows).
PRESETS = {
    "Too quiet": ({"spectral_radius": 0.2, "input_scaling": 0.05},
                  "Tiny weights: the neurons barely move and forget at once."),
    "Edge of chaos": (None, "Measured for the current settings and signal: the largest "
                            "spectral radius at which two runs from different starts still "
                            "meet. Just above it the reservoir stops forgetting its start."),
    "Chaotic": ({"spectral_radius": 1.6, "input_scaling": 0.2},
                "Radius well above 1: the state churns on its own and forgets the input."),
}


@st.cache_data(max_entries=8, ttl=timedelta(hours=1), show_spinner="Running the reservoir…")
def simulate(params, signal, n_steps):
    """Input, states and echo-state distance of one reservoir on one generated signal."""
    reservoir = cached_reservoir(params)
    series = generators.generate(signal, n_steps, seed=params.seed)
    states = lnn_core.run_states(reservoir, series.values)
    distance = lnn_core.echo_state_check(reservoir, series.values, seed=params.seed).distance
    return series.time, series.values, states, distance, series.description


@st.cache_data(max_entries=16, ttl=timedelta(hours=1), show_spinner="Measuring memory capacity…")
def measure_memory(params):
    """Memory-capacity curve on i.i.d. uniform input; returns (delays, curve, total, seconds)."""
    granted_slots()                                # a cache miss waits in line (gate.gated)
    start = time.perf_counter()
    result = lnn_core.memory_capacity(cached_reservoir(params), seed=params.seed)
    return result.delays, result.curve, result.total, time.perf_counter() - start


def memory_capacity_bytes(n_units):
    """Peak memory of :func:`lnn_core.memory_capacity` at its defaults: states, their
    standardised copy and the QR factor, float64 (2N delays, 5N samples per half)."""
    n_steps = 200 + 2 * n_units + 2 * max(2000, 5 * n_units)
    return 3 * 8 * n_steps * n_units


#: Height (px) of each figure drawn through :func:`styled_figure`; None = the default.
HEIGHTS = {"trajectories": 520, "heatmap": 520, "pca": 560, "animation": 520, "distance": None}


@st.cache_resource(max_entries=48, ttl=timedelta(hours=1), show_spinner=False)
def styled_figure(kind, run_key, presenter, option, _run):
    """One figure of one simulation, built and styled once for every session.

    Building and styling the five figures was most of a rerun's server time,
    and a class moving the same sliders asks for the same few.  ``run_key``
    (parameters, signal, steps) names ``_run``, the output of
    :func:`simulate`, which is not hashed; ``option`` is the neurons drawn
    (``"trajectories"``) or the dimensions (``"pca"``); ``presenter`` is part
    of the key because :func:`style_figure` reads it.  Shared, not copied:
    ``st.plotly_chart`` only reads a figure, and ``st.cache_data`` would
    re-validate every figure on unpickling.
    """
    steps, inputs, states, distance, _ = _run
    if kind == "trajectories":
        fig = figures.trajectories_figure(steps, inputs, states, list(option))
    elif kind == "heatmap":
        fig = figures.state_heatmap(states)
    elif kind == "pca":
        fig = figures.pca_figure(*figures.principal_components(states, option), steps)
    elif kind == "animation":
        fig = figures.state_animation(states, inputs)
    else:
        fig = figures.echo_state_figure(distance)
    return style_figure(fig, height=HEIGHTS[kind])


@st.cache_data(max_entries=32, ttl=timedelta(hours=1), show_spinner="Locating the edge of chaos…")
def find_edge(params, signal, n_steps):
    """:func:`lnn_core.echo_state_edge` for ``params`` (any radius) on the page's signal."""
    series = generators.generate(signal, n_steps, seed=params.seed)
    kwargs = params.reservoir_kwargs()           # the engine caches the draw: each radius rescales
    return lnn_core.echo_state_edge(
        lambda radius: lnn_core.make_reservoir(n_inputs=1, **(kwargs | {"spectral_radius": radius})),
        series.values, seed=params.seed).radius


def apply_edge():
    """``on_click`` of "Edge of chaos": the spectral radius where the check stops fading."""
    params = current_params()
    signal = st.session_state.get("input_signal", SIGNALS[0])
    edge = find_edge(replace(params, spectral_radius=0.0), signal,
                     st.session_state.get("n_steps", 400))
    apply_preset({"spectral_radius": edge}, source="the Edge of chaos preset")
    st.session_state["dynamics_edge"] = (replace(params, spectral_radius=edge), signal, edge)


st.title("Dynamics")
st.markdown(
    "Feed the reservoir a signal and follow its neurons. A good reservoir answers the "
    "input with rich, varied trajectories and forgets old inputs gradually: "
    "**fading memory**. Too small a spectral radius and it barely reacts; too large "
    "and it churns on its own. Try the presets, then press ▶ Play in *Animation*.")
exercise_box = st.container()

columns = st.columns(len(PRESETS))
for column, (name, (values, text)) in zip(columns, PRESETS.items()):
    column.button(name, on_click=apply_edge if values is None else apply_preset,
                  args=() if values is None else (values,), help=text, width="stretch",
                  kwargs={} if values is None else {"source": f"the {name} preset"})

params = reservoir_controls(page="dynamics", show=("n_units", "spectral_radius", "density", "input_scaling",
                                  "bias_scaling", "leak_rate", "seed", "cell"))
left, right = st.columns(2)
signal = linked(left.selectbox, "Input signal", SIGNALS, key="input_signal")
n_steps = linked(right.slider, "Time steps", 100, 2000, 400, 50, key="n_steps")
edge = st.session_state.get("dynamics_edge")
if edge and edge[:2] == (params, signal):
    st.info(f"Edge of chaos for these settings and this signal: spectral radius {edge[2]:.2f}. "
            "Below it, two runs from different starts meet; just above, they stay apart.")

with guarded("Try fewer neurons or fewer time steps."):
    run = simulate(params, signal, n_steps)
    steps, inputs, states, distance, description = run
    presenter = presenter_mode()

    def chart(kind, option=None):
        show_figure(styled_figure(kind, (params, signal, n_steps), presenter, option, run),
                        width="stretch")

    st.caption(description)
    tabs = st.tabs(["Trajectories", "State heatmap", "PCA", "Animation", "Fading memory",
                    "Memory capacity"], key="dynamics_tab", bind="query-params")
    with tabs[0]:
        neurons = linked(st.multiselect, "Neurons", range(params.n_units),
                         default=[0, 1, 2, 3, 4], key="neurons", max_selections=12)
        chart("trajectories", tuple(neurons))
    with tabs[1]:
        chart("heatmap")
    with tabs[2]:
        n_components = linked(st.segmented_control, "Dimensions", [2, 3], default=3,
                              key="pca_dims", format_func=lambda d: f"{d}-D")
        chart("pca", n_components or 3)
    with tabs[3]:
        chart("animation")
        st.caption("The animation plays in your browser: ▶ Play, or drag the time slider.")
    with tabs[4]:
        chart("distance")
        if distance[-1] < 1e-3:
            st.success("Two runs from different starts converge: the memory of the start fades.")
        else:
            st.warning("The two runs stay apart: the reservoir does not forget its start.")
    with tabs[5]:
        st.markdown("How many past inputs can a linear readout recover from the state? "
                    "The total is at most the number of neurons.")
        if st.button("Measure memory capacity", icon=":material/play_arrow:", type="primary"):
            delays, curve, total, seconds = gated(measure_memory, params,
                                                  label="memory capacity",
                                                  nbytes=memory_capacity_bytes(params.n_units))
            record_run("Memory capacity", "i.i.d. uniform input", params.as_dict(),
                       {"memory capacity": total}, seconds,
                       curves={"memory capacity": (delays, curve)})
            st.session_state["memory_capacity"] = (params, delays, curve, total)
        measured = st.session_state.get("memory_capacity")
        if measured and measured[0] == params:
            _, delays, curve, total = measured
            show_figure(style_figure(figures.memory_capacity_figure(
                delays, curve, total, params.n_units)), width="stretch")
            st.metric("Memory capacity", f"{total:.1f}", help=f"At most {params.n_units}.")
        else:
            st.info("Press the button to measure: about 2 s at 300 neurons, 20 s at 1,000 "
                    "(one core, busy machine), more for larger reservoirs.")
    with exercise_box:
        exercises_ui("dynamics", state_swing=lnn_core.engine.metrics.state_swing(states),
                     n_units=params.n_units, spectral_radius=params.spectral_radius,
                     memory_capacity=measured[3] if measured and measured[0] == params else None)
