"""The Time series page's "Tune" action: search on the training data, show the map, apply the best.

:func:`tune_section` draws a button; a click runs
:func:`lnn_core.lab.tune.tune_classifier` or :func:`~lnn_core.lab.tune.tune_forecast`
through the job gate with a progress bar, and keeps the result for this data
in the session.  The result shows the current and the best validation score,
the sweep's figure (:func:`lnn_core.figures.sweep.sweep_figure`) and a button
that sets the sidebar's parameters (and the pooling) to the best point.
"""

import streamlit as st

from lnn_core.data.parsers import split_dataset
from lnn_core.errors import DataError
from lnn_core.figures.sweep import describe_point, sweep_figure
from lnn_core.guard import estimate_memory
from lnn_core.lab import tune
from lnn_core.lab.timeseries import TRAIN_FRACTION
from lnn_core.sweep import check_folds
from pages._ui.errors import guarded
from pages._ui.gate import job_gate, job_slot
from pages._ui.page_settings import apply_preset
from pages._ui.presenter import show_figure, style_figure
from pages._ui.progress import progress_callback
from pages._ui.runs import record_run
from pages._ui.text import plain

#: Pooling options of the Time series page's classifier, the model space included.
POOLINGS = ("last", "mean", "mean+last", "model_space")
_KEY = "ts_tune"
#: Session key of the Time series page's current data, offered by the Sweep page as a task.
SHARED_DATA = "ts_shared_data"


def shared_task():
    """The Time series page's current data as a sweep task (training part only), or None.

    Returns
    -------
    CrossValidatedTask or ForecastTask or None
        None when the Time series page has no data.

    Raises
    ------
    DataError
        The data cannot be swept, e.g. a class with fewer training sequences
        than the cross-validation has folds (named in the message).
    """
    shared = st.session_state.get(SHARED_DATA)
    if shared is None:
        return None
    kind, *data = shared
    if kind == "unusable":
        raise DataError(data[0])
    if kind == "forecast":
        return tune.forecast_task(*data)
    _check_training_part(data[0])
    return tune.classifier_task(*data)


def _check_training_part(train):
    """Raise the cross-validation's ``DataError``, naming the training part, if ``train``'s
    labels cannot be split into its folds (reads the labels only: cheap on every rerun)."""
    try:
        check_folds(train.y, tune.N_SPLITS)
    except DataError as err:
        raise DataError(f"in its training part, {err}") from None


def apply_best(values, pooling_key):
    """Button callback: the best point goes to the sidebar's widgets (and the pooling's)."""
    values = dict(values)
    pooling = values.pop("pooling", None)
    apply_preset(values)
    if pooling is not None:
        st.session_state[pooling_key] = pooling


def _run(data_key, params, sequences=None, pooling=None, forecast=None):
    """The search, on the cores the job gate grants; the result is kept for ``data_key``."""
    kwargs = params.estimator_kwargs()
    if sequences is not None:
        n, steps, channels = len(sequences.X), max(len(x) for x in sequences.X), \
            sequences.n_channels
        nbytes = estimate_memory(n, steps, channels, params.n_units, "model_space", n_jobs=1)
    else:
        inputs = forecast[0]
        nbytes = estimate_memory(1, len(inputs), inputs.shape[1], params.n_units,
                                 task="forecast", n_jobs=1)
    slots = job_gate().slots
    with job_slot("tuning", slots * nbytes, slots) as n_jobs:
        callback, finish = progress_callback(f"Tuning on {n_jobs} core(s)")
        if sequences is not None:
            result = tune.tune_classifier(sequences, kwargs | {"pooling": pooling},
                                          n_jobs=n_jobs, progress=callback)
        else:
            inputs, targets, horizon = forecast
            result = tune.tune_forecast(inputs, targets, kwargs, horizon, n_jobs=n_jobs,
                                        progress=callback)
        finish()
    st.session_state[_KEY] = (data_key, result)
    record_run("Tune", f"{result.evaluations} points", result.best,
               {f"validation {result.metric}": result.best_score}, result.seconds)


def tune_section(params, data_key, *, dataset=None, pooling=None, seed=0, forecast=None,
                 pooling_key="ts_pooling"):
    """A "Tune" button and, once run for this data, its result and an Apply button.

    Parameters
    ----------
    params : ReservoirParams
        The sidebar's current parameters (the point to beat).
    data_key : hashable
        Names the data by content; a result for other data is not shown.
    dataset : SequenceDataset, optional
        Classification: the sequences the page trains on; the search uses the
        same stratified training part as :func:`lnn_core.lab.timeseries.fit_classifier`
        (``seed``), never its test part.
    pooling : str, optional
        The page's current pooling (classification).
    seed : int
        Seed of the page's train/test split.
    forecast : tuple (inputs, targets, horizon), optional
        Forecasting: the series; the search uses its training part only.
    pooling_key : str
        Widget key of the page's pooling selector, set by Apply.
    """
    kind = "the training sequences" if dataset is not None else "the training part"
    try:
        train = None if dataset is None else split_dataset(dataset, 1 - TRAIN_FRACTION, seed).train
    except DataError as err:          # a class too small to split: Train says so in a sentence
        st.session_state[SHARED_DATA] = ("unusable", str(err))      # not the previous file
        return
    st.session_state[SHARED_DATA] = ("classify", train, pooling) if dataset is not None \
        else ("forecast", *forecast)
    unusable = None
    if dataset is not None:
        try:
            _check_training_part(train)
        except DataError as err:      # e.g. a class with fewer training sequences than folds
            unusable = str(err).rstrip(".")
            st.info(f"Tune cannot search this data: {plain(unusable, limit=300)}.",
                    icon=":material/info:")
    if st.button("Tune for this data", icon=":material/tune:", key=f"{_KEY}_run",
                 disabled=unusable is not None,
                 help=f"Search leak rate, input scaling, spectral radius, ridge"
                      f"{' and representation' if dataset is not None else ''} on {kind} "
                      "only (cross-validated for classification, a later stretch for "
                      "forecasting); the test part is not used."):
        st.session_state.pop(_KEY, None)
        with guarded("Tune needs the echo-state neuron type and a few sequences of every class."):
            if dataset is not None:
                _run(data_key, params, train, pooling)
            else:
                _run(data_key, params, forecast=forecast)
    data_for, result = st.session_state.get(_KEY, (None, None))
    if result is None or data_for != data_key:
        return
    score = "{:.1%}" if result.metric == "accuracy" else "{:.3g}"
    cols = st.columns(3)
    cols[0].metric(f"Validation {result.metric}, current parameters",
                   score.format(result.current_score))
    cols[1].metric("Best found", score.format(result.best_score),
                   delta=score.format(result.best_score - result.current_score),
                   delta_color="normal" if result.metric == "accuracy" else "inverse")
    cols[2].metric("Points scored", f"{result.evaluations} in {result.seconds:.0f} s")
    shown = result.best.get("pooling", next(iter(result.runs), None))
    if shown in result.runs:
        show_figure(style_figure(sweep_figure(result.summary(shown))), width="stretch",
                    key=f"{_KEY}_map")
    best = describe_point(result.best) + (f", pooling={result.best['pooling']}"
                                         if "pooling" in result.best else "")
    if result.improved:
        st.success(f"Best on the validation part: {best}.")
        st.button("Apply the best parameters", on_click=apply_best, args=(result.best, pooling_key),
                  icon=":material/done_all:", type="primary", key=f"{_KEY}_apply")
    else:
        st.info("No searched point beat the current parameters on the validation part; "
                "they stay as they are.")
