"""MNIST: a reservoir reads each digit row by row; the article's method, and why it fails."""

import streamlit as st

from lnn_core.lab import digit_experiments as experiments
from pages._ui.controls import reservoir_controls
from pages._ui.errors import guarded
from pages._ui.exercises import exercises_ui
from pages._ui.mnist_jobs import train_gated
from pages._ui.mnist_tabs import (
    article_ui,
    curves_ui,
    data_ui,
    draw_ui,
    export_import_ui,
    readout_ui,
    results_ui,
)
from pages._ui.page_settings import linked
from pages._ui.runs import record_run
from pages._ui.shell import through_router
from pages._ui.text import plain

through_router()

st.title("MNIST: reading digits row by row")
st.markdown("Each image is fed to the reservoir **one row per time step**; the reservoir's "
            "states, pooled over the rows, go to a linear readout trained by ridge regression. "
            "Only the readout learns. The article this lab answers fed whole images as single "
            "steps of one endless stream and reported 35.8 % accuracy; the *Article vs fixes* "
            "tab shows why.")
exercise_box = st.container()
params = reservoir_controls(page="mnist")
readout, shift = readout_ui()        # shift: pixels of the shifted training copies (0: none)
estimator_kwargs = tuple(sorted((params.estimator_kwargs() | readout).items()))

data, data_key = data_ui()        # data_key: the source, or the upload's SHA-256
if data is None:
    st.stop()
n_rows, n_columns = data.X_train.shape[1:]
st.caption(f"**{plain(data.description)}** · images {n_rows}×{n_columns}: {n_rows} time steps "
           f"of {n_columns} pixels")

sizes = experiments.training_sizes(len(data.y_train))
n_train = linked(st.select_slider, "Training images", sizes,
                 value=experiments.nearest(sizes, 10000), key="mnist_n_train",
                 persist_state="session")
if st.button("Train", type="primary", icon=":material/play_arrow:"):
    with guarded("Try fewer neurons or fewer training images."):
        st.session_state["mnist_trained"] = trained = train_gated(data_key, n_train,
                                                                  estimator_kwargs, shift, data)
        record_run("MNIST", data.description,
                   params.as_dict() | readout | {"training images": n_train,
                                                 "shifted copies (pixels)": shift},
                   {"train accuracy": trained.run.train_accuracy,
                    "test accuracy": trained.run.test_accuracy}, trained.run.seconds)
trained = st.session_state.get("mnist_trained")
if trained is not None and trained.key != (data_key, n_train, estimator_kwargs, shift):
    st.info("The last model was trained on other data or settings; press **Train** for this "
            "one.")
    trained = None                     # neither shown nor offered for download
with exercise_box:
    exercises_ui("mnist", source=data_key, n_units=params.n_units, n_train=n_train,
                 pooling=readout["pooling"],
                 test_accuracy=None if trained is None else trained.run.test_accuracy)

results_tab, article_tab, curves_tab, draw_tab, io_tab = st.tabs(
    ["Results", "Article vs fixes", "Accuracy curves", "Draw a digit", "Export / import"],
    key="mnist_tab", on_change="rerun", bind="query-params")      # remembered across reruns; only the open tab runs
if results_tab.open:
    with results_tab:
        results_ui(trained, data)
if article_tab.open:
    with article_tab:
        article_ui(data, data_key)
if curves_tab.open:
    with curves_tab:
        curves_ui(data, data_key, sizes, n_train, estimator_kwargs, shift)
if draw_tab.open:
    with draw_tab:
        draw_ui(trained)
if io_tab.open:
    with io_tab:
        export_import_ui(trained, data, params.as_dict() | readout | {"shift": shift})
