"""Resource guard: the memory estimate follows the engine's arrays, and too big a run is refused."""

import gc
import tracemalloc

import numpy as np
import pytest

import lnn_core
from lnn_core import (
    EchoStateClassifier,
    EchoStateRegressor,
    RidgeAccumulator,
    make_reservoir,
)
from lnn_core.engine import reservoir as reservoir_module
from lnn_core.engine.reservoir import unscaled_recurrent
from lnn_core.guard import (
    BUDGET_ENV,
    DEFAULT_BUDGET,
    ResourceError,
    budget_from_env,
    check_budget,
    estimate_memory,
    format_bytes,
    memory_breakdown,
)

MIB = 2**20


def test_estimate_grows_linearly_in_n_samples():
    sizes = (20_000, 30_000, 40_000, 50_000)     # past the sizes where fitting is the peak
    estimates = [estimate_memory(n, 28, 28, 500, "mean+last", n_jobs=2) for n in sizes]
    steps = np.diff(estimates)
    assert (steps == steps[0]).all(), estimates
    # per image: 28 x 28 float32 pixels, 1,000 float32 features twice (blocks, then
    # stacked) when predicting, 10 float64 class scores
    assert steps[0] == 10_000 * (4 * 28 * 28 + 2 * 4 * 1000 + 8 * 10)


def test_features_and_normal_equations_have_their_textbook_sizes():
    parts = memory_breakdown(60_000, 28, 28, 1000, "points", n_points=28, n_jobs=2)
    n_features = 28 * 1000
    assert parts["inputs"] == 4 * 60_000 * 28 * 28
    assert parts["predict"] >= 4 * 60_000 * n_features
    assert parts["fit"] >= 4 * 8 * n_features**2          # Gram, centred, regularised, solver copy
    assert estimate_memory(60_000, 28, 28, 1000, "points", n_points=28, n_jobs=2) == \
        parts["reservoir"] + parts["draw"] + parts["inputs"] + max(parts["fit"], parts["predict"])


def test_more_features_than_samples_counts_the_dual_kernel():
    n_samples, n_features = 1000, 2000                        # mean+last of 1,000 units
    parts = memory_breakdown(n_samples, 28, 28, 1000, "mean+last", n_jobs=2)
    kept, copy = 4 * n_samples * n_features, 8 * n_samples * n_features     # float64, centred in place
    assert parts["fit"] >= kept + copy + 16 * n_samples**2        # and the kernel, twice
    primal = memory_breakdown(n_features + 1, 28, 28, 1000, "mean+last", n_jobs=2)
    assert primal["fit"] >= 4 * 8 * n_features**2


def test_bidirectional_doubles_the_features_and_cfc_widens_the_reservoir():
    one = memory_breakdown(50_000, 28, 28, 300, n_jobs=1)
    two = memory_breakdown(50_000, 28, 28, 300, bidirectional=True, n_jobs=1)
    assert two["predict"] > 1.9 * one["predict"]
    cfc = memory_breakdown(5000, 28, 28, 300, cell="cfc", n_jobs=1)
    assert cfc["reservoir"] > 2 * one["reservoir"]


