"""The command line ``python -m lnn_core.sweep --config sweep.json --out results.csv``."""

import argparse
import importlib.util
import signal
import sys
from pathlib import Path

from joblib import parallel_config

from .config import load_config
from .results import best_point
from .run import run_sweep
from .space import PARAMETERS


def main(argv=None):
    """Command line: run the sweep of a config file and write its results CSV.

    Ctrl-C stops the sweep and still writes the evaluations done.

    Returns
    -------
    int
        Exit status: 0 done, 1 bad input or unreachable cluster, 130
        interrupted (partial CSV written).
    """
    parser = argparse.ArgumentParser(
        prog="python -m lnn_core.sweep",
        description="Run a reservoir hyperparameter sweep and write one CSV row per "
                    "(point, seed).")
    parser.add_argument("--config", required=True, help="JSON file describing the sweep")
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786 "
                                            "(default: run on the local cores)")
    parser.add_argument("--n-jobs", type=int, default=-1,
                        help="parallel workers (default -1: all cores or all Dask threads)")
    args = parser.parse_args(argv)
    interrupted = []
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: interrupted.append(True))
    try:
        config = load_config(args.config)
        if not Path(args.out).resolve().parent.is_dir():
            raise ValueError(f"the folder of --out {args.out} does not exist")
        result = _run_cli(config, config.make_task(), args, interrupted)
        result.runs.to_csv(args.out, index=False)
    except (ValueError, OSError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f"\nwrote {len(result.runs)} of {result.n_planned} evaluations to {args.out} "
          f"in {result.seconds:.1f} s", file=sys.stderr)
    if len(result.runs):
        best = best_point(result.points)
        shown = ", ".join(f"{name}={best[name]:g}" for name in PARAMETERS)
        print(f"best {best['metric']} {best['score_mean']:.4g} at {shown}", file=sys.stderr)
    return 130 if result.cancelled else 0


def _run_cli(config, task, args, interrupted):
    """Run locally, or on the Dask cluster of ``args.scheduler``, printing progress."""
    def report(done, total):
        print(f"\r{done}/{total} evaluations", end="", file=sys.stderr, flush=True)

    def run():
        return run_sweep(task, config.points, fixed=config.fixed, seeds=config.seeds,
                         n_jobs=args.n_jobs, progress=report,
                         should_stop=lambda: bool(interrupted))

    if not args.scheduler:
        return run()
    try:
        from distributed import Client
    except ImportError:
        raise ValueError("--scheduler needs Dask: pip install -r requirements-dask.txt") from None
    with Client(args.scheduler, timeout="20s") as client, parallel_config(backend="dask"):
        missing = _missing_lnn_core(client)
        if missing:
            raise ValueError(f"lnn_core cannot be imported on {', '.join(missing)}; start the "
                             "scheduler and the workers with this repository on PYTHONPATH "
                             "(PYTHONPATH=/path/to/liquid-lab dask scheduler / dask worker ...)")
        print(f"running on {client.scheduler.address}, "
              f"{sum(client.ncores().values())} worker threads", file=sys.stderr)
        return run()


def _missing_lnn_core(client):
    """Scheduler and workers that cannot import lnn_core (they could not run a sweep).

    The scheduler unpickles the task graph, so it needs the package too;
    without it the sweep would wait forever.
    """
    where = {"the scheduler": client.run_on_scheduler(importlib.util.find_spec, "lnn_core"),
             **{f"worker {w}": spec for w, spec in
                client.run(importlib.util.find_spec, "lnn_core").items()}}
    return [name for name, spec in where.items() if spec is None]

