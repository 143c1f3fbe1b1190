"""THE request pipeline. Every endpoint goes through ``call``:

validate -> URL -> auth -> send -> retry -> match status -> decode -> ``Result``

An endpoint is data (``Endpoint``): method, path template, request and response models and
the statuses it documents. ``call`` never raises for anything that can go wrong in a call; it
returns ``Err`` with one of ``openapi.models.errors``. ``asyncio.CancelledError`` propagates.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, cast
from urllib.parse import quote

import aiohttp
import attrs
import yarl

from openapi._advice import status_advice as _advice
from openapi._deadlines import DeadlineKeeper
from openapi._logging import logger
from openapi._serialization import decode_api_error, decode_operation, describe
from openapi.core import SDKCore
from openapi.models.components import HTTPMetadata, Operation
from openapi.models.errors import (
    ApiError,
    CallError,
    ConnectionError,
    InvalidRequestError,
    RequestTimeoutError,
    ResponseValidationError,
    SDKDefaultError,
    UnexpectedClientError,
)
from openapi.types import Err, Ok, Result
from openapi.utils.retries import RetryConfig, call_with_retries

if TYPE_CHECKING:
    from openapi.utils.options import RequestOptions

__all__ = ["Endpoint", "call"]

ReqT = TypeVar("ReqT")
RespT = TypeVar("RespT")

MAX_PATH_PARAM_LENGTH: Final = 256
ERROR_BODY_LIMIT: Final = 16 * 1024
"""Bytes of an error response kept (and read: the rest is never buffered)."""
SUCCESS_BODY_LIMIT: Final = 16 * 1024 * 1024
"""Largest 2XX JSON body read; a larger one is refused, not buffered."""
_MESSAGE_BODY_PREVIEW: Final = 200
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


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read at most ``limit`` bytes: a huge error page is never held in memory."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _preview(body: str) -> str:
    body = " ".join(body.split())
    if len(body) > _MESSAGE_BODY_PREVIEW:
        return body[:_MESSAGE_BODY_PREVIEW] + "..."
    return body


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


class _Call(Generic[ReqT, RespT]):
    """Everything one call needs, built once and reused by each attempt."""

    __slots__ = (
        "attempts",
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
    ) -> None:
        self.endpoint = endpoint
        self.deadlines = deadlines
        self.session = session
        self.url_text = url_text
        self.url = yarl.URL(url_text, encoded=True)
        self.headers = headers
        self.timeout = timeout
        self.retries = retries
        self.started = time.monotonic()
        self.attempts = 0

    def meta(self, response: aiohttp.ClientResponse, retry_after: float | None) -> HTTPMetadata:
        headers = response.headers
        return HTTPMetadata(
            status_code=response.status,
            headers=headers,
            # Without a redirect the response's URL is the one sent: skip re-serialising it.
            url=self.url_text if not response.history else str(response.url),
            request_id=headers.get("X-Request-Id"),
            attempts=self.attempts,
            retry_after=retry_after,
            elapsed=time.monotonic() - self.started,
        )

    def where(self) -> str:
        return f"{self.endpoint.method} {self.url}"

    async def send(self) -> _Attempt[RespT]:
        """One HTTP exchange; the response is released when this returns, on every path."""
        self.attempts += 1
        debug = logger.isEnabledFor(logging.DEBUG)
        began = time.monotonic() if debug else 0.0
        outcome: _Attempt[RespT]
        try:
            # The per-attempt deadline is the core's (one timer for all calls, see
            # openapi._deadlines), not aiohttp's: besides a timer per request, aiohttp 3.14
            # enters its timer twice per request and so, when the deadline and a caller's
            # cancel() race, uncancels twice and turns the cancel into a TimeoutError.
            with self.deadlines.deadline(self.timeout):
                async with self.session.request(
                    self.endpoint.method, self.url, headers=self.headers, timeout=_NO_TIMEOUT
                ) as response:
                    status: object = response.status
                    is_json = _is_json(response.content_type)
                    if 200 <= response.status < 300 and is_json:
                        length = response.content_length
                        if length is not None and length <= SUCCESS_BODY_LIMIT:
                            raw = await response.read()  # whole: it is all needed to check it
                        else:  # chunked, or announced too large: read up to the limit + 1
                            raw = await _read_capped(response, SUCCESS_BODY_LIMIT + 1)
                    else:
                        raw = await _read_capped(response, ERROR_BODY_LIMIT)
                    outcome = self.decode(response, raw, is_json)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            outcome = _Attempt(
                Err(
                    RequestTimeoutError(
                        f"{self.where()} got no response within {self.timeout} s "
                        f"(attempt {self.attempts}); raise timeout= or check the server"
                    )
                ),
                retryable=self.retries.retry_timeouts,
            )
            status = "timeout"
        except aiohttp.ClientConnectorCertificateError as exc:
            # Permanent: retrying cannot make the certificate valid.
            error = ConnectionError(
                f"{self.where()} failed: the server's TLS certificate is not trusted ({exc}); "
                "fix the certificate, or pass verify_ssl= an ssl.SSLContext that trusts it"
            )
            error.__cause__ = exc
            outcome = _Attempt(Err(error))
            status = "certificate error"
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
            error = ConnectionError(
                f"{self.where()} failed: {type(exc).__name__}: {exc} "
                f"(attempt {self.attempts}); check server_url and the network"
            )
            error.__cause__ = exc
            outcome = _Attempt(Err(error), retryable=self.retries.retry_connection_errors)
            status = type(exc).__name__
        except Exception as exc:
            unexpected = UnexpectedClientError(
                f"{self.where()} failed unexpectedly: {type(exc).__name__}: {exc}"
            )
            unexpected.__cause__ = exc
            outcome = _Attempt(Err(unexpected))
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

    def decode(
        self, response: aiohttp.ClientResponse, raw: bytes, is_json: bool
    ) -> _Attempt[RespT]:
        """Match the status to the endpoint's documented responses and decode the body.

        ``raw`` is the body as ``send`` read it: whole for a 2XX JSON response, else capped;
        ``is_json`` says whether its content type is JSON.
        """
        status = response.status
        headers = response.headers
        # On a 2XX it is the server's poll hint; on an error, when to retry.
        retry_after = parse_retry_after(headers.get("Retry-After"))
        if 200 <= status < 300:
            if not is_json:
                body = raw.decode("utf-8", "replace")
                return _Attempt(
                    Err(
                        SDKDefaultError(
                            f"{self.where()} answered HTTP {status} with content type "
                            f"{response.content_type!r} instead of JSON; check that server_url "
                            f"points at the Operations API. Body: {_preview(body)}",
                            http_meta=self.meta(response, retry_after),
                            body=body,
                        )
                    )
                )
            meta = self.meta(response, retry_after)
            if len(raw) > SUCCESS_BODY_LIMIT:
                return _Attempt(
                    Err(
                        ResponseValidationError(
                            f"{self.where()} answered HTTP {status} with a body over "
                            f"{SUCCESS_BODY_LIMIT // (1024 * 1024)} MiB, more than any "
                            "Operation should be; it was not read further. Report it with "
                            f"request id {meta.request_id}",
                            http_meta=meta,
                            body=raw[:ERROR_BODY_LIMIT].decode("utf-8", "replace"),
                        )
                    )
                )
            try:
                operation = decode_operation(raw)
            except Exception as exc:
                body = raw[:ERROR_BODY_LIMIT].decode("utf-8", "replace")
                error = ResponseValidationError(
                    f"{self.where()} answered HTTP {status} with a body that is not a valid "
                    f"Operation: {describe(exc)}. This is a server bug: report it with request "
                    f"id {meta.request_id}",
                    http_meta=meta,
                    body=body,
                )
                error.__cause__ = exc
                return _Attempt(Err(error))
            return _Attempt(Ok(self.endpoint.response(operation, meta)))

        body = raw.decode("utf-8", "replace")
        meta = self.meta(response, retry_after)
        retryable = status in self.retries.status_codes
        if status in self.endpoint.errors and is_json:
            document = decode_api_error(raw)
            if document is not None:
                api_error = ApiError(
                    document.message,
                    code=document.code,
                    details=document.details,
                    request_id=document.request_id,
                    http_meta=meta,
                    body=body,
                )
                return _Attempt(Err(api_error), retryable=retryable, retry_after=retry_after)
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        reason = response.reason or ""
        default_error = SDKDefaultError(
            f"{self.where()} answered HTTP {status} {reason}{tries}: {_advice(status)}. "
            f"Body: {_preview(body) or '(empty)'}",
            http_meta=meta,
            body=body,
        )
        return _Attempt(Err(default_error), retryable=retryable, retry_after=retry_after)


def _log_retry(outcome: _Attempt[Any], wait: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("retrying in %.2f s after: %s", wait, outcome.result.error)


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
        # Only a caller's own Authorization header may stand in for the key.
        if not extra or not any(name.lower() == "authorization" for name in extra):
            bearer = core.fixed_authorization()
            if bearer is None:
                authorization = await core.authorization()
                if isinstance(authorization, Err):
                    return authorization
                bearer = authorization.value
            headers["Authorization"] = bearer
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
        )
        outcome = await pending.send()
        if outcome.retryable and pending.retries.strategy != "none":
            outcome = await call_with_retries(
                pending.send,
                pending.retries,
                first=outcome,
                started=pending.started,
                on_retry=_log_retry,
            )
        return outcome.result
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug of ours must still come back as a value
        error = UnexpectedClientError(
            f"{endpoint.name} failed unexpectedly: {type(exc).__name__}: {exc}"
        )
        error.__cause__ = exc
        return Err(error)
