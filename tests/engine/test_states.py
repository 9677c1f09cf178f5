"""State collection: batched vs per-sequence, ragged input, pooling, chunks."""

import numpy as np
import pytest

from lnn_core import DataError, collect_features, make_reservoir, run_states
from lnn_core.engine.states import n_features


def reference_states(res, u, x0=None):
    """The update rule written out plainly, one sequence, float64."""
    x = np.zeros(res.n_units) if x0 is None else np.array(x0, np.float64)
    out = []
    a = res.leak_rate
    for u_t in np.asarray(u, np.float64).reshape(len(u), -1):
        x = (1 - a) * x + a * np.tanh(res.W_in @ u_t + res.W @ x + res.bias)
        out.append(x)
    return np.array(out)


@pytest.fixture
def ragged():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((n, 3)) for n in rng.integers(2, 25, size=40)]


def test_esn_states_match_the_written_out_update_rule():
    res = make_reservoir(60, 2, leak_rate=0.3, spectral_radius=1.1, seed=1)
    u = np.random.default_rng(1).standard_normal((50, 2))
    np.testing.assert_allclose(run_states(res, u), reference_states(res, u), atol=2e-5)


@pytest.mark.parametrize("cell", ["esn", "ltc", "cfc"])
@pytest.mark.parametrize("pooling", ["last", "mean", "mean+last", "points", "states"])
def test_ragged_batch_equals_each_sequence_alone(ragged, cell, pooling):
    res = make_reservoir(50, 3, seed=2, cell=cell, leak_rate=0.6)
    batched = collect_features(res, ragged, pooling, n_points=2, chunk_size=7, n_jobs=2)
    for i, seq in enumerate(ragged):
        alone = collect_features(res, [seq], pooling, n_points=2)[0]
        np.testing.assert_allclose(batched[i], alone, atol=1e-5, err_msg=f"sequence {i}")


def test_pooling_definitions_on_one_sequence():
    res = make_reservoir(30, 1, seed=4)
    u = np.linspace(-1, 1, 12)[:, None]
    states = run_states(res, u)
    F = {p: collect_features(res, u[None], p, n_points=3)[0] for p in ("last", "mean", "mean+last", "points")}
    np.testing.assert_allclose(F["last"], states[-1], atol=1e-6)
    np.testing.assert_allclose(F["mean"], states.mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(F["mean+last"], np.concatenate([states.mean(0), states[-1]]), atol=1e-6)
    np.testing.assert_allclose(F["points"], states[[3, 7, 11]].ravel(), atol=1e-6)
    for p, f in F.items():
        assert f.shape == (n_features(30, p, 3),)


def test_results_do_not_depend_on_chunking_or_threads():
    res = make_reservoir(80, 4, seed=5)
    X = np.random.default_rng(5).random((300, 10, 4), dtype=np.float32)
    a = collect_features(res, X, "mean+last", chunk_size=300, n_jobs=1)
    b = collect_features(res, X, "mean+last", chunk_size=17, n_jobs=2)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert a.dtype == np.float32 and a.shape == (300, 160)


def test_progress_reports_every_chunk_up_to_total():
    res = make_reservoir(20, 1, seed=0)
    calls = []
    collect_features(res, np.zeros((25, 5, 1)), "last", chunk_size=10,
                     progress=lambda done, total: calls.append((done, total)))
    assert calls == [(10, 25), (20, 25), (25, 25)]


def test_memory_is_bounded_by_the_chunk_not_the_dataset():
    """60,000 sequences x 28 steps at 1,000 units would be 6.7 GB of states."""
    import tracemalloc
    res = make_reservoir(300, 28, seed=0)
    X = np.zeros((4000, 28, 28), np.float32)
    tracemalloc.start()
    collect_features(res, X, "mean+last", n_jobs=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    all_states = 4000 * 28 * 300 * 4          # 134 MB if every state were kept
    output = 4000 * 600 * 4                   # the pooled features, 9.6 MB
    assert peak < output + 0.25 * all_states, f"peak {peak / 1e6:.0f} MB"


def test_initial_state_and_states_shapes():
    res = make_reservoir(10, 2, seed=0)
    X = np.ones((3, 6, 2))
    S = collect_features(res, X, "states", initial_state=np.full(10, 0.5))
    assert S.shape == (3, 6, 10)
    np.testing.assert_allclose(S[0], reference_states(res, X[0], np.full(10, 0.5)), atol=1e-5)


@pytest.mark.parametrize("X,fragment", [
    ([], "holds no sequences"),
    ([np.zeros((3, 2)), np.zeros((3, 4))], "same number of input channels"),
    ([np.zeros((0, 2))], r"X\[0\] must be a non-empty array"),
    (np.full((2, 3, 2), np.nan), "NaN or infinite"),
    ([np.zeros((3, 2)), np.array([[1.0, np.inf]])], r"X\[1\] contains NaN"),
    (np.zeros((4, 2)), "must be an array of shape"),
])
def test_bad_sequences_raise_data_error(X, fragment):
    res = make_reservoir(5, 2, seed=0)
    with pytest.raises(DataError, match=fragment):
        collect_features(res, X)


def test_channel_mismatch_and_bad_options():
    res = make_reservoir(5, 2, seed=0)
    with pytest.raises(DataError, match="3 input channel.*built for 2"):
        collect_features(res, np.zeros((1, 4, 3)))
    with pytest.raises(ValueError, match="pooling must be one of"):
        collect_features(res, np.zeros((1, 4, 2)), "max")
    with pytest.raises(ValueError, match="n_points must be a whole number in"):
        collect_features(res, np.zeros((1, 4, 2)), "points", n_points=5)
