"""The MNIST page's slow calls, cached at the edge and run through the job gate.

Keyed on small hashable values: ``data_key`` names the data by content (the source,
or an upload's SHA-256 over every file's name and bytes) and the data itself is passed
unhashed as ``_data``.  The numbers come from :mod:`lnn_core.lab.digit_experiments`.
"""

from dataclasses import dataclass
from datetime import timedelta

import streamlit as st

from lnn_core import guard
from lnn_core.data import datasets
from lnn_core.engine.model_io import save_model
from lnn_core.lab import article
from lnn_core.lab import digit_experiments as experiments
from pages._ui.gate import counted_cache, gated, granted_slots
from pages._ui.progress import FIT_PHASES, progress_callback


@dataclass(frozen=True)
class Trained:
    """A fitted model, its scores and its file, with the key it was trained under.

    ``key`` is ``(data_key, n_train, estimator_kwargs, shift)``: the page shows
    the model, and offers its file, only while its own key is this key.
    """

    run: experiments.DigitRun
    key: tuple
    model_file: bytes


# ----------------------------------------------------------------------------- cached core calls

@st.cache_resource(max_entries=3, ttl=timedelta(hours=2), show_spinner="Loading the images…")
def load_source(source):
    """Built-in data sets, shared read-only by every session."""
    return datasets.load_digits_sequences() if source == "digits" else \
        datasets.load_mnist("sample" if source == "sample" else "cache")


@counted_cache(max_entries=2, ttl=timedelta(hours=1), show_spinner="Reading the upload…")
def load_upload(sha256, _files):
    """The uploaded files as MNIST data, keyed by :func:`pages._ui.keys.upload_digest`."""
    return datasets.load_mnist(list(_files) if len(_files) > 1 else _files[0])


@st.cache_resource(max_entries=6, ttl=timedelta(hours=2), show_spinner=False)
def train(data_key, n_train, estimator_kwargs, shift, _data):
    """Fit on the first ``n_train`` images (the bar is drawn inside, so a cache hit replays it).

    ``data_key`` names ``_data`` by content (see :func:`data_ui`), never by its description;
    ``shift`` > 0 adds the images' shifted copies (``fit_and_score``).
    """
    granted_slots()                                # a cache miss waits in line (gate.gated)
    progress, finish = progress_callback("Training", FIT_PHASES)
    run = experiments.fit_and_score(_data.X_train, _data.y_train, _data.X_test, _data.y_test,
                                    estimator_kwargs, n_train=n_train, shift=shift,
                                    progress=progress)
    finish()
    return Trained(run, (data_key, n_train, estimator_kwargs, shift), save_model(run.model))


@st.cache_data(max_entries=8, ttl=timedelta(hours=2), show_spinner=False)
def accuracy_curve(data_key, n_train, estimator_kwargs, shift, vary, values, _data):
    granted_slots()
    progress, finish = progress_callback(f"Training {len(values)} models")
    curve = experiments.accuracy_curve(_data.X_train, _data.y_train, _data.X_test, _data.y_test,
                                       estimator_kwargs, vary, values, n_train=n_train,
                                       shift=shift, progress=progress)
    finish()
    return curve


@st.cache_resource(max_entries=4, ttl=timedelta(hours=12), show_spinner=False)
def ladder(data_key, n_train, n_test, n_units, _data):
    """The article's method and the fixes, one setting per rung (the last is :data:`article.TUNED`)."""
    granted_slots()
    progress, finish = progress_callback("Rungs of the ladder")
    steps = article.fix_ladder(_data.X_train[:n_train], _data.y_train[:n_train],
                               _data.X_test[:n_test], _data.y_test[:n_test], n_units=n_units,
                               progress=progress)
    finish()
    return steps


def train_gated(data_key, n_train, estimator_kwargs, shift, data):
    """:func:`train` through the job gate, refused first if over the memory budget."""
    estimate = experiments.check_fit_memory(data.X_train, n_train, estimator_kwargs, shift=shift)
    return gated(train, data_key, n_train, estimator_kwargs, shift, data, label="training",
                 nbytes=estimate)


def _ladder_bytes(n_images, n_units):
    """Peak of the ladder's largest rung: the tuned classifier, else the pseudo-inverse."""
    tuned = guard.estimate_memory(n_images, 28, 28, n_units, article.TUNED["pooling"], article.TUNED["n_points"],
                                  article.TUNED["bidirectional"])
    return max(tuned, 3 * 8 * n_images * (784 + n_units))


def _curve_bytes(data, n_train, estimator_kwargs, shift, vary, values):
    """The largest fit of the curve (each model is fitted after the previous one is freed)."""
    base = dict(estimator_kwargs)
    return max(experiments.check_fit_memory(
        data.X_train, value if vary == "n_train" else n_train,
        base if vary == "n_train" else base | {vary: value}, shift=shift) for value in values)

def _predict_bytes(model, X_test):
    """Peak memory of ``model`` predicting every test image."""
    p = model.get_params()
    return guard.estimate_memory(len(X_test), X_test.shape[1], X_test.shape[2], p["n_units"],
                                 p["pooling"], p["n_points"], p["bidirectional"], cell=p["cell"])
