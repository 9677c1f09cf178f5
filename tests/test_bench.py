"""``python -m lnn_core.bench --quick`` runs in CI: every row of the table, numbers that add up.

Nothing here is about speed (the machine is shared): the benchmark's ratios are
measured side by side within one run and reported, never asserted.
"""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run():
    done = subprocess.run([sys.executable, "-m", "lnn_core.bench", "--quick", "--json"],
                          capture_output=True, text=True, timeout=600, check=True)
    table, _, payload = done.stdout.partition("\n{")
    return table, json.loads("{" + payload)


def test_the_table_has_every_row_the_readme_shows(quick_run):
    table, results = quick_run
    for row in ("float32 matmul peak", "state collection (512 x 28 x 28, 300 units)",
                "per-sequence NumPy loop", "peak memory"):
        assert row in table
    assert results["n_sequences"] == 512 and results["n_units"] == 300


def test_ratios_are_consistent_with_the_measurements_they_come_from(quick_run):
    _, r = quick_run
    assert r["peak_gflops"] > 0 and r["collect_gflops"] > 0
    assert r["fraction_of_peak"] == pytest.approx(r["collect_gflops"] / r["peak_gflops"])
    assert r["speedup_over_loop"] == pytest.approx(
        r["loop_seconds_per_sequence"] * r["n_sequences"] / r["collect_seconds"])


def test_peak_memory_counts_the_run_own_arrays(quick_run):
    """5,000 sequences of 28 x 28 float32 inputs, 2 x 300 float32 features each."""
    _, r = quick_run
    memory = r["memory"]
    assert memory["inputs_mb"] == pytest.approx(5000 * 28 * 28 * 4 / 1e6, rel=0.05)
    assert memory["features_mb"] == pytest.approx(5000 * 600 * 4 / 1e6, rel=0.05)
    assert memory["peak_mb"] >= memory["baseline_mb"] + memory["inputs_mb"]


def test_reservoirpy_row_when_installed(quick_run):
    """Same hyperparameters on 300 / 100 sample images; accuracy is deterministic (seeds)."""
    pytest.importorskip("reservoirpy")
    table, r = quick_run
    (p,) = r["reservoirpy"]
    assert "ReservoirPy, MNIST sample (300 / 100) fit+predict, 300 units" in table
    assert (p["n_train"], p["n_test"], p["n_units"]) == (300, 100, 300)
    assert 0.1 < p["reservoirpy_accuracy"] <= 1 and 0.1 < p["ours_accuracy"] <= 1
    assert p["ours_accuracy"] >= p["reservoirpy_accuracy"] - 0.05
    assert p["speedup"] == pytest.approx(p["reservoirpy_s"] / p["ours_s"])
    assert p["load"] >= 0


def test_fit_overhead_row_is_the_ratio_of_its_two_timings(quick_run):
    table, r = quick_run
    o = r["fit_overhead"]
    assert "fit+predict over raw collection, MNIST sample (300 / 100), 300 units" in table
    assert o["fit_predict_s"] > 0 and o["collect_s"] > 0
    assert o["overhead"] == pytest.approx(o["fit_predict_s"] / o["collect_s"])
    assert f"{o['overhead']:.2f}x" in table
    assert 0 < o["radius_s"] and o["cached_s"] > 0
    assert o["cached_collect_s"] > 0
    assert o["cached_overhead"] == pytest.approx(o["cached_s"] / o["cached_collect_s"])
    assert f"radius of the fresh draw {o['radius_s']:.2f} s" in table
    assert f"draw cached {o['cached_overhead']:.2f}x" in table


def test_mnist_preset_rows_give_accuracy_and_seconds(quick_run):
    table, r = quick_run
    names = [p["name"] for p in r["mnist_presets"]]
    assert names == ["Tuned", "Fast 0.97"]
    for p in r["mnist_presets"]:
        assert f"MNIST preset {p['name']} (300 / 100)" in table
        assert 0.5 < p["accuracy"] <= 1 and p["seconds"] > 0
        assert (p["n_train"], p["n_test"]) == (300, 100)
