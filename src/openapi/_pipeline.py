"""THE request pipeline. Every endpoint goes through ``call``:

validate -> URL -> auth -> send -> retry -> match status -> decode -> ``Result``

An endpoint is data (``Endpoint``): method, path template, request and response models and
the statuses it documents. ``call`` never raises for anything that can go wrong in a call; it
returns ``Err`` with one of ``openapi.models.errors``. ``asyncio.CancelledError`` propagates.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeAlias, TypeVar, cast
from urllib.parse import quote

import aiohttp
import attrs
import yarl

from openapi import _responses
from openapi._bodies import (
    ERROR_BODY_LIMIT,
    SUCCESS_BODY_LIMIT,
    BodyTooLarge,
    content_type,
    fits_whole,
    read_capped,
    read_success,
)
from openapi._budget import CallBudget
from openapi._deadlines import DeadlineKeeper
from openapi._logging import logger
from openapi._redirects import (
    CREDENTIAL_HEADERS,
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    redirect_target,
    shown,
    without_credentials,
)
from openapi._serialization import decode_operation
from openapi._transport_errors import detached, transport_error
from openapi.core import SDKCore
from openapi.models.components import HTTPMetadata, Operation
from openapi.models.errors import (
    CallError,
    InvalidRequestError,
    RequestTimeoutError,
    UnexpectedClientError,
)
from openapi.types import Err, Ok, Result
from openapi.utils.retries import RetryConfig, call_with_retries, parse_retry_after

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions

# parse_retry_after is re-exported: the rule lives in openapi.utils.retries.
__all__ = ["ERROR_BODY_LIMIT", "SUCCESS_BODY_LIMIT", "Endpoint", "call", "parse_retry_after"]

ReqT = TypeVar("ReqT")
RespT = TypeVar("RespT")

MAX_PATH_PARAM_LENGTH: Final = 256
_NO_TIMEOUT: Final = aiohttp.ClientTimeout(total=None)
"""aiohttp's own timers are off; the core's deadlines bound each attempt (see ``send``)."""
_PLAIN = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
"""Only RFC 3986 "unreserved" characters, not starting with a dot: sent as is."""
_UNSENDABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (Unicode category Cc: C0, DEL, C1) and lone surrogates."""


def _split_path(path: str) -> tuple[str, ...]:
    parts: list[str] = []
    rest = path
    while "{" in rest:
        literal, _, rest = rest.partition("{")
        name, _, rest = rest.partition("}")
        parts += [literal, name]
    parts.append(rest)
    return tuple(parts)


def _field_names(model: type[Any]) -> frozenset[str]:
    return frozenset(field.name for field in attrs.fields(model))


@attrs.frozen(slots=True, eq=False, repr=False)  # identity is equality; cheaper to build
class Endpoint(Generic[ReqT, RespT]):
    """One API operation, described as data.

    ``path`` is a template such as ``/operations/{operation_id}``; each ``{name}`` is read from
    the request and sent as exactly one percent-encoded path segment. ``response`` builds the
    success value from the decoded ``Operation`` and its ``HTTPMetadata``. ``errors`` maps the
    statuses that carry an ``ApiError`` document.
    """

    name: str
    method: str
    path: str
    request: type[ReqT]
    response: Callable[[Operation, HTTPMetadata], RespT]
    errors: frozenset[int] = frozenset({404})
    segments: tuple[str, ...] = attrs.field(
        init=False, default=attrs.Factory(lambda self: _split_path(self.path), takes_self=True)
    )
    """``path`` split once: even items are literal text, odd ones parameter names."""
    field_names: frozenset[str] = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: _field_names(self.request), takes_self=True),
    )
    """The request model's fields: the keys a mapping request must have."""

    def describe(self) -> str:
        """``"GET /operations/{operation_id}"``."""
        return f"{self.method} {self.path}"

    def __repr__(self) -> str:
        return f"<Endpoint {self.name}: {self.describe()}>"


# --- validate ------------------------------------------------------------------------------


