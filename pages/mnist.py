"""MNIST: a reservoir reads each digit row by row; the article's method, and why it fails."""

import hashlib
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import lnn_core
from lnn_core import guard
from lnn_core import article, datasets
from lnn_core import story_figures as figs
from lnn_core.digits import preprocess_drawing, preprocess_drawing_8x8
from lnn_core.model_io import load_model, save_model
from pages.common import (
    route_through_app,
    RIDGE_OPTIONS,
    apply_preset,
    download_params_button,
    guarded,
    progress_callback,
    record_run,
    reservoir_controls,
    style_figure,
)

route_through_app()

try:  # a third-party component: if it cannot register, the page still works without it
    from streamlit_drawable_canvas import st_canvas
except Exception:  # noqa: BLE001 - any import failure means "no canvas", never a crash
    st_canvas = None

SOURCES = {"digits": "8×8 digits (built in)", "sample": "MNIST sample (offline)",
           "full": "Full MNIST (cache or download)", "upload": "Upload (npz / IDX / CSV)"}
CURVE_VALUES = {"spectral_radius": (0.1, 0.5, 0.9, 1.2, 1.5), "leak_rate": (0.1, 0.3, 0.6, 1.0),
                "input_scaling": (0.1, 0.25, 0.5, 1.0, 2.0), "n_units": (50, 100, 200, 400, 800),
                "ridge": (1e-8, 1e-6, 1e-4, 1e-2, 1.0)}
TUNED = article.TUNED
#: Training images also scored for the train accuracy (a bound on the extra time).
TRAIN_SCORED = 2000


@dataclass(frozen=True)
class Trained:
    """A fitted model with its predictions, kept in the session."""

    model: lnn_core.EchoStateClassifier
    train_pred: np.ndarray
    test_pred: np.ndarray
    seconds: float
    data_key: str
    model_file: bytes


@st.cache_resource(max_entries=3, ttl="2h", show_spinner="Loading the images…")
def load_source(source):
    """Built-in data sets, shared read-only by every session."""
    return datasets.load_digits_sequences() if source == "digits" else \
        datasets.load_mnist("sample" if source == "sample" else "cache")


@st.cache_resource(max_entries=2, ttl="1h", show_spinner="Reading the upload…")
def load_upload(sha256, _files):
    return datasets.load_mnist(list(_files) if len(_files) > 1 else _files[0])


def check_memory(data, n_train, estimator_kwargs):
    """Refuse (ResourceError, shown by ``guarded``) a fit over the memory budget."""
    kwargs = dict(estimator_kwargs)
    images = data.X_train[:n_train]
    estimate = guard.estimate_memory(len(images), images.shape[1], images.shape[2],
                                     kwargs.get("n_units", 500), kwargs.get("pooling", "mean+last"),
                                     kwargs.get("n_points", 4), kwargs.get("bidirectional", False))
    guard.check_budget(estimate, what=f"training on {len(images):,} images")


@st.cache_resource(max_entries=6, ttl="2h", show_spinner=False)
def train(data_key, n_train, estimator_kwargs, _data):
    """Fit on the first ``n_train`` images.

    The progress bar is created inside, so that a cache hit replays it cleanly.
    """
    start = time.perf_counter()
    model = lnn_core.EchoStateClassifier(**dict(estimator_kwargs))
    progress, finish = progress_callback("Collecting reservoir states")
    model.fit(_data.X_train[:n_train], _data.y_train[:n_train], progress=progress)
    finish()
    train_pred = model.predict(_data.X_train[:min(n_train, TRAIN_SCORED)])
    test_pred = model.predict(_data.X_test)
    return Trained(model, train_pred, test_pred, time.perf_counter() - start, data_key,
                   save_model(model))


@st.cache_data(max_entries=8, ttl="2h", show_spinner=False)
def accuracy_curve(data_key, n_train, estimator_kwargs, vary, values, _data):
    """Train and test accuracy for each training-set size or value of one parameter."""
    progress, finish = progress_callback(f"Training {len(values)} models")
    train_scores, test_scores = [], []
    for i, value in enumerate(values):
        size = value if vary == "training images" else n_train
        kwargs = dict(estimator_kwargs) | ({} if vary == "training images" else {vary: value})
        model = lnn_core.EchoStateClassifier(**kwargs)
        model.fit(_data.X_train[:size], _data.y_train[:size])
        scored = min(size, TRAIN_SCORED)
        train_scores.append(model.score(_data.X_train[:scored], _data.y_train[:scored]))
        test_scores.append(model.score(_data.X_test, _data.y_test))
        progress(i + 1, len(values))
    finish()
    return train_scores, test_scores


