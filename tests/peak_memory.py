"""Run a load in a fresh interpreter and measure the extra peak memory it costs."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Extra peak memory a refused crafted file may cost.
MAX_EXTRA_MB = 700

_CHILD = """
import json, resource
{imports}
from lnn_core.errors import DataError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    {call}
    message = None
except DataError as exc:
    message = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"message": message, "extra_mb": (after - before) / 1024}}))
"""


def run_child(imports, call):
    """Run ``call`` after ``imports`` in a fresh interpreter.

    Returns ``{"message": the DataError's sentence or None, "extra_mb": peak
    resident memory after the call minus after the imports, in MiB}`` (the
    child's own ``ru_maxrss``, so other processes do not count).
    """
    code = _CHILD.format(imports=imports, call=call)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
