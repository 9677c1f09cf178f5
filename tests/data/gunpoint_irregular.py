"""The real-data example of the irregular-sampling experiment: GunPoint read at irregular times.

The UCR GunPoint series (50 training and 150 test series of 150 samples, 2
classes) with a seeded random 60 % of each series' samples kept, written in
the long layout: ``series,label,time,value``, ``time`` the sample's position
in the original series (so the gaps are 1, 2, 3, ...).  Written to
:data:`CSV` by::

    python -m tests.data.gunpoint_irregular
"""

from pathlib import Path

import numpy as np

from lnn_core.data.parsers import parse_ts

ARCHIVE = Path(__file__).parent / "archive"
CSV = Path(__file__).parent / "gunpoint_irregular.csv"
#: Fraction of each series' samples kept.
KEEP = 0.6


def gunpoint_irregular_csv(seed=0, keep=KEEP):
    """GunPoint (training then test series) with a fraction ``keep`` of each series' samples.

    Parameters
    ----------
    seed : int >= 0
        Seed of the kept samples (one generator, series by series).
    keep : float in (0, 1]
        Fraction of each series' samples kept.

    Returns
    -------
    bytes
        The CSV file: a header, then one row per kept sample, series by series.
    """
    rng = np.random.default_rng(seed)
    lines = ["series,label,time,value"]
    series = 0
    for part in ("TRAIN", "TEST"):
        data = parse_ts(ARCHIVE / f"GunPoint_{part}.ts")
        for x, label in zip(data.X, data.y):
            series += 1
            kept = np.sort(rng.choice(len(x), size=round(keep * len(x)), replace=False))
            lines += [f"{series},{label},{t},{x[t, 0]:.4g}" for t in kept]
    return ("\n".join(lines) + "\n").encode()


if __name__ == "__main__":
    CSV.write_bytes(gunpoint_irregular_csv())