@st.cache_resource(max_entries=4, ttl="12h", show_spinner=False)
def ladder(data_key, n_train, n_test, n_units, _data):
    """The article's method and the fixes (rungs 3-4 use :data:`TUNED`)."""
    progress, finish = progress_callback("Rungs of the ladder")
    steps = article.fix_ladder(_data.X_train[:n_train], _data.y_train[:n_train],
                               _data.X_test[:n_test], _data.y_test[:n_test], n_units=n_units,
                               progress=progress)
    finish()
    return steps


def tuned_preset():
    """``on_click``: the tuned configuration on every control (ridge snapped to the slider)."""
    values = {k: TUNED[k] for k in ("n_units", "spectral_radius", "density", "input_scaling",
                                     "bias_scaling", "leak_rate")}
    values["ridge"] = min(RIDGE_OPTIONS, key=lambda r: abs(np.log10(r / TUNED["ridge"])))
    apply_preset(values | {"seed": TUNED["random_state"], "cell": "esn",
                           "mnist_pooling": TUNED["pooling"], "mnist_n_points": TUNED["n_points"],
                           "mnist_bidirectional": TUNED["bidirectional"]})



def show_results(trained, data):
    """Scores, confusion matrix, one digit's states, and the misclassified digits."""
    if trained is None:
        st.info("Press **Train** to fit the readout and see the results here.")
        return
    model, n_fit, test_pred = trained.model, len(trained.train_pred), trained.test_pred
    cols = st.columns(4)
    cols[0].metric("Train accuracy", f"{np.mean(trained.train_pred == data.y_train[:n_fit]):.1%}",
                   help=f"On the first {n_fit:,} training images.")
    cols[1].metric("Test accuracy", f"{np.mean(test_pred == data.y_test):.1%}")
    cols[2].metric("Neurons", f"{model.n_units:,}")
    cols[3].metric("Time", f"{trained.seconds:.1f} s", help="Fit and predict, both sets.")
    left, right = st.columns(2)
    matrix, labels = lnn_core.confusion_matrix(data.y_test, test_pred)
    left.plotly_chart(style_figure(figs.confusion_figure(matrix, labels)), width="stretch")
    index = right.slider("Test image", 0, len(data.y_test) - 1, 0, key="mnist_image")
    states = lnn_core.run_states(model.reservoir_, data.X_test[index])
    right.plotly_chart(style_figure(figs.reading_states_figure(
        data.X_test[index], states, n_neurons=100, title=f"Test image {index}: true "
        f"{data.y_test[index]}, predicted {test_pred[index]} (first 100 neurons)")),
        width="stretch")
    wrong = np.flatnonzero(test_pred != data.y_test)
    st.subheader(f"Misclassified test images ({len(wrong):,})")
    st.plotly_chart(figs.digit_gallery_figure(data.X_test[wrong[:16]], [
        f"true {data.y_test[i]} → {test_pred[i]}" for i in wrong[:16]]), width="stretch")