def measured_peak(run):
    """Peak bytes traced by tracemalloc while ``run()`` executes (NumPy reports its arrays)."""
    unscaled_recurrent.cache_clear()        # the draw and its spectrum count, as in a fresh server
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("n_samples", "n_units", "pooling"), [
    (4000, 300, "mean+last"),       # primal: normal equations of 600 features
    (600, 400, "mean+last"),        # dual: 800 features > 600 samples
    (1500, 200, "points"),          # 4 points: 800 features, primal
    (12000, 300, "points"),         # 6 blocks: threads reduce some while others step the next
])
def test_estimate_matches_the_measured_peak_of_a_classifier(n_samples, n_units, pooling):
    rng = np.random.default_rng(0)
    X = rng.random((n_samples, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n_samples)

    def run():
        model = EchoStateClassifier(n_units=n_units, pooling=pooling).fit(X, y)
        model.predict(X)

    peak = measured_peak(run) + X.nbytes                    # the run's data count too
    estimate = estimate_memory(n_samples, 28, 28, n_units, pooling)
    parts = memory_breakdown(n_samples, 28, 28, n_units, pooling)
    assert peak / 2 <= estimate <= 2 * peak, (
        f"estimate {format_bytes(estimate)}, measured {format_bytes(peak)}: "
        f"{ {name: format_bytes(size) for name, size in parts.items()} }")


def test_estimate_counts_the_shifted_training_copies():
    """Fast 0.97 fits 5 copies of every image: made beside the originals, then streamed."""
    from lnn_core.data.augment import shift_augment
    rng = np.random.default_rng(0)
    X = rng.random((4000, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 4000)

    def run():
        X_fit, y_fit = shift_augment(X, y, 1)                # (20000, 28, 28)
        EchoStateClassifier(n_units=50, pooling="last").fit(X_fit, y_fit).predict(X)

    peak = measured_peak(run) + X.nbytes
    estimate = estimate_memory(4000, 28, 28, 50, "last", copies=5)
    assert peak / 2 <= estimate <= 2 * peak, (
        f"estimate {format_bytes(estimate)}, measured {format_bytes(peak)}")
    assert estimate - estimate_memory(4000, 28, 28, 50, "last") >= 5 * X.nbytes


def test_estimate_matches_the_measured_peak_of_a_forecaster():
    n_steps, n_units = 20_000, 300
    u = np.sin(np.arange(n_steps + 1) / 8)[:, None]

    def run():
        model = EchoStateRegressor(n_units=n_units, washout=100).fit(u[:-1], u[1:, 0])
        model.predict(u[:-1])

    peak = measured_peak(run)
    estimate = estimate_memory(1, n_steps, 1, n_units, task="forecast", n_outputs=1)
    assert peak / 2 <= estimate <= 2 * peak, (
        f"estimate {format_bytes(estimate)}, measured {format_bytes(peak)}")


def test_full_mnist_with_28_points_and_1000_units_is_refused_naming_the_budget():
    estimate = estimate_memory(60_000, 28, 28, 1000, pooling="points", n_points=28)
    assert estimate > 20 * 2**30
    with pytest.raises(ResourceError) as caught:
        check_budget(estimate, DEFAULT_BUDGET, what="training on 60,000 images")
    message = str(caught.value)
    assert message.startswith("Training on 60,000 images needs about ")
    assert format_bytes(estimate) in message
    assert "2.0 GiB budget" in message
    for advice in ("fewer neurons", "fewer training samples", "'last' pooling", "fewer points"):
        assert advice in message
    assert isinstance(caught.value, ValueError)


def test_the_app_s_usual_runs_fit_the_default_budget():
    check_budget(estimate_memory(1_347, 8, 8, 300))                    # 8x8 digits
    check_budget(estimate_memory(60_000, 28, 28, 500))                 # full MNIST, tuned
    check_budget(estimate_memory(1, 10_000, 1, 2000, task="forecast", n_outputs=1))


def test_check_budget_accepts_an_estimate_equal_to_the_budget_and_checks_its_arguments():
    check_budget(512 * MIB, 512 * MIB)
    with pytest.raises(ResourceError, match="512.0 MiB budget"):
        check_budget(512 * MIB + 1, 512 * MIB)
    with pytest.raises(ValueError, match="budget"):
        check_budget(1, 0)
    with pytest.raises(ValueError, match="estimate"):
        check_budget(float("nan"))


def test_budget_from_env_reads_mebibytes(monkeypatch):
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    assert budget_from_env() == DEFAULT_BUDGET == 2 * 2**30
    monkeypatch.setenv(BUDGET_ENV, "512")
    assert budget_from_env() == 512 * MIB
    with pytest.raises(ResourceError, match="512.0 MiB budget"):
        check_budget(600 * MIB)
    assert budget_from_env({BUDGET_ENV: " 1.5 "}) == int(1.5 * MIB)
    assert budget_from_env({BUDGET_ENV: ""}) == DEFAULT_BUDGET


@pytest.mark.parametrize("text", ["abc", "0", "-5", "nan", "inf"])
def test_budget_from_env_refuses_a_bad_value_naming_the_variable(text):
    with pytest.raises(ValueError, match=BUDGET_ENV):
        budget_from_env({BUDGET_ENV: text})


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"n_units": 0}, "n_units"), ({"n_samples": -1}, "n_samples"), ({"n_steps": 2.5}, "n_steps"),
    ({"pooling": "states"}, "pooling"), ({"task": "cluster"}, "task"),
    ({"pooling": "points", "n_points": 99}, "n_points"), ({"cell": "lstm"}, "cell"),
    ({"n_inputs": "28"}, "n_inputs"),
])
def test_bad_settings_name_the_parameter(kwargs, name):
    settings = {"n_samples": 100, "n_steps": 28, "n_inputs": 28, "n_units": 100} | kwargs
    with pytest.raises(ValueError, match=name):
        estimate_memory(**settings)


