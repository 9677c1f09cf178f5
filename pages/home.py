"""Home: what a reservoir is, what the article claims, and a tour of the lab.

The first page of a fresh server: its title and first paragraph come before anything
heavy.  ``figures`` and ``lab`` are ``lnn_core``'s lazy subpackages, so Plotly's figure
code and scikit-learn (which the article's module needs) load where they are first
used, below the title.
"""

import streamlit as st

from lnn_core import figures, lab
from pages._ui.presenter import show_figure, style_figure
from pages._ui.shell import available_pages, through_router

through_router()

#: Tour stops: page path -> what it tests.
TOUR = {
    "pages/reservoir.py": "Build a reservoir and see its eigenvalues, weights and whether it "
                          "forgets its start (the echo-state property).",
    "pages/dynamics.py": "Drive it with a signal: neuron trajectories, PCA of the state, "
                         "fading memory and memory capacity; try *Too quiet*, *Edge of chaos*, "
                         "*Chaotic*.",
    "pages/mnist.py": "Reproduce the article's MNIST number ({article_accuracy:.4f}) and "
                      "see which fixes lift it.",
    "pages/timeseries.py": "Predict Mackey-Glass, Lorenz-63 or NARMA-10: where reservoirs shine.",
    "pages/liquid.py": "Liquid time-constant and closed-form neurons next to the leaky tanh.",
    "pages/sweep.py": "Sweep two parameters and map where the reservoir works.",
    "pages/runs.py": "Compare every run of this session side by side.",
}

st.title("Liquid Lab")
st.markdown(
    "A **reservoir** is a large, fixed, random recurrent network. An input signal "
    "stirs it like a stone dropped in a liquid; the ripples (the neurons' states) "
    "mix the present input with echoes of the past. Only a linear **readout** on "
    "those states is trained, by one least-squares solve. *Liquid* neural networks "
    "go further: each neuron's time constant itself moves with the input.")

article_accuracy = lab.ARTICLE_ACCURACY
left, right = st.columns([3, 2], gap="large")
with left:
    show_figure(style_figure(figures.architecture_diagram(), height=360), width="stretch",
                    config={"staticPlot": True})
with right:
    st.subheader("The article's claim")
    st.markdown(
        "*What are Liquid Neural Networks?* builds a **1000-unit leaky tanh reservoir**, "
        f"feeds it MNIST and reports **{article_accuracy:.4f} test accuracy**. "
        "The lab checks that number and asks why it is so low: the reservoir's spectrum "
        "and memory (Reservoir, Dynamics), the MNIST pipeline itself (MNIST), tasks that "
        "need memory (Time series) and the liquid neurons the title promises (Liquid neurons).")

st.subheader("A suggested tour")
pages = {path: (title, icon) for path, title, icon, _ in available_pages()}
for number, (path, text) in enumerate(((p, t) for p, t in TOUR.items() if p in pages), 1):
    title, icon = pages[path]
    st.page_link(path, label=f"{number}. {title}", icon=icon)
    st.caption(text.format(article_accuracy=article_accuracy))

st.subheader("What the article describes vs. what its code trains")
st.markdown(
    "The article *describes* liquid time-constant neurons, whose time constant "
    "changes with the input. Its *code* trains an echo-state network: leaky tanh "
    "units with a fixed leak rate, a reservoir with a pseudo-inverse readout. "
    "Both are reservoirs, but only the first is liquid.")
if "pages/liquid.py" in pages:
    st.page_link("pages/liquid.py", label="See both side by side on the Liquid neurons page",
                 icon=":material/water_drop:")
