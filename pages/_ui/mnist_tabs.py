"""Widgets of the MNIST page: its sidebar, its data source, and one ``*_ui()`` per tab.

Not a page (the router lists pages from ``pages._ui.shell.PAGES``): ``pages/mnist.py`` calls
these top to bottom.  Its slow calls, cached and gated, are in :mod:`.mnist_jobs`.
"""

import time

import streamlit as st

import lnn_core
from lnn_core.data import datasets
from lnn_core.figures import story as figs
from lnn_core.lab import article
from lnn_core.lab import digit_experiments as experiments
from pages._ui.errors import guarded
from pages._ui.gate import gated, job_slot
from pages._ui.keys import upload_digest
from pages._ui.page_settings import apply_preset, linked
from pages._ui.params import nearest_ridge
from pages._ui.presenter import show_figure, style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import download_params_button, record_run

from .mnist_jobs import (
    _curve_bytes,
    _ladder_bytes,
    _predict_bytes,
    accuracy_curve,
    ladder,
    load_source,
    load_upload,
)

try:  # a third-party component: if it cannot register, the page still works without it
    from streamlit_drawable_canvas import st_canvas
except Exception:  # noqa: BLE001 - any import failure means "no canvas", never a crash
    st_canvas = None

SOURCES = {"digits": "8×8 digits (built in)", "sample": "MNIST sample (offline)",
           "full": "Full MNIST (cache or download)", "upload": "Upload (npz / IDX / CSV)"}
TUNED = article.TUNED
#: What ``python -m lnn_core.bench`` measured on this server (2 cores shared with other work).
FAST_97_HELP = ("300 neurons with the Tuned readout (7 rows, both directions), ridge 3e-03, "
                "trained on the images plus copies shifted one pixel up, down, left and right "
                "(5× the training images). Measured on the MNIST sample (4,000 training "
                "images) with `python -m lnn_core.bench` on an otherwise idle 2-core machine: "
                "test accuracy 0.971 in 11.3 s, where the Tuned preset took 13.1 s for 0.955 "
                "in the same run.")


# ----------------------------------------------------------------------------- controls

def _apply_preset(config, shift, name):
    """``on_click``: a configuration on every control (ridge snapped to the slider)."""
    values = {k: config[k] for k in ("n_units", "spectral_radius", "density", "input_scaling",
                                     "bias_scaling", "leak_rate")}
    values["ridge"] = nearest_ridge(config["ridge"])
    apply_preset(values | {"seed": config["random_state"], "cell": "esn",
                           "mnist_pooling": config["pooling"],
                           "mnist_n_points": config["n_points"],
                           "mnist_bidirectional": config["bidirectional"],
                           "mnist_shifted": bool(shift)},
                 source=f"the {name} preset")


def readout_ui():
    """Sidebar: how the states become features, shifted training copies, and the presets.

    Returns
    -------
    readout : dict
        ``pooling``, ``n_points`` and ``bidirectional`` (``EchoStateClassifier`` names).
    shift : int
        Pixel shift of the training copies (``fit_and_score``'s ``shift``): 0 or
        :data:`lnn_core.lab.article.FAST_97_SHIFT`.
    """
    with st.sidebar:
        st.subheader("Readout features")
        pooling = linked(st.selectbox, "Pooling", lnn_core.POOLINGS[:4], key="mnist_pooling",
                         index=lnn_core.POOLINGS.index("mean+last"), persist_state="session",
                         help="How the states over the rows become features: the last "
                              "state, their mean, both, or the states at a few evenly "
                              "spaced rows.")
        n_points = linked(st.slider, "Rows sampled", 2, 8, 4, key="mnist_n_points",
                          persist_state="session",
                          disabled=pooling != "points", help="States kept by 'points' pooling.")
        bidirectional = linked(st.toggle, "Also read bottom-up", False, key="mnist_bidirectional",
                               persist_state="session", help="Read each image backwards too and "
                               "join both readings' features: better accuracy, twice the time.")
        shifted = linked(st.toggle, "Train on shifted copies", False, key="mnist_shifted",
                         persist_state="session",
                         help="Also fit on copies of every training image moved one pixel "
                              "up, down, left and right: 5× the training images and time.")
        st.button("Tuned preset", on_click=_apply_preset, args=(TUNED, 0, "Tuned"),
                  icon=":material/tune:",
                  help=f"The best configuration found for MNIST: {TUNED}.")
        st.button("Fast 0.97 preset", on_click=_apply_preset,
                  args=(article.FAST_97, article.FAST_97_SHIFT, "Fast 0.97"), icon=":material/bolt:",
                  help=FAST_97_HELP)
    readout = {"pooling": pooling, "n_points": n_points, "bidirectional": bidirectional}
    return readout, article.FAST_97_SHIFT if shifted else 0