def show_article(data, data_key):
    """The article's method and the ladder of fixes, behind a button."""
    st.markdown("The article's recipe: one long stream, each image a **single** time step, the "
                "state carried from image to image, unscaled N(0, 1) weights, leak 0.1, a "
                "pseudo-inverse readout. Here it runs as written, then fixed one step at a time.")
    if data.X_train.shape[1:] != (28, 28):
        st.info("The article used 28×28 MNIST: choose an MNIST source above.")
        return
    sizes = sorted({n for n in (2000, 4000, 10000) if n < len(data.y_train)}
                   | {len(data.y_train)})
    cols = st.columns(2)
    n_images = cols[0].select_slider("Training images", sizes,
                                     min(sizes, key=lambda n: abs(n - 4000)),
                                     key="mnist_ladder_size", help="A pseudo-inverse readout needs "
                                     "many more images than neurons, or it memorises them.")
    n_units = cols[1].select_slider("Neurons", [300, 1000], 300, key="mnist_ladder_units",
                                    help="The article used 1,000 (dense): minutes, not seconds.")
    n_test = min(len(data.y_test), max(1000, n_images // 4))
    if st.button("Run the article's method and the fixes", icon=":material/science:"):
        with guarded():
            st.session_state["mnist_ladder"] = ladder(data_key, n_images, n_test, n_units, data)
    steps = st.session_state.get("mnist_ladder")
    if steps:
        st.plotly_chart(style_figure(figs.ladder_figure(
            [s.name for s in steps], [s.explanation for s in steps],
            [s.test_accuracy for s in steps], article.ARTICLE_ACCURACY, "article: 35.8 %"),
            height=110 + 95 * len(steps)), width="stretch")
        st.caption(f"Total {sum(s.seconds for s in steps):.0f} s. The article's 35.8 % is on the "
                   "full 60,000 / 10,000 set with 1,000 neurons.")


def show_curves(data, data_key, sizes, n_train, estimator_kwargs):
    """Train and test accuracy against the training-set size or one parameter."""
    vary = st.selectbox("Vary", ["training images", *CURVE_VALUES], key="mnist_curve_vary")
    values = tuple(s for s in sizes if s <= n_train) if vary == "training images" \
        else CURVE_VALUES[vary]
    if st.button("Compute curve", icon=":material/monitoring:"):
        with guarded("Try fewer training images."):
            st.session_state["mnist_curve"] = (vary, values, accuracy_curve(
                data_key, n_train, estimator_kwargs, vary, values, data))
    if "mnist_curve" in st.session_state:
        vary, values, (train_scores, test_scores) = st.session_state["mnist_curve"]
        st.plotly_chart(style_figure(figs.accuracy_curve_figure(
            values, train_scores, test_scores, vary,
            log_x=vary in ("ridge", "training images"))), width="stretch")


def show_drawing(trained):
    """A canvas; the drawing preprocessed, classified, and read row by row."""
    if st_canvas is None:
        st.info("The drawing canvas (streamlit-drawable-canvas) is not available here.")
        return
    if trained is None:
        st.info("Train a model first, then draw a digit for it to read.")
        return
    model = trained.model
    left, right = st.columns([1, 2])
    with left:
        st.space("small")          # room for the canvas toolbar, drawn above the canvas
        canvas = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
                           height=280, width=280, return_image_data=True, key="mnist_canvas")
        st.caption("Draw one digit, large, with the mouse or a finger.")
    preprocess = preprocess_drawing_8x8 if model.n_inputs_ == 8 else preprocess_drawing
    if model.n_inputs_ == 8:
        left.caption("This model reads 8×8 images, so it sees your drawing at 8×8 pixels; a "
                     "model trained on an MNIST source reads drawings far better.")
    with right, guarded("Draw one digit, large, in the middle of the box."):
        try:
            digit = preprocess(canvas.image_data) if canvas.image_data is not None else None
        except lnn_core.DataError:        # an empty canvas: nothing to read yet
            digit = None
        if digit is None:
            st.info("Draw a digit in the black box: the network reads it when you lift the pen.")
            return
        scores = (model.transform_states(digit[None]) @ model.coef_ + model.intercept_)[0]
        st.metric("The reservoir reads", str(model.classes_[np.argmax(scores)]))
        st.plotly_chart(style_figure(figs.class_scores_figure(model.classes_, scores), height=300),
                        width="stretch")
        st.plotly_chart(style_figure(figs.reading_states_figure(
            digit, lnn_core.run_states(model.reservoir_, digit), n_neurons=100,
            title="Your digit, as the network reads it")), width="stretch")


def show_export_import(trained, data, model_params):
    """Download model, parameters and results; load a model file and test it."""
    if trained is not None:
        cols = st.columns(3)
        cols[0].download_button("Download model (.npz)", trained.model_file, "mnist_reservoir.npz",
                                icon=":material/download:", on_click="ignore")
        with cols[1]:
            download_params_button(model_params, "mnist_params.json")
        results = pd.DataFrame({"true": data.y_test, "predicted": trained.test_pred})
        cols[2].download_button("Download results (CSV)", results.to_csv(index_label="test_image"),
                                "mnist_results.csv", mime="text/csv", icon=":material/table:",
                                on_click="ignore")
    upload = st.file_uploader("Load a saved model (.npz) and test it on this data", type=["npz"],
                              key="mnist_model_upload")
    if upload is None:
        return
    with guarded("Upload a .npz file saved by 'Download model'."):
        imported = load_model(upload.getvalue())
        if not isinstance(imported, lnn_core.EchoStateClassifier):
            raise lnn_core.DataError("this file holds a time-series regressor, not a digit "
                                     "classifier")
        predictions = imported.predict(data.X_test)
        st.metric("Test accuracy of the loaded model", f"{np.mean(predictions == data.y_test):.1%}")
        if trained is not None:
            same = int(np.sum(predictions == trained.test_pred))
            st.write(f"Same prediction as the trained model on {same:,} of {len(predictions):,} "
                     "test images.")


st.title("MNIST: reading digits row by row")
st.markdown("Each image is fed to the reservoir **one row per time step**; the reservoir's "
            "states, pooled over the rows, go to a linear readout trained by ridge regression. "
            "Only the readout learns. The article this lab answers fed whole images as single "
            "steps of one endless stream and reported 35.8 % accuracy; the *Article vs fixes* "
            "tab shows why.")
params = reservoir_controls()
# defaults through the session (not the widgets) so the Tuned preset may set them too
for key, default in (("mnist_pooling", "mean+last"), ("mnist_n_points", 4),
                     ("mnist_bidirectional", False)):
    st.session_state.setdefault(key, default)
with st.sidebar:
    st.subheader("Readout features")
    pooling = st.selectbox("Pooling", lnn_core.POOLINGS[:4], key="mnist_pooling",
                           persist_state="session",
                           help="How the states over the rows become features: the last state, "
                                "their mean, both, or the states at a few evenly spaced rows.")
    n_points = st.slider("Rows sampled", 2, 8, key="mnist_n_points", persist_state="session",
                         disabled=pooling != "points", help="States kept by 'points' pooling.")
    bidirectional = st.toggle("Also read bottom-up", key="mnist_bidirectional",
                              persist_state="session",
                              help="Read each image backwards too and join both readings' "
                                   "features: better accuracy, twice the time.")
    st.button("Tuned preset", on_click=tuned_preset, icon=":material/tune:",
              help=f"The best configuration found for MNIST: {TUNED}.")
readout = {"pooling": pooling, "n_points": n_points, "bidirectional": bidirectional}
estimator_kwargs = tuple(sorted((params.estimator_kwargs() | readout).items()))

source = st.segmented_control("Data", list(SOURCES), format_func=SOURCES.get, default="digits",
                              key="mnist_source", persist_state="session") or "digits"
data = None
with guarded("Pick another source, or check the files."):
    if source == "upload":
        files = st.file_uploader("Keras .npz, the four IDX files, or CSV (label, 784 pixels)",
                                 accept_multiple_files=True, key="mnist_upload")
        if files:
            digest = hashlib.sha256(b"".join(f.name.encode() + f.getvalue() for f in files))
            data = load_upload(digest.hexdigest(), tuple(files))
    elif source == "full":
        try:
            data = load_source("full")
        except lnn_core.DataError:
            st.info("Full MNIST is not on this machine yet (11 MB download, checked by SHA-256).")
            if st.button("Download MNIST", icon=":material/download:"):
                callback, finish = progress_callback("Downloading MNIST")
                datasets.load_mnist("download", progress=lambda done, total: callback(
                    done, total or datasets.MNIST_SIZE))
                finish()
                st.rerun()
    else:
        data = load_source(source)
if data is None:
    st.stop()
data_key = f"{source}:{data.description}"
st.caption(f"**{data.description}** · images {data.X_train.shape[1]}×{data.X_train.shape[2]}: "
           f"{data.X_train.shape[1]} time steps of {data.X_train.shape[2]} pixels")

sizes = sorted({n for n in (500, 1000, 2000, 5000, 10000, 20000) if n < len(data.y_train)}
               | {len(data.y_train)})
n_train = st.select_slider("Training images", sizes, value=min(sizes, key=lambda n: abs(n - 10000)),
                           key="mnist_n_train", persist_state="session")
if st.button("Train", type="primary", icon=":material/play_arrow:"):
    with guarded("Try fewer neurons or fewer training images."):
        check_memory(data, n_train, estimator_kwargs)
        result = train(data_key, n_train, estimator_kwargs, data)
        st.session_state["mnist_trained"] = result
        record_run("MNIST", data.description, params.as_dict() | readout | {
                   "training images": n_train},
                   {"train accuracy": np.mean(result.train_pred
                                              == data.y_train[:len(result.train_pred)]),
                    "test accuracy": np.mean(result.test_pred == data.y_test)}, result.seconds)
trained = st.session_state.get("mnist_trained")
if trained is not None and trained.data_key != data_key:
    st.info("The last model was trained on other data; press **Train** for this one.")
    trained = None

results_tab, article_tab, curves_tab, draw_tab, io_tab = st.tabs(
    ["Results", "Article vs fixes", "Accuracy curves", "Draw a digit", "Export / import"],
    key="mnist_tab", on_change="rerun")      # remembered across reruns; only the open tab runs
if results_tab.open:
    with results_tab:
        show_results(trained, data)
if article_tab.open:
    with article_tab:
        show_article(data, data_key)
if curves_tab.open:
    with curves_tab:
        show_curves(data, data_key, sizes, n_train, estimator_kwargs)
if draw_tab.open:
    with draw_tab:
        show_drawing(trained)
if io_tab.open:
    with io_tab:
        show_export_import(trained, data, params.as_dict() | readout)
