"""``openapi mock-server``: the embedded mock server's own command line.

The options given before ``mock-server`` apply to it: ``--api-key`` is the key it expects,
``--server-url`` the address it listens on and ``-v`` logs each request. Client-only
options (timeouts, ``--json``) mean nothing to a server and are ignored. The mock's own
options, after ``mock-server``, win.
"""

from __future__ import annotations

import yarl

from openapi.cli.arguments import SPELLING, MockServerArgs
from openapi.cli.exit_codes import ExitCode, Failure

__all__ = ["mock_server_argv", "run_mock_server"]


def _listen_on(server_url: str) -> list[str]:
    """``--host`` and ``--port`` for a mock that serves ``server_url``."""
    try:
        url = yarl.URL(server_url)
    except (ValueError, TypeError):
        url = None
    if url is None or url.scheme != "http" or not url.host or url.path not in ("", "/"):
        raise Failure(
            f"the mock server serves plain http:// at the root of a host: {SPELLING.server_url} "
            "for mock-server must look like http://127.0.0.1:8765",
            ExitCode.USAGE,
        )
    return ["--host", url.host, "--port", str(url.port)]


def mock_server_argv(args: MockServerArgs) -> list[str]:
    """The arguments for ``python -m openapi.testing``: the global options, then its own."""
    argv: list[str] = []
    if args.api_key is not None:
        argv += ["--api-key", args.api_key]
    if args.server_url:
        argv += _listen_on(args.server_url)
    if args.verbose:
        argv.append("--access-log")
    return argv + args.rest


def run_mock_server(args: MockServerArgs) -> int:
    """Serve the mock until interrupted; its exit status."""
    from openapi.testing.__main__ import main

    return main(mock_server_argv(args))
