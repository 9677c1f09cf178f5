"""The Time series page's choices and results: horizon and transform, scores beside their
baselines, accuracies with their interval."""

import numpy as np
import streamlit as st

import lnn_core
from lnn_core.figures import story as figs

from .page_settings import linked
from .presenter import show_figure, style_figure
from .text import figure_text, plain

#: Below this many test sequences the page says how wide the accuracy's interval is.
FEW_TEST_SEQUENCES = 30
BASELINE_NAMES = {"naive": "Naive (last value)", "seasonal_naive": "Seasonal naive"}
TRANSFORM_HELP = ("Applied before the reservoir and undone after it; the scores are in the "
                  "data's units. log: for a positive series whose swings grow with its level. "
                  "difference: the model forecasts the change since the last known value (a "
                  "trend).")


def horizon_slider(free):
    """Steps ahead (a closed-loop-capable target) or the delay of a separate output."""
    if free:
        return linked(st.slider, "Horizon h (predict the target h steps ahead)", 1, 50, 1,
                      key="ts_horizon", persist_state="session")
    return linked(st.slider, "Delay h (predict the output h steps after the input)", 0, 50, 0,
                  key="ts_delay", persist_state="session")


def transform_choice(values, horizon):
    """none / log (a positive series only) / difference (a horizon of 1 or more).

    One key whatever is offered, so the choice is in the URL (``ts_transform``); a
    choice this data does not offer (a link's, or one kept from other data) falls
    back to ``"none"``, and a link's gets :func:`.page_settings.linked`'s sentence.
    """
    options = ["none"] + (["log"] if np.nanmin(values) > 0 else []) + (
        ["difference"] if horizon >= 1 else [])
    return linked(st.segmented_control, "Transform", options, default="none", key="ts_transform",
                  persist_state="session", help=TRANSFORM_HELP) or "none"


def forecast_metrics(result):
    """Scores of a forecast for the Runs page."""
    return {"NRMSE": result.score, "NRMSE naive": result.baselines["naive"],
            "NRMSE seasonal naive": result.baselines["seasonal_naive"]}


def accuracy_metrics(result):
    """Scores of a classifier for the Runs page: the accuracy, its interval, the test size."""
    low, high = result.interval
    return {"accuracy": result.score, "accuracy 95% low": low, "accuracy 95% high": high,
            "test sequences": result.n_test}


def show_forecast(result, target_name, horizon, x_title, n_units):
    """The model's NRMSE beside both baselines, a plain verdict, and the figures."""
    cols = st.columns(3)
    best = min(result.baselines, key=result.baselines.get)
    cols[0].metric("Test NRMSE", f"{result.score:.3g}",
                   delta=f"{result.score - result.baselines[best]:+.3g} vs best baseline",
                   delta_color="inverse", help="RMS error / spread of the truth on the last "
                   "25 %, in the data's units: 0 is perfect, 1 is as good as the mean.")
    cols[1].metric(BASELINE_NAMES["naive"], f"{result.baselines['naive']:.3g}",
                   help="Repeats the last known value.")
    cols[2].metric(f"{BASELINE_NAMES['seasonal_naive']} (season {result.season})",
                   f"{result.baselines['seasonal_naive']:.3g}",
                   help="Repeats the value one season before the target.")
    st.caption(f"Baselines are scored like the model: NRMSE on the same {result.n_test:,} "
               f"test targets, {horizon} step(s) ahead. Season: {result.season} step(s), from "
               f"the {result.season_source}.")
    if result.score > result.baselines[best]:
        st.warning(f"The reservoir loses to the {BASELINE_NAMES[best].lower()} forecast "
                   f"({result.score:.3g} against {result.baselines[best]:.3g}): a model that "
                   "only repeats a past value forecasts these test steps better. Try a "
                   "transform, another ridge penalty or fewer neurons.",
                   icon=":material/trending_down:")
    else:
        st.success(f"The reservoir beats both baselines ({result.score:.3g} against "
                   f"{result.baselines[best]:.3g} for the better one).",
                   icon=":material/check_circle:")
    cols = st.columns(2)
    cols[0].metric("Valid time", f"{result.valid_steps} steps" if result.generated is not None
                   else "n/a", help="Closed-loop steps before the error exceeds 0.2 spread.")
    cols[1].metric("Time", f"{result.seconds:.2f} s")
    if result.split < n_units:
        st.warning(f"Only {result.split:,} training steps for {n_units:,} neurons: the "
                   "readout can memorise them. Raise the ridge penalty or use fewer neurons.",
                   icon=":material/warning:")
    test = slice(result.split, None)
    show_figure(style_figure(figs.forecast_figure(
        result.target_time[test], result.truth_units[test], result.predicted_units[test],
        f"Predicting {figure_text(target_name, limit=60)} {horizon} step(s) ahead on the test "
        "part", baseline=(BASELINE_NAMES[best].lower(), result.baseline_forecasts[best]),
        x_title=figure_text(x_title, limit=40))), width="stretch")
    if result.generated is not None:
        show_figure(style_figure(figs.generation_figure(
            np.arange(result.split, result.split + len(result.generated)), result.free_truth,
            result.generated, result.valid_steps)), width="stretch")


def show_accuracy(result, train_size):
    """Test accuracy with its 95 % Wilson interval and test size, and the confusion matrix."""
    low, high = result.interval
    cols = st.columns(4)
    cols[0].metric("Test accuracy", f"{result.score:.1%}")
    cols[1].metric("95 % interval", f"{low:.1%} – {high:.1%}",
                   help="Wilson score interval: where the accuracy on all such data lies, "
                        "with 95 % confidence, given this many test sequences.")
    cols[2].metric("Test sequences", f"{result.n_test:,}")
    cols[3].metric("Time", f"{result.seconds:.1f} s")
    if result.official_test:
        st.caption(f"Trained on all {train_size:,} sequences of the training file, scored on "
                   f"the {result.n_test:,} of the test file.")
    else:
        st.caption(f"Trained on a stratified 75 % of the file, scored on the other "
                   f"{result.n_test:,} sequences. Upload a test file to score on it instead.")
    if result.n_test < FEW_TEST_SEQUENCES:
        st.info(f"With only {result.n_test} test sequences the 95 % interval is "
                f"{100 * (high - low):.0f} percentage points wide ({low:.1%} to {high:.1%}): "
                "accuracies inside it cannot be told apart.", icon=":material/info:")
    matrix, labels = lnn_core.confusion_matrix(result.truth, result.predicted)
    show_figure(style_figure(figs.confusion_figure(             # labels are CSV cells
        matrix, [figure_text(label, limit=30) for label in labels])), width="stretch")


def show_description(text):
    """A parsed file's one-sentence description, as text."""
    st.caption(plain(text, limit=400))