def _check_segment(name: str, value: object) -> str | InvalidRequestError:
    """The percent-encoded segment for a path parameter, or why it is refused."""
    if not isinstance(value, str):
        return InvalidRequestError(f"{name} must be a string, got {type(value).__name__}")
    if len(value) <= MAX_PATH_PARAM_LENGTH and _PLAIN.fullmatch(value):
        return value  # the usual id: nothing to encode, nothing to refuse
    if not value:
        return InvalidRequestError(f"{name} must not be empty")
    if len(value) > MAX_PATH_PARAM_LENGTH:
        return InvalidRequestError(
            f"{name} is {len(value)} characters long; the API allows at most "
            f"{MAX_PATH_PARAM_LENGTH}"
        )
    if value in (".", ".."):
        return InvalidRequestError(f"{name} must not be {value!r}: it is a relative path step")
    unsendable = _UNSENDABLE.search(value)
    if unsendable is not None:
        if unsendable.group() < "\ud800":
            return InvalidRequestError(f"{name} must not contain control characters")
        # A lone surrogate has no UTF-8 form, so it cannot be percent-encoded.
        return InvalidRequestError(f"{name} must be valid Unicode text (it has a lone surrogate)")
    # safe="" encodes everything outside RFC 3986 "unreserved", "/" included.
    return quote(value, safe="")


def _render_path(endpoint: Endpoint[Any, Any], request: Any) -> str | InvalidRequestError:
    """The request's path, from the request model or a mapping with exactly its fields."""
    # ``request`` is Any on purpose: callers may pass anything, and each branch checks.
    lookup: Callable[[str], object]
    if isinstance(request, endpoint.request):
        lookup = request.__getattribute__
    elif type(request) is dict or isinstance(request, Mapping):  # dict: skip the ABC check
        given = cast(Mapping[str, object], request)
        if given.keys() != endpoint.field_names:  # pyright: ignore[reportUnnecessaryComparison]
            return InvalidRequestError(
                f"{endpoint.name} takes a request with exactly the keys "
                f"{sorted(endpoint.field_names)}, got {list(given)}"
            )
        lookup = given.__getitem__
    else:
        return InvalidRequestError(
            f"{endpoint.name} takes a {endpoint.request.__name__} or a mapping, "
            f"got {type(request).__name__}"
        )
    parts = list(endpoint.segments)
    for i in range(1, len(parts), 2):
        segment = _check_segment(parts[i], lookup(parts[i]))
        if isinstance(segment, InvalidRequestError):
            return segment
        parts[i] = segment
    return "".join(parts)


# --- match status and decode ------------------------------------------------------------------


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


