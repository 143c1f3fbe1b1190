"""``python -m openapi``: the ``openapi`` command line (see ``openapi.cli``)."""

from __future__ import annotations

import sys

from openapi.cli import main

if __name__ == "__main__":
    sys.exit(main())
