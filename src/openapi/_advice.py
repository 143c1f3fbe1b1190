"""What the SDK tells its user to do, written once for every interface that shows it.

An error message ends with advice: "check the API key (api_key= or $OPENAPI_API_KEY)". The
``openapi`` command gives the same advice in its own words ("--api-key"). So each piece of
advice is written here once, over a ``Spelling`` (how a user of one interface names each
setting): the SDK's messages use ``PYTHON``, the command line its own spelling. This module
also names the environment variables the SDK reads. It imports nothing of the SDK, so every
layer can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import attrs

__all__ = [
    "API_KEY_ENV",
    "PYTHON",
    "SERVER_URL_ENV",
    "Spelling",
    "bad_server_url",
    "connection_advice",
    "insecure_http",
    "missing_api_key",
    "missing_server_url",
    "status_advice",
    "timeout_advice",
    "wait_timeout_advice",
]

API_KEY_ENV: Final = "OPENAPI_API_KEY"
"""The environment variable ``SDKCore`` reads the API key from when none is passed."""
SERVER_URL_ENV: Final = "OPENAPI_SERVER_URL"
"""The environment variable ``SDKCore`` reads the server URL from when none is passed."""


@attrs.frozen(slots=True)
class Spelling:
    """How the user of one interface names each setting that advice mentions."""

    api_key: str
    server_url: str
    allow_insecure_http: str
    timeout: str
    """The per-attempt timeout."""
    retries: str
    """What allows more retries."""
    wait_timeout: str
    """The deadline of a whole wait."""
    cancel_on_timeout: str
    passed_to: str = ""
    """Where a setting is passed, after "pass api_key=" (the SDK's classes)."""


PYTHON: Final = Spelling(
    api_key="api_key=",
    server_url="server_url=",
    allow_insecure_http="allow_insecure_http=True",
    timeout="timeout=",
    retries="RetryConfig",
    wait_timeout="timeout=",
    cancel_on_timeout="cancel_on_timeout=True",
    passed_to=" to SDK/SDKCore",
)
"""The SDK's own spelling: keyword arguments and classes."""

_STATUS_ADVICE: Final[Mapping[int, Callable[[Spelling], str]]] = {
    400: lambda s: "the request was refused as malformed",
    401: lambda s: f"check the API key ({s.api_key} or ${API_KEY_ENV})",
    403: lambda s: "the API key is not allowed to do this",
    404: lambda s: f"check the operation id and {s.server_url}",
    408: lambda s: "the server timed out waiting for the request; retry later",
    429: lambda s: f"rate limited: slow down or allow more retries ({s.retries})",
}


def status_advice(status: int, spelling: Spelling = PYTHON) -> str:
    """What to do about an HTTP error ``status``."""
    advice = _STATUS_ADVICE.get(status)
    if advice is not None:
        return advice(spelling)
    if status >= 500:
        return f"the server failed; retry later, or allow more retries ({spelling.retries})"
    if 200 <= status < 300:  # a success status with a body that is no Operation
        return f"check that {spelling.server_url} points at the Operations API"
    return "the API does not document this response"


def missing_api_key(spelling: Spelling = PYTHON) -> str:
    """The error when no API key is configured."""
    return (
        f"no API key: pass {spelling.api_key}{spelling.passed_to} or set the {API_KEY_ENV} "
        "environment variable"
    )


def missing_server_url(spelling: Spelling = PYTHON) -> str:
    """The error when no server URL is configured."""
    return (
        f"no server URL: pass {spelling.server_url}{spelling.passed_to} or set the "
        f"{SERVER_URL_ENV} environment variable"
    )


def bad_server_url(shown: str, problem: str, spelling: Spelling = PYTHON) -> str:
    """The error for a server URL that cannot be used; ``shown`` has no password in it."""
    return f"the server URL {shown!r} {problem}; check {spelling.server_url} or ${SERVER_URL_ENV}"


def insecure_http(host: str, spelling: Spelling = PYTHON) -> str:
    """The error for ``http://`` to a host that is not this machine."""
    return (
        f"refusing to send the API key in clear text to {host!r} over http://: use https://, "
        f"or pass {spelling.allow_insecure_http} if you really mean it"
    )


def connection_advice(spelling: Spelling = PYTHON) -> str:
    """What to do when the server cannot be reached."""
    return f"check {spelling.server_url} and the network"


def timeout_advice(spelling: Spelling = PYTHON) -> str:
    """What to do when attempts time out."""
    return f"raise {spelling.timeout} or check the server"


def wait_timeout_advice(spelling: Spelling = PYTHON) -> str:
    """What to do when a wait's deadline passed with the operation still running."""
    return (
        f"allow a longer {spelling.wait_timeout}, or pass {spelling.cancel_on_timeout} to stop it"
    )
