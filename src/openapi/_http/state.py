"""What one call carries from attempt to attempt (``Call``), and one attempt's ``Outcome``.

Both are plain slotted classes: one of each is built per call, and attrs' frozen
``__init__`` costs more than the rest of this bookkeeping.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Protocol, TypeAlias, TypeVar

import aiohttp
import yarl

from openapi._http.budget import CallBudget
from openapi._http.deadlines import DeadlineKeeper
from openapi._http.endpoint import Endpoint
from openapi._proxies import Proxy
from openapi.models.components import HTTPMetadata
from openapi.models.errors import CallError, InvalidRequestError, UnexpectedClientError
from openapi.types import Result
from openapi.utils.retries import RetryConfig

__all__ = ["AttemptHooks", "Authorize", "Call", "Exchange", "Outcome"]

RespT = TypeVar("RespT")

Authorize: TypeAlias = Callable[
    [], Awaitable[Result[str, InvalidRequestError | UnexpectedClientError]]
]
"""``SDKCore.authorization``: the ``Authorization`` value from the key callable, per attempt."""


class Outcome(Generic[RespT]):
    """One attempt's outcome, and what the retry loop needs to know about it."""

    __slots__ = ("result", "retry_after", "retryable")

    def __init__(
        self,
        result: Result[RespT, CallError],
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.result = result
        self.retryable = retryable
        """Whether the retry policy allows another attempt after this one."""
        self.retry_after = retry_after
        """The server's ``Retry-After``, in seconds (``parse_retry_after``), if it sent one."""


class Call(CallBudget, Generic[RespT]):
    """Everything one call needs, built once and reused by each attempt."""

    __slots__ = (
        "attempts",
        "authorize",
        "deadlines",
        "endpoint",
        "headers",
        "hooks",
        "operation_id",
        "proxy",
        "retries",
        "session",
        "started",
        "timeout",
        "url",
        "url_text",
    )

    def __init__(
        self,
        endpoint: Endpoint[Any, Any, RespT],
        session: aiohttp.ClientSession,
        url_text: str,
        headers: Mapping[str, str],
        timeout: float,
        retries: RetryConfig,
        deadlines: DeadlineKeeper,
        authorize: Authorize | None = None,
        operation_id: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.deadlines = deadlines
        self.session = session
        self.url_text = url_text
        self.url = yarl.URL(url_text, encoded=True)
        self.headers = headers
        self.timeout = timeout
        self.retries = retries
        self.authorize = authorize
        """Set when the key is a callable: called once per attempt, inside its deadline."""
        self.proxy: Proxy | None = None
        """The proxy the request goes through (``SDKCore.proxies``), or ``None``."""
        self.operation_id = operation_id
        """The request's ``operation_id``, for log records."""
        self.started = time.monotonic()
        self.start_budget(retries, self.started)
        self.attempts = 0
        self.hooks: AttemptHooks | None = None
        """Hooks and telemetry to run around each attempt (``openapi._http.hooked``)."""

    def meta(self, response: aiohttp.ClientResponse, retry_after: float | None) -> HTTPMetadata:
        """The ``HTTPMetadata`` of ``response``, the last exchange of this call so far."""
        headers = response.headers
        return HTTPMetadata(
            status_code=response.status,
            headers=headers,
            # Without a redirect the response's URL is the one sent: skip re-serialising it.
            url=self.url_text if response.url is self.url else str(response.url),
            request_id=headers.get("X-Request-Id"),
            attempts=self.attempts,
            retry_after=retry_after,
            elapsed=time.monotonic() - self.started,
        )

    def where(self) -> str:
        """``"GET http://host/operations/op_1"``, for messages."""
        return f"{self.endpoint.method} {self.url}"


Exchange: TypeAlias = Callable[[Call[RespT], Mapping[str, str]], Awaitable[Outcome[RespT]]]
"""One attempt's exchange with the headers given (``openapi._http.attempt``)."""


class AttemptHooks(Protocol):
    """What runs around each attempt of a call (``openapi._http.hooked.CallHooks``)."""

    async def run(self, call: Call[RespT], exchange: Exchange[RespT]) -> Outcome[RespT]:
        """Attempt number ``call.attempts`` of ``call``, through ``exchange``."""
        ...