def data_ui():
    """The data source picker, with an uploader or a download button where needed.

    Returns
    -------
    data : lnn_core.data.datasets.MnistData or None
        ``None`` until there is data to use (no upload yet, MNIST not downloaded).
    data_key : str or None
        What the data is, by content: the built-in source's name, or
        ``"upload:"`` and :func:`pages._ui.keys.upload_digest` of every file.
    """
    source = linked(st.segmented_control, "Data", list(SOURCES), format_func=SOURCES.get,
                    default="digits", key="mnist_source", persist_state="session") or "digits"
    with guarded("Pick another source, or check the files."):
        if source == "upload":
            files = st.file_uploader("Keras .npz, the four IDX files, or CSV (label, 784 pixels)",
                                     accept_multiple_files=True, key="mnist_upload")
            if files:
                digest = upload_digest(files)
                return load_upload(digest, tuple(files)), f"upload:{digest}"
        elif source == "full":
            try:
                return load_source("full"), source
            except lnn_core.DataError:
                st.info("Full MNIST is not on this machine yet (11 MB download, checked by "
                        "SHA-256).")
                if st.button("Download MNIST", icon=":material/download:"):
                    callback, finish = progress_callback("Downloading MNIST")
                    datasets.load_mnist("download", progress=lambda done, total: callback(
                        done, total or datasets.MNIST_SIZE))
                    finish()
                    st.rerun()
        else:
            return load_source(source), source
    return None, None


# ----------------------------------------------------------------------------- tabs

def results_ui(trained, data):
    """Scores, confusion matrix, one digit's states, and the misclassified digits."""
    if trained is None:
        st.info("Press **Train** to fit the readout and see the results here.")
        return
    run = trained.run
    cols = st.columns(4)
    cols[0].metric("Train accuracy", f"{run.train_accuracy:.1%}",
                   help=f"On the first {len(run.train_pred):,} training images.")
    cols[1].metric("Test accuracy", f"{run.test_accuracy:.1%}")
    cols[2].metric("Neurons", f"{run.model.n_units:,}")
    cols[3].metric("Time", f"{run.seconds:.1f} s", help="Fit and predict, both sets.")
    left, right = st.columns(2)
    matrix, labels = lnn_core.confusion_matrix(data.y_test, run.test_pred)
    show_figure(style_figure(figs.confusion_figure(matrix, labels), share=0.5), container=left)
    index = right.slider("Test image", 0, len(data.y_test) - 1, 0, key="mnist_image")
    states = lnn_core.run_states(run.model.reservoir_, data.X_test[index])
    show_figure(style_figure(figs.reading_states_figure(
        data.X_test[index], states, n_neurons=100, title=f"Image {index}: true "
        f"{data.y_test[index]}, predicted {run.test_pred[index]}"),
        share=0.5), container=right)
    wrong = experiments.misclassified(data.y_test, run.test_pred)
    st.subheader(f"Misclassified test images ({len(wrong):,})")
    show_figure(style_figure(figs.digit_gallery_figure(data.X_test[wrong[:16]], [
        f"true {data.y_test[i]} → {run.test_pred[i]}" for i in wrong[:16]])))


def article_ui(data, data_key):
    """The article's method and the ladder of fixes, behind a button."""
    st.markdown("The article's recipe: one long stream, each image a **single** time step, the "
                "state carried from image to image, unscaled N(0, 1) weights, leak 0.1, a "
                "pseudo-inverse readout. Here it runs as written, then fixed one step at a time.")
    if data.X_train.shape[1:] != (28, 28):
        st.info("The article used 28×28 MNIST: choose an MNIST source above.")
        return
    sizes = experiments.training_sizes(len(data.y_train), experiments.LADDER_SIZES)
    cols = st.columns(2)
    n_images = linked(cols[0].select_slider, "Training images", sizes,
                      experiments.nearest(sizes, 4000), key="mnist_ladder_size",
                      persist_state="session", help="A pseudo-inverse readout needs many "
                      "more images than neurons, or it memorises them.")
    n_units = linked(cols[1].select_slider, "Neurons", [300, 1000], 300, key="mnist_ladder_units",
                     persist_state="session",
                     help="The article used 1,000 (dense): minutes, not seconds.")
    n_test = experiments.ladder_test_size(n_images, len(data.y_test))
    key = (data_key, n_images, n_test, n_units)
    if st.button("Run the article's method and the fixes", icon=":material/science:"):
        with guarded():
            st.session_state["mnist_ladder"] = key, gated(
                ladder, data_key, n_images, n_test, n_units, data, label="the ladder",
                nbytes=_ladder_bytes(n_images, n_units))
            for i, step in enumerate(st.session_state["mnist_ladder"][1]):
                record_run("Article ladder", f"{data.description}, {n_images:,} training images",
                           {"rung": i, "rung name": step.name, "n_units": n_units,
                            **{k: "pseudo-inverse" if v is None else v
                               for k, v in step.settings.items()}},
                           {"test accuracy": step.test_accuracy}, step.seconds)
    kept_key, steps = st.session_state.get("mnist_ladder", (None, None))
    if steps and kept_key == key:
        show_figure(style_figure(figs.ladder_figure(
            [s.name for s in steps], [s.explanation for s in steps],
            [s.test_accuracy for s in steps], article.ARTICLE_ACCURACY, "article: 35.8 %"),
            height=110 + 95 * len(steps)), width="stretch")
        st.caption(f"Total {sum(s.seconds for s in steps):.0f} s. The article's 35.8 % is on the "
                   "full 60,000 / 10,000 set with 1,000 neurons.")


