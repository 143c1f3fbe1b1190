"""``python -m openapi.cli``: the ``openapi`` command (as ``python -m openapi`` is)."""

from __future__ import annotations

import sys

from openapi.cli import main

if __name__ == "__main__":
    sys.exit(main())
