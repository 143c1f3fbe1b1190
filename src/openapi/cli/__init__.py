"""The ``openapi`` command: get, cancel and wait for operations from a terminal or a script.

::

    openapi [OPTIONS] get ID [--json]
    openapi cancel ID [--json]
    openapi wait ID [--timeout S] [--interval S] [--cancel-on-timeout] [--cancel-on-interrupt]
    openapi [--api-key K] [--server-url U] mock-server [--create ID] ...  # the embedded mock

Also ``python -m openapi ...``. Options go before or after the command. Configuration comes
from ``--api-key`` / ``--server-url``, else from the SDK (``$OPENAPI_API_KEY`` /
``$OPENAPI_SERVER_URL``, its defaults). The key is never printed: it is taken out of the
arguments before they are parsed, and the SDK puts it in no message or log line.

Output: a human summary by default; with ``--json``, stdout carries exactly one JSON
document, the ``Operation`` as the API returns it, or nothing at all when there is no
operation to show (a failed call). Errors are always one line on stderr starting with
``openapi: error:``, and the exit status says what happened (``ExitCode``).

A command line on top of the SDK (and aiohttp, for its trace hooks), in small modules:

- ``arguments``: the options, and the ``Settings`` a command runs with;
- ``commands``: ``get`` and ``cancel``, and the session every command runs in; ``wait``;
- ``context``: what a running command works with (``commands`` and ``wait`` share it);
- ``render``: operations and errors as text; ``progress``: the progress bar and the retry
  notices; ``exit_codes``: the exit statuses;
- ``mock_server``: ``openapi mock-server``; ``app``: ``main``.

Nothing else in the package imports it.
"""

from __future__ import annotations

from openapi.cli.app import main
from openapi.cli.arguments import build_parser
from openapi.cli.exit_codes import ExitCode

__all__ = ["ExitCode", "build_parser", "main"]