def curves_ui(data, data_key, sizes, n_train, estimator_kwargs, shift):
    """Train and test accuracy against the training-set size or one parameter."""
    vary = linked(st.selectbox, "Vary", experiments.CURVE_PARAMETERS, key="mnist_curve_vary",
                  persist_state="session",
                  format_func=lambda name: "training images" if name == "n_train" else name)
    values = experiments.curve_values(vary, sizes, n_train)
    key = (data_key, n_train, estimator_kwargs, shift, vary, values)
    if st.button("Compute curve", icon=":material/monitoring:"):
        with guarded("Try fewer training images."):
            start = time.perf_counter()
            curve = gated(accuracy_curve, *key, data, label="the accuracy curve",
                          nbytes=_curve_bytes(data, n_train, estimator_kwargs, shift, vary, values))
            st.session_state["mnist_curve"] = key, curve
            record_run("Accuracy curve", data.description,
                       dict(estimator_kwargs) | {"vary": vary, "training images": n_train,
                                                 "shifted copies": shift},
                       {"best test accuracy": max(curve.test_accuracy)},
                       time.perf_counter() - start,
                       curves={"train accuracy": (curve.values, curve.train_accuracy),
                               "test accuracy": (curve.values, curve.test_accuracy)})
    kept_key, curve = st.session_state.get("mnist_curve", (None, None))
    if curve is not None and kept_key == key:
        label = "training images" if curve.vary == "n_train" else curve.vary
        show_figure(style_figure(figs.accuracy_curve_figure(
            curve.values, curve.train_accuracy, curve.test_accuracy, label,
            log_x=curve.vary in ("ridge", "n_train"))), width="stretch")


def draw_ui(trained):
    """A canvas; the drawing preprocessed, classified, and read row by row."""
    if st_canvas is None:
        st.info("The drawing canvas (streamlit-drawable-canvas) is not available here.")
        return
    if trained is None:
        st.info("Train a model first, then draw a digit for it to read.")
        return
    model = trained.run.model
    left, right = st.columns([1, 2])
    with left:
        st.space("small")          # room for the canvas toolbar, drawn above the canvas
        canvas = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
                           height=280, width=280, return_image_data=True, key="mnist_canvas")
        st.caption("Draw one digit, large, with the mouse or a finger.")
    if model.n_inputs_ == 8:
        left.caption("This model reads 8×8 images, so it sees your drawing at 8×8 pixels; a "
                     "model trained on an MNIST source reads drawings far better.")
    with right, guarded("Draw one digit, large, in the middle of the box."):
        try:
            reading = None if canvas.image_data is None else \
                experiments.read_drawing(model, canvas.image_data)
        except lnn_core.DataError:        # an empty canvas: nothing to read yet
            reading = None
        if reading is None:
            st.info("Draw a digit in the black box: the network reads it when you lift the pen.")
            return
        st.metric("The reservoir reads", str(reading.label))
        show_figure(style_figure(figs.class_scores_figure(model.classes_, reading.scores),
                                 height=300, share=0.66))
        show_figure(style_figure(figs.reading_states_figure(
            reading.image, reading.states, n_neurons=100,
            title="Your digit, as the network reads it"), share=0.66))


def export_import_ui(trained, data, model_params):
    """Download model, parameters and results; load a model file and test it."""
    if trained is not None:
        cols = st.columns(3)
        cols[0].download_button("Download model (.npz)", trained.model_file, "mnist_reservoir.npz",
                                icon=":material/download:", on_click="ignore")
        with cols[1]:
            download_params_button(model_params, "mnist_params.json")
        results = experiments.results_table(data.y_test, trained.run.test_pred)
        cols[2].download_button("Download results (CSV)", results.to_csv(), "mnist_results.csv",
                                mime="text/csv", icon=":material/table:", on_click="ignore")
    upload = st.file_uploader("Load a saved model (.npz) and test it on this data", type=["npz"],
                              key="mnist_model_upload")
    if upload is None:
        return
    with guarded("Upload a .npz file saved by 'Download model'."):
        model = experiments.load_classifier(upload.getvalue(), max_units=2000)
        with job_slot("testing the loaded model", _predict_bytes(model, data.X_test)):
            check = experiments.check_model(model, data.X_test, data.y_test,
                                            None if trained is None else trained.run.test_pred)
        st.metric("Test accuracy of the loaded model", f"{check.test_accuracy:.1%}")
        if check.n_same is not None:
            st.write(f"Same prediction as the trained model on {check.n_same:,} of "
                     f"{len(check.predictions):,} test images.")