class _Attempt(Generic[RespT]):
    """One attempt's outcome, and what the retry loop needs to know about it."""

    # A plain slotted class, as is ``_Call``: one of each is built per call, and attrs'
    # frozen ``__init__`` costs more than the rest of this bookkeeping.
    __slots__ = ("result", "retry_after", "retryable")

    def __init__(
        self,
        result: Result[RespT, CallError],
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.result = result
        self.retryable = retryable
        self.retry_after = retry_after


Authorize: TypeAlias = Callable[
    [], Awaitable[Result[str, InvalidRequestError | UnexpectedClientError]]
]
"""``SDKCore.authorization``: the ``Authorization`` value from the key callable, per attempt."""


class _Call(CallBudget, Generic[ReqT, RespT]):
    """Everything one call needs, built once and reused by each attempt."""

    __slots__ = (
        "attempts",
        "authorize",
        "deadlines",
        "endpoint",
        "headers",
        "retries",
        "session",
        "started",
        "timeout",
        "url",
        "url_text",
    )

    def __init__(
        self,
        endpoint: Endpoint[ReqT, RespT],
        session: aiohttp.ClientSession,
        url_text: str,
        headers: Mapping[str, str],
        timeout: float,
        retries: RetryConfig,
        deadlines: DeadlineKeeper,
        authorize: Authorize | None = None,
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
        self.started = time.monotonic()
        self.start_budget(retries, self.started)
        self.attempts = 0

    def meta(self, response: aiohttp.ClientResponse, retry_after: float | None) -> HTTPMetadata:
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
        return f"{self.endpoint.method} {self.url}"

    async def send(self) -> _Attempt[RespT]:
        """One attempt: the key if it is a callable, then one HTTP exchange, all within the
        attempt's deadline; the response is released when this returns, on every path."""
        self.attempts += 1
        seconds = self.attempt_seconds(self.timeout)
        if seconds <= 0:
            return _Attempt(Err(self.spent(self.where(), self.attempts, "could not start")))
        headers = self.headers
        if self.authorize is not None:
            keyed = await self.authorized(seconds)
            if isinstance(keyed, _Attempt):
                return keyed
            headers, seconds = keyed
        debug = logger.isEnabledFor(logging.DEBUG)
        began = time.monotonic() if debug else 0.0
        outcome: _Attempt[RespT]
        try:
            # The per-attempt deadline is the core's (one timer for all calls, see
            # openapi._deadlines), not aiohttp's: besides a timer per request, aiohttp 3.14
            # enters its timer twice per request and so, when the deadline and a caller's
            # cancel() race, uncancels twice and turns the cancel into a TimeoutError.
            with self.deadlines.deadline(seconds):
                async with self.session.request(
                    self.endpoint.method,
                    self.url,
                    headers=headers,
                    timeout=_NO_TIMEOUT,
                    allow_redirects=False,  # followed by hand: see openapi._redirects
                ) as response:
                    status: object = response.status
                    if response.status in REDIRECT_STATUSES:
                        outcome = await self.follow(response, headers, 0)
                    else:
                        outcome = await self.receive(response)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            outcome = self.timed_out("got no response", "raise timeout= or check the server")
            status = "timeout"
        except Exception as exc:  # the transport's, mapped by openapi._transport_errors
            error, retryable = transport_error(exc, self.where(), self.attempts)
            retryable = retryable and self.retries.retry_connection_errors
            outcome = _Attempt(Err(error), retryable=retryable)
            status = type(exc).__name__
        if debug:
            logger.debug(
                "%s -> %s (attempt %d, %.1f ms)",
                self.where(),
                status,
                self.attempts,
                (time.monotonic() - began) * 1000,
            )
        return outcome

    async def receive(self, response: aiohttp.ClientResponse) -> _Attempt[RespT]:
        """Read the body within its cap (see ``openapi._bodies``) and decode it."""
        is_json = _is_json(content_type(response))
        try:
            if 200 <= response.status < 300 and is_json:
                # Whole when it may be (the usual case: one read, no copies), else in chunks.
                raw = (
                    await response.read() if fits_whole(response) else await read_success(response)
                )
            else:
                raw = await read_capped(response)
        except BodyTooLarge as exc:
            meta = self.meta(response, None)
            return _Attempt(Err(_responses.body_too_large(self.where(), meta, exc.preview)))
        try:
            return self.decode(response, raw, is_json)
        except Exception as exc:  # RecursionError, or whatever else a hostile body finds
            meta = self.meta(response, None)
            return _Attempt(Err(_responses.undecodable(self.where(), meta, raw, exc)))

    async def follow(
        self, response: aiohttp.ClientResponse, headers: Mapping[str, str], hops: int
    ) -> _Attempt[RespT]:
        """Follow a redirect if ``openapi._redirects`` allows it, releasing ``response`` first.

        ``headers`` are the ones the redirected request went with; ``hops`` how many
        redirects led to it. Runs inside the attempt's deadline, like the first request.
        """
        location = response.headers.get("Location")
        if location is None:  # a 3XX without a target is just an undocumented status
            return await self.receive(response)
        target = redirect_target(self.endpoint.method, response.status, response.url, location)
        if isinstance(target, str):
            why = target
        elif hops == MAX_REDIRECTS:
            why = f"that is more than {MAX_REDIRECTS} redirects in a row; fix server_url"
        elif target.origin() != response.url.origin() and any(
            name.lower() in CREDENTIAL_HEADERS for name in self.session.headers
        ):
            why = (
                "another origin, and the aiohttp session's default headers carry credentials "
                "that would go with the request; pass a session without them"
            )
        else:
            if target.origin() != response.url.origin():
                headers = without_credentials(headers)
            response.release()
            async with self.session.request(
                self.endpoint.method,
                target,
                headers=headers,
                timeout=_NO_TIMEOUT,
                allow_redirects=False,
            ) as next_response:
                if next_response.status in REDIRECT_STATUSES:
                    return await self.follow(next_response, headers, hops + 1)
                return await self.receive(next_response)
        where = self.where() if hops == 0 else f"{self.where()} (redirected to {response.url})"
        meta = self.meta(response, None)
        return _Attempt(Err(_responses.redirect_refused(where, meta, shown(location), why)))

    # --- the attempt's deadline and key (see send) ---------------------------------------------

    async def authorized(self, seconds: float) -> tuple[Mapping[str, str], float] | _Attempt[RespT]:
        """This attempt's headers with the key callable's current key, and the time left.

        The callable runs inside the attempt's deadline: a slow or stuck key provider ends
        the attempt like a slow server, and a key rotated meanwhile reaches the retry.
        """
        assert self.authorize is not None
        began = time.monotonic()
        try:
            with self.deadlines.deadline(seconds):
                authorization = await self.authorize()
        except TimeoutError:
            return self.timed_out("got no key from the api_key callable", "fix the key provider")
        if isinstance(authorization, Err):
            return _Attempt(authorization)
        headers = dict(self.headers)
        headers["Authorization"] = authorization.value
        return headers, seconds - (time.monotonic() - began)

    def timed_out(self, what: str, advice: str) -> _Attempt[RespT]:
        """The outcome of an attempt that reached its deadline while it ``what``."""
        if self.cut:  # the budget ran out: see CallBudget.spent
            return _Attempt(Err(self.spent(self.where(), self.attempts, what)))
        error = RequestTimeoutError(
            f"{self.where()} {what} within {self.timeout:g} s (attempt {self.attempts}); {advice}"
        )
        return _Attempt(Err(error), retryable=self.retries.retry_timeouts)

    def retrying(self, outcome: _Attempt[RespT], wait: float) -> None:
        """``call_with_retries`` is about to retry after ``outcome``: keep its error."""
        if isinstance(outcome.result, Err):
            self.previous = outcome.result.error
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("retrying in %.2f s after: %s", wait, self.previous)

    # --- match status and decode -------------------------------------------------------------

    def decode(
        self, response: aiohttp.ClientResponse, raw: bytes, is_json: bool
    ) -> _Attempt[RespT]:
        """Match the status to the endpoint's documented responses and decode the body.

        ``raw`` is the body as ``receive`` read it: whole for a 2XX JSON response, else
        capped; ``is_json`` says whether its content type is JSON.
        """
        status = response.status
        headers = response.headers
        # On a 2XX it is the server's poll hint; on an error, when to retry.
        try:
            retry_after = parse_retry_after(headers.get("Retry-After"))
        except (ValueError, OverflowError):  # "²": str.isdigit() says yes, float() says no
            retry_after = None
        if 200 <= status < 300:
            meta = self.meta(response, retry_after)
            if not is_json:
                kind = headers.get("Content-Type")
                return _Attempt(Err(_responses.not_json(self.where(), meta, raw, kind)))
            try:
                operation = decode_operation(raw)
            except Exception as exc:
                error = _responses.invalid_operation(self.where(), meta, raw, exc)
                return _Attempt(Err(error))
            return _Attempt(Ok(self.endpoint.response(operation, meta)))
        failure = _responses.status_error(
            self.where(),
            self.meta(response, retry_after),
            raw,
            is_json,
            reason=response.reason or "",
            documented=self.endpoint.errors,
        )
        retryable = status in self.retries.status_codes
        return _Attempt(Err(failure), retryable=retryable, retry_after=retry_after)


async def call(
    core: SDKCore,
    endpoint: Endpoint[ReqT, RespT],
    request: ReqT | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[RespT, CallError]:
    """Run one endpoint call through the pipeline and return its ``Result``."""
    try:
        path = _render_path(endpoint, request)
        if isinstance(path, InvalidRequestError):
            return Err(path)
        base = core.server_url(options.server_url if options else None)
        if isinstance(base, Err):
            return base
        headers = dict(core.request_headers)
        extra = options.headers if options is not None else None
        authorize: Authorize | None = None
        # Only a caller's own Authorization header may stand in for the key.
        if not extra or not any(name.lower() == "authorization" for name in extra):
            bearer = core.fixed_authorization()
            if bearer is not None:
                headers["Authorization"] = bearer
            else:  # a key callable, called per attempt (see _Call.send), or no key at all
                missing = core.missing_key()
                if missing is not None:
                    return Err(missing)
                authorize = core.authorization
        if extra:
            headers.update(extra)  # last, so a caller's header wins
        session = core.session()
        if isinstance(session, Err):
            return session
        pending = _Call(
            endpoint,
            session.value,
            base.value + path,
            headers,
            core.timeout(options.timeout if options else None),
            (options.retries if options else None) or core.config.retry_config,
            core.deadlines,
            authorize,
        )
        outcome = await pending.send()
        if outcome.retryable and pending.retries.strategy != "none":
            outcome = await call_with_retries(
                pending.send,
                pending.retries,
                first=outcome,
                deadline=pending.deadline,
                on_retry=pending.retrying,
            )
        if core.closed:  # aclose() ran during the call: say so, not what it broke
            return core.closed_under(outcome.result)
        return outcome.result
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug of ours must still come back as a value
        error = UnexpectedClientError(
            f"{endpoint.name} failed unexpectedly: {type(exc).__name__}: {exc}"
        )
        error.__cause__ = detached(exc)
        return Err(error)
