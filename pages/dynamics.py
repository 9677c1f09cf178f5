"""Dynamics: drive the reservoir with a signal and watch its state move."""

import time

import streamlit as st

import lnn_core
from lnn_core import figures
from lnn_core.data import generators
from pages._ui.errors import guarded
from pages._ui.params import apply_preset, cached_reservoir, reservoir_controls
from pages._ui.presenter import style_figure
from pages._ui.runs import record_run
from pages._ui.shell import through_router

through_router()

#: Input signals offered (names of lnn_core.data.generators.GENERATORS).
SIGNALS = ("Mixed sines", "Square wave", "Impulse", "Mackey-Glass", "White noise")
#: Preset name -> (parameters it sets, what it shows).
PRESETS = {
    "Too quiet": ({"spectral_radius": 0.2, "input_scaling": 0.05},
                  "Tiny weights: the neurons barely move and forget at once."),
    "Edge of chaos": ({"spectral_radius": 1.0, "input_scaling": 0.5},
                      "Radius near 1: long, rich echoes of the input."),
    "Chaotic": ({"spectral_radius": 1.6, "input_scaling": 0.2},
                "Radius well above 1: the state churns on its own and forgets the input."),
}


@st.cache_data(max_entries=8, ttl="1h", show_spinner="Running the reservoir…")
def simulate(params, signal, n_steps):
    """Input, states and echo-state distance of one reservoir on one generated signal."""
    reservoir = cached_reservoir(params)
    series = generators.generate(signal, n_steps, seed=params.seed)
    states = lnn_core.run_states(reservoir, series.values)
    distance = lnn_core.echo_state_check(reservoir, series.values, seed=params.seed).distance
    return series.time, series.values, states, distance, series.description


@st.cache_data(max_entries=16, ttl="1h", show_spinner="Measuring memory capacity…")
def measure_memory(params):
    """Memory-capacity curve on i.i.d. uniform input; returns (delays, curve, total, seconds)."""
    start = time.perf_counter()
    result = lnn_core.memory_capacity(cached_reservoir(params), seed=params.seed)
    return result.delays, result.curve, result.total, time.perf_counter() - start


st.title("Dynamics")
st.markdown(
    "Feed the reservoir a signal and follow its neurons. A good reservoir answers the "
    "input with rich, varied trajectories and forgets old inputs gradually: "
    "**fading memory**. Too small a spectral radius and it barely reacts; too large "
    "and it churns on its own. Try the presets, then press ▶ Play in *Animation*.")

columns = st.columns(len(PRESETS))
for column, (name, (values, text)) in zip(columns, PRESETS.items()):
    column.button(name, on_click=apply_preset, args=(values,), help=text, width="stretch")

params = reservoir_controls(show=("n_units", "spectral_radius", "density", "input_scaling",
                                  "bias_scaling", "leak_rate", "seed", "cell"))
left, right = st.columns(2)
signal = left.selectbox("Input signal", SIGNALS, key="input_signal", bind="query-params")
n_steps = right.slider("Time steps", 100, 2000, 400, 50, key="n_steps", bind="query-params")

with guarded("Try fewer neurons or fewer time steps."):
    steps, inputs, states, distance, description = simulate(params, signal, n_steps)
    st.caption(description)
    tabs = st.tabs(["Trajectories", "State heatmap", "PCA", "Animation", "Fading memory",
                    "Memory capacity"])
    with tabs[0]:
        neurons = st.multiselect("Neurons", range(params.n_units), default=[0, 1, 2, 3, 4],
                                 key=f"neurons_of_{params.n_units}", max_selections=12)
        st.plotly_chart(style_figure(figures.trajectories_figure(steps, inputs, states, neurons),
                                     height=520), width="stretch")
    with tabs[1]:
        st.plotly_chart(style_figure(figures.state_heatmap(states), height=520),
                        width="stretch")
    with tabs[2]:
        n_components = st.segmented_control("Dimensions", [2, 3], default=3, key="pca_dims",
                                            format_func=lambda d: f"{d}-D")
        projected, explained = figures.principal_components(states, n_components or 3)
        st.plotly_chart(style_figure(figures.pca_figure(projected, explained, steps),
                                     height=560), width="stretch")
    with tabs[3]:
        st.plotly_chart(style_figure(figures.state_animation(states, inputs), height=520),
                        width="stretch")
        st.caption("The animation plays in your browser: ▶ Play, or drag the time slider.")
    with tabs[4]:
        st.plotly_chart(style_figure(figures.echo_state_figure(distance)), width="stretch")
        if distance[-1] < 1e-3:
            st.success("Two runs from different starts converge: the memory of the start fades.")
        else:
            st.warning("The two runs stay apart: the reservoir does not forget its start.")
    with tabs[5]:
        st.markdown("How many past inputs can a linear readout recover from the state? "
                    "The total is at most the number of neurons.")
        if st.button("Measure memory capacity", icon=":material/play_arrow:", type="primary"):
            delays, curve, total, seconds = measure_memory(params)
            record_run("Memory capacity", "i.i.d. uniform input", params.as_dict(),
                       {"memory capacity": total}, seconds,
                       curves={"memory capacity": (delays, curve)})
            st.session_state["memory_capacity"] = (params, delays, curve, total)
        measured = st.session_state.get("memory_capacity")
        if measured and measured[0] == params:
            _, delays, curve, total = measured
            st.plotly_chart(style_figure(figures.memory_capacity_figure(
                delays, curve, total, params.n_units)), width="stretch")
            st.metric("Memory capacity", f"{total:.1f}", help=f"At most {params.n_units}.")
        else:
            st.info("Press the button to measure (a few seconds for large reservoirs).")
