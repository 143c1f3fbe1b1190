"""``Context``: what a running command works with (``commands`` builds it, ``wait`` uses it).

Its own module so that ``commands`` can start ``wait`` and ``wait`` can take the context
without the two importing each other.
"""

from __future__ import annotations

from typing import TextIO

import attrs

from openapi.cli.arguments import Settings
from openapi.cli.exit_codes import Failure
from openapi.cli.progress import RequestTrace, RetryNotices
from openapi.cli.render import Output, failure
from openapi.core import SDKCore
from openapi.models.errors import SDKBaseError

__all__ = ["Context"]


@attrs.frozen(slots=True)
class Context:
    """What a running command works with."""

    settings: Settings
    core: SDKCore
    out: Output
    stderr: TextIO
    trace: RequestTrace
    notices: RetryNotices | None

    def failure(self, error: SDKBaseError) -> Failure:
        """The failure that ends the command for ``error``."""
        return failure(error, self.settings.operation_id, self.core)
