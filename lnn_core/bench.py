"""Benchmarks, printed as ratios to baselines measured in the same run.

Run ``python -m lnn_core.bench`` (add ``--quick`` for a small smoke run).
Every number is relative to something measured seconds earlier on the same
machine, because a shared machine's absolute speed drifts.

- ``state collection``: GFLOP/s of :func:`lnn_core.collect_features` on
  4096 sequences x 28 steps x 28 inputs at 1000 units, against the float32
  matrix-multiply peak ((4096 x 1000) @ (1000 x 1000)) measured here.
- ``speed-up over a per-sequence loop``: the same reservoir run one sequence
  at a time in plain NumPy (float64, one matrix-vector product per step).
- ``fit + predict over raw collection``: :class:`lnn_core.EchoStateClassifier`
  fit and predict on the MNIST offline sample (mean+last pooling) against
  the same by hand: the same reservoir built and :func:`collect_features` of
  the same images, the two measured alternately, both from a fresh draw (so
  both pay the certified radius, whose seconds are shown beside) and both
  with the draw cached: what fit and predict add around the states.
- ``ReservoirPy``: if installed, its fit + predict time and accuracy on the
  MNIST offline sample with the same hyperparameters, beside ours (ours
  measured right before and right after it, the faster kept), at 500 and
  1,000 units.
- ``MNIST presets``: test accuracy and fit + predict seconds of the Tuned and
  Fast-0.97 presets on the sample split.
- every row records the load average (``os.getloadavg``) when it was measured.
- ``peak memory``: resident-set growth of a full-MNIST-sized run (60,000
  synthetic 28 x 28 sequences, 1000 units, mean+last pooling), in a child
  process so that earlier runs do not count.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

from .engine.reservoir import make_reservoir, unscaled_recurrent
from .engine.states import collect_features

__all__ = [
    "fit_overhead",
    "loop_baseline",
    "main",
    "matmul_peak",
    "mnist_presets",
    "peak_memory",
    "reservoirpy_comparison",
    "state_throughput",
]


def _best_time(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def matmul_peak(n_rows=4096, n_units=1000, repeats=5):
    """Float32 matrix-multiply GFLOP/s, ``(n_rows x n_units) @ (n_units x n_units)``."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n_rows, n_units), dtype=np.float32)
    B = rng.standard_normal((n_units, n_units), dtype=np.float32)
    out = np.empty((n_rows, n_units), np.float32)
    np.matmul(A, B, out=out)
    return 2.0 * n_rows * n_units * n_units / _best_time(lambda: np.matmul(A, B, out=out), repeats) / 1e9


def _workload(n_sequences, n_steps, n_inputs, seed=0):
    return np.random.default_rng(seed).random((n_sequences, n_steps, n_inputs), dtype=np.float32)


def _flops(n_sequences, n_steps, n_inputs, n_units):
    return 2.0 * n_sequences * n_steps * (n_units * n_units + n_inputs * n_units)


def state_throughput(n_sequences=4096, n_steps=28, n_inputs=28, n_units=1000, repeats=3,
                     pooling="last"):
    """GFLOP/s of batched state collection (matrix products only are counted)."""
    res = make_reservoir(n_units, n_inputs, seed=0)
    X = _workload(n_sequences, n_steps, n_inputs)
    seconds = _best_time(lambda: collect_features(res, X, pooling), repeats)
    return _flops(n_sequences, n_steps, n_inputs, n_units) / seconds / 1e9, seconds


def loop_baseline(n_sequences=256, n_steps=28, n_inputs=28, n_units=1000):
    """Seconds per sequence of a straightforward per-sequence NumPy loop."""
    res = make_reservoir(n_units, n_inputs, seed=0)
    W, W_in, b = (m.astype(np.float64) for m in (res.W, res.W_in, res.bias))
    X = _workload(n_sequences, n_steps, n_inputs).astype(np.float64)

    def run():
        for seq in X:
            x = np.zeros(n_units)
            for u in seq:
                x = np.tanh(W_in @ u + W @ x + b)

    return _best_time(run, 1) / n_sequences


