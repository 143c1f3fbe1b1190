"""``Telemetry``: the ``openapi._observing.Observer`` that records spans and metrics.

- A call is an INTERNAL span named after the API operation (``getOperation``), with the
  operation id; each of its HTTP attempts a CLIENT span under it, following the HTTP client
  semantic conventions, whose context goes to the server as ``traceparent``. The attempt runs
  with OpenTelemetry's HTTP suppression key set, so an aiohttp client instrumentation of the
  same session records no second CLIENT span for it.
- A wait or a watch is an INTERNAL span (``waitOperation``, ``watchOperation``) over the
  whole of it, each poll's call span a child, with an event per status change.
- Metrics: ``http.client.request.duration`` (semantic conventions) per attempt, and the
  SDK's own (``METRICS``): calls by outcome, their duration, retries, wait duration by final
  status.

Nothing here is given a header but the ones a request goes with without ``Authorization``
(``openapi._http.hooked``), nor any error text but the SDK's, which never holds the key.
"""

from __future__ import annotations

import contextlib
import timeit
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any, Final, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.utils import suppress_http_instrumentation
from opentelemetry.metrics import Meter
from opentelemetry.semconv.attributes import (
    error_attributes,
    http_attributes,
    server_attributes,
    url_attributes,
)
from opentelemetry.semconv.metrics.http_metrics import HTTP_CLIENT_REQUEST_DURATION
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from openapi._http.state import Call, Outcome
from openapi.hooks import HookContext
from openapi.models.components import Operation
from openapi.models.errors import SDKError
from openapi.types import Err, Ok, Result

__all__ = ["METRICS", "NAMES", "OPERATION_ID", "Telemetry"]

T = TypeVar("T")

OPERATION_ID: Final = "openapi.operation_id"
"""The span attribute holding the operation id."""
ENDPOINT: Final = "openapi.endpoint"
OUTCOME: Final = "openapi.outcome"
STATUS: Final = "openapi.operation.status"
OLD_STATUS: Final = "openapi.operation.status.old"
PROGRESS: Final = "openapi.operation.progress"
STATUS_CHANGE: Final = "openapi.operation.status_change"
"""The name of the event a wait span gets when the operation's status changes."""
ABANDONED: Final = "openapi.wait.abandoned"
"""Set (``True``) on a wait_many item's span when the consumer left before it ended."""
URL_TEMPLATE: Final = "url.template"  # semantic conventions, not yet in their stable set

METRICS: Final = {
    "calls": "openapi.client.calls",
    "call_duration": "openapi.client.call.duration",
    "retries": "openapi.client.retries",
    "wait_duration": "openapi.client.wait.duration",
}
"""The SDK's own metric names, besides ``http.client.request.duration``."""
NAMES: Final = frozenset(
    {OPERATION_ID, ENDPOINT, OUTCOME, STATUS, OLD_STATUS, PROGRESS, STATUS_CHANGE, ABANDONED}
    | set(METRICS.values())
)
"""Every attribute, event and metric name of the SDK's own (all ``openapi.``-prefixed)."""

_DURATION_BUCKETS: Final = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1,
    2.5,
    5,
    7.5,
    10,
)
"""The semantic conventions' advice for ``http.client.request.duration``."""
_WAIT_BUCKETS: Final = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
_DESCRIPTION_LENGTH: Final = 300


class _WaitTrace:
    """One wait's span, and the status it saw last (for the change events)."""

    __slots__ = ("last", "span")

    def __init__(self, span: trace.Span) -> None:
        self.span = span
        self.last: str | None = None

    def saw(self, operation: Operation) -> None:
        status = str(operation.status)
        if status == self.last:
            return
        attributes: dict[str, AttributeValue] = {STATUS: status}
        if self.last is not None:
            attributes[OLD_STATUS] = self.last
        if operation.progress is not None:
            attributes[PROGRESS] = operation.progress
        self.span.add_event(STATUS_CHANGE, attributes)
        self.last = status


_current_wait: ContextVar[_WaitTrace | None] = ContextVar("openapi_wait_trace", default=None)


def _failed(span: trace.Span, error: BaseException, error_type: str) -> None:
    span.set_attribute(error_attributes.ERROR_TYPE, error_type)
    description = f"{type(error).__name__}: {error}"[:_DESCRIPTION_LENGTH]
    span.set_status(Status(StatusCode.ERROR, description))