def test_format_bytes():
    assert format_bytes(512) == "512 bytes"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(3 * 2**30) == "3.0 GiB"
    assert format_bytes(5000 * 2**30) == "5000.0 GiB"


def test_tune_allocator_applies_on_glibc_and_checks_its_settings():
    """The server calls it once; on glibc every mallopt setting must take effect."""
    import platform

    from lnn_core.guard import tune_allocator

    applied = tune_allocator()
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert applied is True
    with pytest.raises(ValueError, match="arena_max"):
        tune_allocator(arena_max=0)
    with pytest.raises(ValueError, match="mmap_threshold"):
        tune_allocator(mmap_threshold=64 * 1024**2)


def test_a_long_forecasting_series_is_read_out_in_blocks_without_copying_it_whole():
    """Fit of 60,000 steps x 300 units: the peak is the kept float32 states (72 MB)
    plus the input drive computed before the run (72 MB), measured 140 MiB.
    Same outputs as one whole-series solve.

    Copying the series whole to float64 and centring it (as the readout once did)
    added ~430 MB after the run; blocks of rows add a few MB.
    """
    n_steps, n_units = 60_000, 300
    u = np.sin(np.arange(n_steps + 1) / 8)[:, None]
    fitted = {}

    def run():
        fitted["model"] = EchoStateRegressor(n_units=n_units, washout=100).fit(u[:-1], u[1:, 0])

    peak = measured_peak(run)
    states = 4 * n_steps * n_units
    assert peak < 2.3 * states, f"peak {format_bytes(peak)}, states {format_bytes(states)}"
    model = fitted["model"]
    whole = RidgeAccumulator(n_units, 1)
    x = lnn_core.run_states(model.reservoir_, u[:-1].astype(np.float32))[100:]
    whole.add(x.astype(np.float64), u[101:])
    coef, intercept = whole.solve(model.ridge)
    # ridge 1e-6 leaves the weights ill-determined (they differ by ~0.1 %); the outputs agree
    blocked, at_once = x @ model.coef_ + model.intercept_, x @ coef + intercept
    assert np.max(np.abs(blocked - at_once)) < 1e-5 * np.std(at_once)


def test_the_draw_a_run_adds_to_the_reservoir_cache_is_counted():
    """The cache's bytes are the guard's ``draw`` part, and stay within the cache's bound."""
    unscaled_recurrent.cache_clear()
    EchoStateClassifier(n_units=120).fit(np.zeros((20, 4, 2)), np.arange(20) % 2)
    parts = memory_breakdown(20, 4, 2, 120)
    assert unscaled_recurrent.cache_info().nbytes == parts["draw"] == 8 * 120 * 120
    for seed in range(1, 4):
        make_reservoir(120, 1, seed=seed)
    info = unscaled_recurrent.cache_info()
    assert info.n_draws == 4 and info.nbytes == 4 * parts["draw"] <= info.max_bytes


def test_the_reservoir_cache_keeps_at_most_its_byte_bound(monkeypatch):
    """Was: 16 draws whatever their size (2 GB at 4,000 units), outside the guard.

    Measured by tracemalloc: what stays allocated after six 300-unit draws
    (720,000 bytes each) with a bound of three draws.
    """
    one = 8 * 300 * 300
    monkeypatch.setattr(reservoir_module, "DRAW_CACHE_BYTES", 3 * one, raising=False)
    unscaled_recurrent.cache_clear()
    gc.collect()
    tracemalloc.start()
    try:
        for seed in range(6):
            make_reservoir(300, 1, seed=seed)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept < 3.5 * one
    assert make_reservoir(300, 1, seed=5).W.shape == (300, 300)      # the latest draws are kept
    assert unscaled_recurrent.cache_info().hits == 1
    unscaled_recurrent.cache_clear()