def peak_memory(n_sequences=60000, n_units=1000):
    """Peak resident memory (MB) of a full-MNIST-sized feature run, in a child process."""
    code = (
        "import resource, numpy as np\n"
        "from lnn_core import make_reservoir, collect_features\n"
        f"res = make_reservoir({n_units}, 28, seed=0)\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"X = np.random.default_rng(0).random(({n_sequences}, 28, 28), dtype=np.float32)\n"
        "F = collect_features(res, X, 'mean+last')\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(base / 1024, peak / 1024, X.nbytes / 2**20, F.nbytes / 2**20)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    base, peak, inputs, features = map(float, out.stdout.split())
    return {"baseline_mb": base, "peak_mb": peak, "inputs_mb": inputs, "features_mb": features}


def _sample(n_train=None, n_test=None):
    """The MNIST offline sample split, first ``n_train`` / ``n_test`` images."""
    from .data.mnist import load_mnist

    data = load_mnist("sample")
    return data.X_train[:n_train], data.y_train[:n_train], data.X_test[:n_test], data.y_test[:n_test]


def _load():
    return os.getloadavg()[0]


def fit_overhead(n_units=500, n_train=None, n_test=None, repeats=3):
    """Seconds of fit + predict against raw state collection of the same images.

    ``EchoStateClassifier(pooling="mean+last")`` fit on the training images
    and predicting the test images, against doing the same by hand with the
    raw engine: build the same reservoir (the estimator's own
    ``_build_reservoir``) and :func:`collect_features` of both sets.  Both
    are timed twice: from a fresh draw (the cached draw is cleared, so both
    pay the certified radius) and with the draw cached (neither does); the
    fastest of ``repeats`` alternated runs each.  The difference is what the
    estimator adds: checks, the readout streamed into the normal equations,
    its solve and the predictions.

    Returns
    -------
    dict
        ``fit_predict_s``, ``collect_s``, ``overhead`` (their ratio, fresh
        draw), ``radius_s`` (the fresh draw alone), ``cached_s``,
        ``cached_collect_s`` and ``cached_overhead`` (both with the draw
        cached), ``n_units``, ``n_train``, ``n_test``, ``load``.
    """
    from .engine.estimators import EchoStateClassifier

    X_train, y_train, X_test, _ = _sample(n_train, n_test)
    params = {"n_units": n_units, "input_scaling": 0.5, "ridge": 1e-4, "pooling": "mean+last"}
    model = EchoStateClassifier(random_state=0, **params)
    n_inputs = model.fit(X_train, y_train).reservoir_.n_inputs

    def fit_predict(fresh=True):
        if fresh:
            unscaled_recurrent.cache_clear()
        EchoStateClassifier(random_state=0, **params).fit(X_train, y_train).predict(X_test)

    def collect(fresh=True):
        if fresh:
            unscaled_recurrent.cache_clear()
        reservoir = model._build_reservoir(n_inputs)
        collect_features(reservoir, X_train, "mean+last")
        collect_features(reservoir, X_test, "mean+last")

    def draw():
        unscaled_recurrent.cache_clear()
        unscaled_recurrent(n_units, model.density, 0)

    fitted, raw, cached, cached_raw, radius = (np.inf,) * 5
    for _ in range(repeats):
        fitted = min(fitted, _best_time(fit_predict, 1))
        raw = min(raw, _best_time(collect, 1))
        cached = min(cached, _best_time(lambda: fit_predict(fresh=False), 1))
        cached_raw = min(cached_raw, _best_time(lambda: collect(fresh=False), 1))
        radius = min(radius, _best_time(draw, 1))
    return {"fit_predict_s": fitted, "collect_s": raw, "overhead": fitted / raw,
            "radius_s": radius, "cached_s": cached, "cached_collect_s": cached_raw,
            "cached_overhead": cached / cached_raw,
            "n_units": n_units, "n_train": len(y_train), "n_test": len(X_test), "load": _load()}


def reservoirpy_comparison(n_units=1000, n_train=None, n_test=None):
    """Fit + predict time and accuracy of ReservoirPy and ours on the MNIST sample.

    Ours is timed from a fresh draw (its radius included, as ReservoirPy's
    initialisation computes its own) right before and right after
    ReservoirPy; the faster of the two is kept.

    Parameters
    ----------
    n_units : int
    n_train, n_test : int, optional
        First images of each split (default: all, 4,000 / 1,000).

    Returns
    -------
    dict or None
        ``ours_s``, ``ours_accuracy``, ``reservoirpy_s``, ``reservoirpy_accuracy``,
        ``speedup``, ``n_units``, ``n_train``, ``n_test``, ``load``; ``None`` if
        ReservoirPy is not installed.
    """
    try:
        import reservoirpy  # noqa: F401
    except ImportError:
        return None
    from reservoirpy.nodes import Reservoir as RpyReservoir
    from reservoirpy.nodes import Ridge as RpyRidge

    from .engine.estimators import EchoStateClassifier

    X_train, y_train, X_test, y_test = _sample(n_train, n_test)
    params = {"n_units": n_units, "spectral_radius": 0.9, "input_scaling": 0.5,
              "leak_rate": 1.0, "density": 0.1, "bias_scaling": 0.0, "ridge": 1e-4}

    def ours():
        unscaled_recurrent.cache_clear()
        start = time.perf_counter()
        clf = EchoStateClassifier(pooling="last", random_state=0, **params).fit(X_train, y_train)
        accuracy = clf.score(X_test, y_test)
        return time.perf_counter() - start, accuracy

    before, ours_acc = ours()
    start = time.perf_counter()
    reservoir = RpyReservoir(n_units, lr=1.0, sr=0.9, input_scaling=0.5, input_connectivity=1.0,
                             rc_connectivity=0.1, bias=0.0, seed=0)
    readout = RpyRidge(ridge=1e-4)

    def last_states(images):
        out = []
        for i, image in enumerate(images):        # (28, 28): one sequence from a zero state
            if i:
                reservoir.reset()                 # (reset fails before the first run)
            out.append(reservoir.run(image)[-1])
        return np.array(out)

    readout.fit(last_states(X_train), np.eye(10)[y_train])
    scores = readout.run(last_states(X_test))
    rpy_acc = float(np.mean(np.argmax(scores, 1) == y_test))
    rpy = time.perf_counter() - start
    after, _ = ours()
    ours_s = min(before, after)
    return {"ours_s": ours_s, "ours_accuracy": ours_acc, "reservoirpy_s": rpy,
            "reservoirpy_accuracy": rpy_acc, "speedup": rpy / ours_s, "n_units": n_units,
            "n_train": len(y_train), "n_test": len(y_test), "load": _load()}


def mnist_presets(n_train=None, n_test=None):
    """Test accuracy and fit + predict seconds of the MNIST presets on the sample split.

    ``Tuned`` is :data:`lnn_core.lab.article.TUNED` fitted on the training
    images; ``Fast 0.97`` is :data:`~lnn_core.lab.article.FAST_97` fitted on
    them plus their one-pixel shifted copies (the copies' making is timed too).

    Returns
    -------
    list of dict
        ``name``, ``accuracy``, ``seconds``, ``n_train``, ``n_test``, ``load``.
    """
    from .data.augment import shift_augment
    from .engine.estimators import EchoStateClassifier
    from .lab.article import FAST_97, FAST_97_SHIFT, TUNED

    X_train, y_train, X_test, y_test = _sample(n_train, n_test)
    rows = []
    for name, params, shift in (("Tuned", TUNED, 0), ("Fast 0.97", FAST_97, FAST_97_SHIFT)):
        params = {k: v for k, v in params.items() if k != "n_steps"}      # images are (28, 28)
        unscaled_recurrent.cache_clear()
        start = time.perf_counter()
        X, y = shift_augment(X_train, y_train, shift) if shift else (X_train, y_train)
        accuracy = EchoStateClassifier(**params).fit(X, y).score(X_test, y_test)
        rows.append({"name": name, "accuracy": accuracy, "seconds": time.perf_counter() - start,
                     "n_train": len(y_train), "n_test": len(y_test), "load": _load()})
    return rows


def main(argv=None):
    """Run the benchmarks and print a table (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(prog="python -m lnn_core.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run for CI")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--skip-memory", action="store_true", help="skip the 60,000-sequence run")
    args = parser.parse_args(argv)
    n_seq, n_units, mem_seq = (512, 300, 5000) if args.quick else (4096, 1000, 60000)
    results = {"date": datetime.date.today().isoformat(), "machine": f"{platform.machine()}, "
               f"{_cores()} cores, numpy {np.__version__}", "n_sequences": n_seq, "n_units": n_units}
    # Alternate the two measurements so that both see the same machine load.
    peak, ours, seconds = 0.0, 0.0, np.inf
    for _ in range(3):
        peak = max(peak, matmul_peak(n_seq, n_units, repeats=3))
        gflops, secs = state_throughput(n_seq, n_units=n_units, repeats=1)
        ours, seconds = max(ours, gflops), min(seconds, secs)
    loop = loop_baseline(max(32, n_seq // 16), n_units=n_units)
    results.update(peak_gflops=peak, collect_gflops=ours, collect_seconds=seconds,
                   fraction_of_peak=ours / peak, loop_seconds_per_sequence=loop,
                   speedup_over_loop=loop * n_seq / seconds, load=_load())
    if not args.skip_memory:
        results["memory"] = peak_memory(mem_seq, n_units)
    subset = (300, 100) if args.quick else (None, None)
    results["fit_overhead"] = fit_overhead(n_units if args.quick else 500, *subset)
    comparisons = [reservoirpy_comparison(units, *subset)
                   for units in ((n_units,) if args.quick else (500, 1000))]
    results["reservoirpy"] = [c for c in comparisons if c is not None]
    results["mnist_presets"] = mnist_presets(*subset)
    print(_table(results))
    if args.json:
        print(json.dumps(results, indent=2))
    return results


def _cores():
    try:
        import os
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return "?"


def _subset(row):
    return "" if row["n_train"] >= 4000 else f" ({row['n_train']} / {row['n_test']})"


def _table(r):
    rows = [
        ("float32 matmul peak", f"{r['peak_gflops']:.1f} GFLOP/s", "baseline"),
        (f"state collection ({r['n_sequences']} x 28 x 28, {r['n_units']} units)",
         f"{r['collect_gflops']:.1f} GFLOP/s", f"{r['fraction_of_peak']:.0%} of peak"),
        ("per-sequence NumPy loop", f"{r['loop_seconds_per_sequence'] * 1e3:.2f} ms/sequence",
         f"ours {r['speedup_over_loop']:.0f}x faster"),
    ]
    if r.get("memory"):
        m = r["memory"]
        rows.append(("peak memory, 60,000-sized run" if m["inputs_mb"] > 100 else "peak memory",
                     f"{m['peak_mb']:.0f} MB", (f"inputs {m['inputs_mb']:.0f} MB + features "
                                                f"{m['features_mb']:.0f} MB; start "
                                                f"{m['baseline_mb']:.0f} MB")))
    o = r["fit_overhead"]
    rows.append((f"fit+predict over raw collection, MNIST sample{_subset(o)}, {o['n_units']} units",
                 f"{o['fit_predict_s']:.2f} s",
                 (f"same reservoir built + collection {o['collect_s']:.2f} s: "
                  f"{o['overhead']:.2f}x; radius of the fresh draw {o['radius_s']:.2f} s, "
                  f"draw cached {o['cached_overhead']:.2f}x (load {o['load']:.1f})")))
    for p in r["reservoirpy"]:
        rows.append((f"ReservoirPy, MNIST sample{_subset(p)} fit+predict, {p['n_units']} units",
                     f"{p['reservoirpy_s']:.1f} s, acc {p['reservoirpy_accuracy']:.3f}",
                     (f"ours {p['ours_s']:.2f} s, acc {p['ours_accuracy']:.3f}: "
                      f"{p['speedup']:.1f}x faster (load {p['load']:.1f})")))
    for p in r["mnist_presets"]:
        rows.append((f"MNIST preset {p['name']}{_subset(p)}", f"acc {p['accuracy']:.3f}",
                     f"{p['seconds']:.1f} s fit+predict (load {p['load']:.1f})"))
    width = max(len(a) for a, _, _ in rows)
    lines = [(f"Liquid Lab benchmark, {r['date']}, {r['machine']}, load {r['load']:.1f} "
              "(1-minute average after the throughput rows)")]
    lines += [f"{a:<{width}}  {b:>22}  {c}" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