def _attempt_result(outcome: Outcome[Any]) -> tuple[int | None, str | None]:
    """The status code an attempt got (if a response came) and its ``error.type``."""
    result = outcome.result
    if isinstance(result, Ok):
        meta = getattr(result.value, "http_meta", None)
        return getattr(meta, "status_code", None), None
    error = result.error
    if isinstance(error, SDKError):
        status = error.status_code
        # A 2XX that could not be used is an error of the SDK's, not of HTTP.
        return status, str(status) if status >= 400 else type(error).__name__
    return None, type(error).__name__


class Telemetry:
    """Spans from ``tracer`` and metrics from ``meter`` at each of the SDK's seams."""

    def __init__(self, tracer: trace.Tracer, meter: Meter) -> None:
        self.tracer = tracer
        self.request_duration = meter.create_histogram(
            HTTP_CLIENT_REQUEST_DURATION,
            unit="s",
            description="Duration of HTTP client requests.",
            explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
        )
        self.calls = meter.create_counter(
            METRICS["calls"], unit="{call}", description="SDK calls, by endpoint and outcome."
        )
        self.call_duration = meter.create_histogram(
            METRICS["call_duration"],
            unit="s",
            description="Duration of SDK calls, retries included.",
            explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
        )
        self.retries = meter.create_counter(
            METRICS["retries"], unit="{retry}", description="HTTP attempts that were retries."
        )
        self.wait_duration = meter.create_histogram(
            METRICS["wait_duration"],
            unit="s",
            description="Duration of waits for an operation, by final status.",
            explicit_bucket_boundaries_advisory=list(_WAIT_BUCKETS),
        )

    # --- a call ------------------------------------------------------------------------------

    async def call(
        self, endpoint: str, operation_id: str | None, run: Callable[[], Awaitable[Result[T, Any]]]
    ) -> Result[T, Any]:
        """One INTERNAL span over the call; the calls counter and duration."""
        attributes = {OPERATION_ID: operation_id} if operation_id is not None else None
        began = timeit.default_timer()
        with self.tracer.start_as_current_span(
            endpoint,
            kind=SpanKind.INTERNAL,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            result = await run()
            if isinstance(result, Err):
                outcome = type(result.error).__name__
                _failed(span, result.error, outcome)
            else:
                outcome = "ok"
                waiting = _current_wait.get()
                seen = getattr(result.value, "operation", None)
                if waiting is not None and isinstance(seen, Operation):
                    waiting.saw(seen)
        labels = {ENDPOINT: endpoint, OUTCOME: outcome}
        self.calls.add(1, labels)
        self.call_duration.record(timeit.default_timer() - began, labels)
        return result

    # --- an attempt --------------------------------------------------------------------------

    async def attempt(
        self,
        call: Call[Any],
        context: HookContext,
        headers: dict[str, str],
        run: Callable[[], Awaitable[Outcome[T]]],
    ) -> Outcome[T]:
        """One CLIENT span over the attempt, its context in ``headers``; its duration."""
        url, template = call.url, call.endpoint.path
        labels: dict[str, AttributeValue] = {
            http_attributes.HTTP_REQUEST_METHOD: context.method,
            server_attributes.SERVER_ADDRESS: url.host or "",
            server_attributes.SERVER_PORT: url.port or 0,
            URL_TEMPLATE: template,
        }
        attributes = {**labels, url_attributes.URL_FULL: context.url}
        if context.attempt > 1:
            attributes[http_attributes.HTTP_REQUEST_RESEND_COUNT] = context.attempt - 1
            self.retries.add(1, {ENDPOINT: context.endpoint})
        began = timeit.default_timer()
        with self.tracer.start_as_current_span(
            f"{context.method} {template}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            propagate.inject(headers)  # traceparent: this span, the server's parent
            with suppress_http_instrumentation():  # no second CLIENT span from aiohttp's
                outcome = await run()
            status, error_type = _attempt_result(outcome)
            if status is not None:
                span.set_attribute(http_attributes.HTTP_RESPONSE_STATUS_CODE, status)
                labels[http_attributes.HTTP_RESPONSE_STATUS_CODE] = status
            if error_type is not None and isinstance(outcome.result, Err):
                _failed(span, outcome.result.error, error_type)
                labels[error_attributes.ERROR_TYPE] = error_type
        self.request_duration.record(timeit.default_timer() - began, labels)
        return outcome

    # --- a wait ------------------------------------------------------------------------------

    async def wait(
        self, operation_id: str | None, run: Callable[[], Awaitable[Result[T, Any]]]
    ) -> Result[T, Any]:
        """One INTERNAL span over the whole wait, current for its polls."""
        began = timeit.default_timer()
        with self.tracer.start_as_current_span(
            "waitOperation",
            kind=SpanKind.INTERNAL,
            attributes=_ids(operation_id),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            waiting = _WaitTrace(span)
            token = _current_wait.set(waiting)
            try:
                result = await run()
            finally:
                _current_wait.reset(token)
            self.finish_wait(waiting, result, began)
        return result

    def watch(
        self, operation_id: str | None, states: AsyncGenerator[Result[T, Any], None]
    ) -> AsyncGenerator[Result[T, Any], None]:
        """``states``, under one INTERNAL span from the first pull to the last."""
        return self._watched(operation_id, states)

    async def _watched(
        self, operation_id: str | None, states: AsyncGenerator[Result[T, Any], None]
    ) -> AsyncGenerator[Result[T, Any], None]:
        began = timeit.default_timer()
        span = self.tracer.start_span(
            "watchOperation", kind=SpanKind.INTERNAL, attributes=_ids(operation_id)
        )
        waiting = _WaitTrace(span)
        parent = trace.set_span_in_context(span)
        last: Result[T, Any] | None = None
        try:
            async with contextlib.aclosing(states):
                while True:
                    # Current only while the watch polls: never across a ``yield``, where the
                    # consumer runs code of its own.
                    token, mark = otel_context.attach(parent), _current_wait.set(waiting)
                    try:
                        last = await anext(states)
                    except StopAsyncIteration:
                        break
                    finally:
                        _current_wait.reset(mark)
                        otel_context.detach(token)
                    yield last
        finally:
            if last is not None:
                self.finish_wait(waiting, last, began)
            span.end()

    def wait_item(self, operation_id: str | None) -> _WaitItem:
        """One ``wait_many`` item: an INTERNAL span from its start to its result, current
        while it polls (it has no task of its own to hold it)."""
        return _WaitItem(self, operation_id)

    def finish_wait(self, waiting: _WaitTrace, result: Result[Any, Any], began: float) -> None:
        """Record a wait's final status on its span and its duration in the metric."""
        if isinstance(result, Err):
            final = type(result.error).__name__
            _failed(waiting.span, result.error, final)
        else:
            final = str(result.value.status) if isinstance(result.value, Operation) else "ok"
            waiting.span.set_attribute(STATUS, final)
        self.wait_duration.record(timeit.default_timer() - began, {STATUS: final})


def _ids(operation_id: str | None) -> Mapping[str, AttributeValue] | None:
    return {OPERATION_ID: operation_id} if operation_id is not None else None


class _WaitItem:
    """A ``wait_many`` item's span: made current around each of its steps, ended with it."""

    __slots__ = ("_began", "_parent", "_telemetry", "_waiting")

    def __init__(self, telemetry: Telemetry, operation_id: str | None) -> None:
        span = telemetry.tracer.start_span(
            "waitOperation", kind=SpanKind.INTERNAL, attributes=_ids(operation_id)
        )
        self._telemetry = telemetry
        self._waiting = _WaitTrace(span)
        self._parent = trace.set_span_in_context(span)
        self._began = timeit.default_timer()

    async def step(self, run: Callable[[], Awaitable[None]]) -> None:
        """Run one poll (or the deadline's cancel) of the item under its span."""
        token, mark = otel_context.attach(self._parent), _current_wait.set(self._waiting)
        try:
            await run()
        finally:
            _current_wait.reset(mark)
            otel_context.detach(token)

    def end(self, result: Result[Any, Any]) -> None:
        """Record the item's final status and end its span."""
        self._telemetry.finish_wait(self._waiting, result, self._began)
        self._waiting.span.end()

    def abandon(self) -> None:
        """End the span of an item the consumer stopped waiting for (no final status)."""
        self._waiting.span.set_attribute(ABANDONED, True)
        self._waiting.span.end()
