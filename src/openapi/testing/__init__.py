"""``openapi.testing``: an embedded mock of the Operations API for tests and demos.

A real aiohttp server on a local port with in-memory operations that progress over time,
bearer-token auth, fault injection and a request log, driven from Python or over HTTP
(``/_mock/...``)::

    from openapi.testing import MockServer

    async with MockServer(api_key="test-key") as server:
        op = server.create_operation(duration=0.5, result={"rows": 3})
        server.inject(status=503, times=2, retry_after=1)  # two failures, then normal
        ...  # point the client at server.url
        assert server.count(method="GET") == 3

From the command line: ``python -m openapi.testing --port 8080 --api-key KEY``.
In pytest: ``pytest_plugins = ["openapi.testing.pytest_plugin"]`` gives a ``mock_server``
fixture.

This package does not import the SDK client, so it can test any client of the API.
"""

from ._faults import FaultKind, FaultRule, format_retry_after
from ._log import RequestLogEntry
from ._operation import KNOWN_STATUSES, TERMINAL_STATUSES, MockError, MockOperation, Outcome
from ._server import DEFAULT_API_KEY, MockServer

__all__ = [
    "DEFAULT_API_KEY",
    "KNOWN_STATUSES",
    "TERMINAL_STATUSES",
    "FaultKind",
    "FaultRule",
    "MockError",
    "MockOperation",
    "MockServer",
    "Outcome",
    "RequestLogEntry",
    "format_retry_after",
]
