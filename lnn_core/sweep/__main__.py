"""``python -m lnn_core.sweep``: run a sweep from a JSON config (see :mod:`.cli`)."""

import sys

from .cli import main

sys.exit(main())
