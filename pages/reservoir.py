"""Reservoir: the random recurrent matrix, its spectrum and the echo-state check."""

import numpy as np
import streamlit as st

import lnn_core
from lnn_core import figures
from lnn_core.data import generators
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.params import cached_reservoir
from pages._ui.presenter import presenter_mode, show_figure, style_figure
from pages._ui.shell import through_router

through_router()

#: Length of the standard input of the echo-state check.
CHECK_STEPS = 200


@st.cache_data(max_entries=32, ttl="1h", show_spinner=False)
def echo_state_distance(params):
    """Distance over time of two runs from different starts, on mixed sines (seed 0)."""
    reservoir = cached_reservoir(params)
    inputs = generators.mixed_sines(CHECK_STEPS, seed=0).values
    return lnn_core.echo_state_check(reservoir, inputs, seed=params.seed).distance


@st.cache_resource(max_entries=32, ttl="1h", show_spinner=False)
def styled_figures(params, presenter):
    """The page's four figures, built and styled once per parameter set for every session.

    Building and styling them was half of a slider move's server time in the
    script (py-spy, 10 students); a class moving the same sliders asks for the
    same few sets.
    ``presenter`` is part of the key because :func:`style_figure` reads it.
    Shared, not copied: ``st.plotly_chart`` only reads a figure (``to_dict``),
    and ``st.cache_data`` would re-validate every figure on unpickling.
    """
    reservoir = cached_reservoir(params)
    return tuple(style_figure(fig, share=0.5) for fig in (
        figures.eigenvalue_figure(reservoir.eigenvalues, reservoir.spectral_radius),
        figures.echo_state_figure(echo_state_distance(params)),
        figures.weight_heatmap(reservoir.W),
        figures.weight_histogram(reservoir.W)))


st.title("Reservoir")
st.markdown(
    "The reservoir's recurrent weights **W** are drawn at random and rescaled so that "
    "their largest |eigenvalue|, the **spectral radius**, hits the slider's value. "
    "It sets how strongly the state feeds back on itself: larger values keep old inputs "
    "longer, until the state starts to churn on its own. A radius below 1 is often quoted "
    "as the condition for the *echo-state property* (the state forgets where it started and "
    "echoes only the input), but it is neither necessary nor sufficient: the tanh and the "
    "input damp the state, so many reservoirs above 1 still forget their start. The check "
    "below measures it for these settings. Move the spectral radius: the eigenvalues scale "
    "with it.")
exercise_box = st.container()

params = reservoir_controls(page="reservoir", show=("n_units", "spectral_radius", "density", "input_scaling",
                                  "bias_scaling", "leak_rate", "seed", "cell"))

with guarded("Try fewer neurons or a larger density."):
    reservoir = cached_reservoir(params)
    distance = echo_state_distance(params)
    fades = bool(distance[-1] < 1e-3)

    n_nonzero = int(np.count_nonzero(reservoir.W))
    columns = st.columns(4)
    columns[0].metric("Neurons", f"{reservoir.n_units:,}")
    columns[1].metric("Nonzero weights", f"{n_nonzero:,}",
                      help="Recurrent connections actually drawn.")
    columns[2].metric("Spectral radius", f"{reservoir.spectral_radius:.3g}")
    columns[3].metric("Forgets its start", "yes" if fades else "no",
                      help=f"The echo-state check: after {CHECK_STEPS} steps of the same "
                           "input, two runs from different random starts are closer than "
                           "1/1000 of their initial distance.")

    spectrum, echo, heatmap, histogram = styled_figures(params, presenter_mode())
    left, right = st.columns(2)
    show_figure(spectrum, container=left)
    show_figure(echo, container=right)
    if fades:
        right.success("The two runs converge: the state depends on the input, not the start.")
    else:
        right.warning("The runs do not converge: the reservoir still remembers its start. "
                      "Lower the spectral radius or raise the input scaling.")

    left, right = st.columns(2)
    show_figure(heatmap, container=left)
    show_figure(histogram, container=right)
    with exercise_box:
        exercises_ui("reservoir", spectral_radius=reservoir.spectral_radius,
                     input_scaling=params.input_scaling, final_distance=float(distance[-1]))
    if reservoir.n_units > figures.MAX_HEATMAP:
        left.caption(f"The heatmap shows the top-left {figures.MAX_HEATMAP}×"
                     f"{figures.MAX_HEATMAP} sub-block (the first {figures.MAX_HEATMAP} "
                     "neurons), not an average: the sparsity you see is real.")
