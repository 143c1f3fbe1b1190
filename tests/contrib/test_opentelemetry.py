"""``SDKInstrumentor`` with the real OpenTelemetry SDK (in-memory exporter and metric reader)
against the mock server with faults, each test with and without the aiohttp client
instrumentation installed too (it must then add no CLIENT span of its own)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from openapi.contrib.opentelemetry import SDKInstrumentor
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.funcs.operations_wait import operations_wait, operations_wait_many, operations_watch
from openapi.models.components import Operation
from openapi.testing import MockServer
from openapi.types import Ok
from openapi.utils.retries import RetryConfig
from tests.conftest import FAST_RETRIES
from tests.waiting.support import FAST

API_KEY = "sk-otel-SECRET-51d0e2"
GET_CLIENT_SPAN = "GET /operations/{operation_id}"


class Recorded:
    """What the SDK recorded: spans and metrics."""

    def __init__(
        self, exporter: InMemorySpanExporter, reader: InMemoryMetricReader, aiohttp: bool
    ) -> None:
        self.exporter = exporter
        self.reader = reader
        self.aiohttp = aiohttp
        """Whether aiohttp's client instrumentation is installed too."""

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        found = sorted(self.exporter.get_finished_spans(), key=lambda s: s.start_time or 0)
        return [span for span in found if name is None or span.name == name]

    def clients(self) -> list[ReadableSpan]:
        return [span for span in self.spans() if span.kind is SpanKind.CLIENT]

    def children(self, parent: ReadableSpan, name: str | None = None) -> list[ReadableSpan]:
        return [
            span
            for span in self.spans(name)
            if span.parent is not None and span.parent.span_id == _span_id(parent)
        ]

    def points(self, metric: str) -> list[tuple[dict[str, Any], float]]:
        """Each data point of ``metric``: its attributes and its sum (or value)."""
        data = self.reader.get_metrics_data()
        found: list[tuple[dict[str, Any], float]] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name == metric:
                        for point in item.data.data_points:
                            value = getattr(point, "sum", getattr(point, "value", None))
                            found.append((dict(point.attributes or {}), float(value or 0)))
        return found

    def counts(self, metric: str) -> list[tuple[dict[str, Any], int]]:
        """Each data point of histogram ``metric``: its attributes and its count."""
        data = self.reader.get_metrics_data()
        found: list[tuple[dict[str, Any], int]] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for item in scope.metrics:
                    if item.name == metric:
                        for point in item.data.data_points:
                            found.append((dict(point.attributes or {}), int(point.count)))  # type: ignore[union-attr]
        return found


def _span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.span_id


def _traceparent(span: ReadableSpan) -> str:
    assert span.context is not None
    context = span.context
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


@pytest.fixture(params=[False, True], ids=["sdk-only", "with-aiohttp-instrumentation"])
def telemetry(request: pytest.FixtureRequest) -> Iterator[Recorded]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    instrumentor = SDKInstrumentor()
    instrumentor.instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    aiohttp_instrumentor = AioHttpClientInstrumentor() if request.param else None
    if aiohttp_instrumentor is not None:
        aiohttp_instrumentor.instrument(
            tracer_provider=tracer_provider, meter_provider=meter_provider
        )
    try:
        yield Recorded(exporter, reader, aiohttp_instrumentor is not None)
    finally:
        instrumentor.uninstrument()
        if aiohttp_instrumentor is not None:
            aiohttp_instrumentor.uninstrument()
        meter_provider.shutdown()
        tracer_provider.shutdown()


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        yield mock


def _core(server: MockServer, retries: RetryConfig = FAST_RETRIES) -> SDKCore:
    return SDKCore(api_key=API_KEY, server_url=server.url, retry_config=retries)


async def test_a_retried_call_is_one_internal_span_over_a_client_span_per_attempt(
    telemetry: Recorded, server: MockServer
) -> None:
    op = server.create_operation(duration=None)
    server.inject(status=503, times=1)
    async with _core(server) as core:
        res = await operations_get_operation(core, {"operation_id": op.id})
    assert isinstance(res, Ok)
    (call,) = telemetry.spans("getOperation")
    assert call.kind is SpanKind.INTERNAL
    assert call.attributes is not None
    assert call.attributes["openapi.operation_id"] == op.id
    assert call.status.status_code is StatusCode.UNSET
    clients = telemetry.clients()
    assert [span.name for span in clients] == [GET_CLIENT_SPAN] * 2  # none of aiohttp's
    assert telemetry.children(call) == clients
    first, second = (dict(span.attributes or {}) for span in clients)
    common = {
        "http.request.method": "GET",
        "url.template": "/operations/{operation_id}",
        "url.full": f"{server.url}/operations/{op.id}",
        "server.address": "127.0.0.1",
        "server.port": server.port,
    }
    assert first == {**common, "http.response.status_code": 503, "error.type": "503"}
    assert second == {**common, "http.response.status_code": 200, "http.request.resend_count": 1}
    assert clients[0].status.status_code is StatusCode.ERROR
    assert clients[1].status.status_code is StatusCode.UNSET
    sent = [entry.headers.get("traceparent") for entry in server.requests]
    assert sent == [_traceparent(span) for span in clients]
    durations = telemetry.counts("http.client.request.duration")
    assert sorted(attrs["http.response.status_code"] for attrs, _ in durations) == [200, 503]
    assert all(count == 1 and attrs["url.template"] for attrs, count in durations)
    assert telemetry.points("openapi.client.retries") == [({"openapi.endpoint": "getOperation"}, 1)]
    assert telemetry.points("openapi.client.calls") == [
        ({"openapi.endpoint": "getOperation", "openapi.outcome": "ok"}, 1)
    ]


async def test_a_failed_call_sets_error_status_and_type(
    telemetry: Recorded, server: MockServer
) -> None:
    async with _core(server) as core:
        res = await operations_get_operation(core, {"operation_id": "missing"})
    assert not res.ok
    (call,) = telemetry.spans("getOperation")
    assert call.status.status_code is StatusCode.ERROR
    assert (call.attributes or {})["error.type"] == "ApiError"
    (client,) = telemetry.clients()
    assert (client.attributes or {})["http.response.status_code"] == 404
    assert (client.attributes or {})["error.type"] == "404"
    assert client.status.status_code is StatusCode.ERROR
    assert telemetry.points("openapi.client.calls") == [
        ({"openapi.endpoint": "getOperation", "openapi.outcome": "ApiError"}, 1)
    ]


async def test_a_dropped_connection_is_an_error_type_without_a_status(
    telemetry: Recorded, server: MockServer
) -> None:
    op = server.create_operation(duration=None)
    server.inject("drop")
    async with _core(server, RetryConfig.none()) as core:
        res = await operations_get_operation(core, {"operation_id": op.id})
    assert not res.ok
    (client,) = telemetry.clients()
    attributes = dict(client.attributes or {})
    assert attributes["error.type"] == "ConnectionError"
    assert "http.response.status_code" not in attributes
    (point,) = telemetry.counts("http.client.request.duration")
    assert point[0]["error.type"] == "ConnectionError"


async def test_a_wait_through_three_states_is_one_span_with_an_event_per_status(
    telemetry: Recorded, server: MockServer
) -> None:
    op = server.create_operation(status="queued")

    def advance(seen: Operation) -> None:  # drives the server by what the wait saw
        if seen.status == "queued":
            server.set_status(op.id, "running", progress=0.5)
        elif seen.status == "running":
            server.complete(op.id, result={"rows": 1})

    async with _core(server) as core:
        res = await operations_wait(
            core, {"operation_id": op.id}, poll_interval=FAST, on_update=advance, timeout=60
        )
    assert isinstance(res, Ok)
    (wait,) = telemetry.spans("waitOperation")
    assert dict(wait.attributes or {}) == {
        "openapi.operation_id": op.id,
        "openapi.operation.status": "succeeded",
    }
    events = [(event.name, dict(event.attributes or {})) for event in wait.events]
    change = "openapi.operation.status_change"
    assert events == [
        (change, {"openapi.operation.status": "queued", "openapi.operation.progress": 0.0}),
        (
            change,
            {
                "openapi.operation.status": "running",
                "openapi.operation.status.old": "queued",
                "openapi.operation.progress": 0.5,
            },
        ),
        (
            change,
            {
                "openapi.operation.status": "succeeded",
                "openapi.operation.status.old": "running",
                "openapi.operation.progress": 1.0,
            },
        ),
    ]
    polls = telemetry.children(wait, "getOperation")
    assert len(polls) == 3 == len(telemetry.spans("getOperation"))
    assert all(len(telemetry.children(poll)) == 1 for poll in polls)
    (point,) = telemetry.counts("openapi.client.wait.duration")
    assert point == ({"openapi.operation.status": "succeeded"}, 1)


async def test_wait_many_of_50_is_a_span_per_item_over_its_own_polls(
    telemetry: Recorded, server: MockServer
) -> None:
    ids = [server.create_operation(polls=2).id for _ in range(50)]
    async with (
        _core(server) as core,
        operations_wait_many(core, ids, concurrency=8, poll_interval=FAST, timeout=120) as results,
    ):
        done = {operation_id: res async for operation_id, res in results}
    assert all(isinstance(res, Ok) for res in done.values())
    waits = telemetry.spans("waitOperation")
    assert sorted((w.attributes or {})["openapi.operation_id"] for w in waits) == sorted(ids)
    for wait in waits:
        operation_id = (wait.attributes or {})["openapi.operation_id"]
        polls = telemetry.children(wait, "getOperation")
        assert len(polls) == 2
        assert {(poll.attributes or {})["openapi.operation_id"] for poll in polls} == {operation_id}
        statuses = [(e.attributes or {})["openapi.operation.status"] for e in wait.events]
        assert statuses == ["running", "succeeded"]
    assert len(telemetry.clients()) == server.count(method="GET") == 100
    (point,) = telemetry.counts("openapi.client.wait.duration")
    assert point == ({"openapi.operation.status": "succeeded"}, 50)


async def test_leaving_a_wait_many_early_ends_every_item_span(
    telemetry: Recorded, server: MockServer
) -> None:
    done = server.create_operation(polls=1).id
    stuck = [server.create_operation(duration=None).id for _ in range(3)]
    async with (
        _core(server) as core,
        operations_wait_many(core, [done, *stuck], concurrency=4, poll_interval=FAST) as results,
    ):
        async for operation_id, _ in results:
            assert operation_id == done
            break  # the three stuck ones are still waited for
    waits = {
        (w.attributes or {})["openapi.operation_id"]: w for w in telemetry.spans("waitOperation")
    }
    assert set(waits) == {done, *stuck}  # exported: every span was ended
    assert all((waits[i].attributes or {}).get("openapi.wait.abandoned") for i in stuck)
    assert "openapi.wait.abandoned" not in (waits[done].attributes or {})


async def test_a_watch_is_one_span_over_its_polls(telemetry: Recorded, server: MockServer) -> None:
    op = server.create_operation(polls=3)
    async with _core(server) as core:
        states = [
            res async for res in operations_watch(core, {"operation_id": op.id}, poll_interval=FAST)
        ]
    assert len(states) == 3
    (watch,) = telemetry.spans("watchOperation")
    assert (watch.attributes or {})["openapi.operation.status"] == "succeeded"
    statuses = [(e.attributes or {})["openapi.operation.status"] for e in watch.events]
    assert statuses == ["running", "succeeded"]
    assert len(telemetry.children(watch, "getOperation")) == 3


async def test_the_key_is_in_no_span_event_metric_or_log(
    telemetry: Recorded, server: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    op = server.create_operation(polls=2)
    server.inject(status=503, times=1)
    async with _core(server) as core:
        await operations_get_operation(core, {"operation_id": "missing"})
        await operations_wait(core, {"operation_id": op.id}, poll_interval=FAST, timeout=60)
    assert len(telemetry.clients()) >= 4
    texts = [span.to_json() for span in telemetry.spans()]
    data = telemetry.reader.get_metrics_data()
    assert data is not None
    texts.append(data.to_json())
    texts += [repr(vars(record)) for record in caplog.records]
    assert all(API_KEY not in text for text in texts)
    assert all("Bearer" not in text for text in texts)


async def test_uninstrument_stops_the_telemetry(telemetry: Recorded, server: MockServer) -> None:
    op = server.create_operation(duration=None)
    SDKInstrumentor().uninstrument()
    async with _core(server) as core:
        await operations_get_operation(core, {"operation_id": op.id})
    assert telemetry.spans("getOperation") == []
    assert telemetry.counts("http.client.request.duration") == [] or telemetry.aiohttp
    # aiohttp's instrumentation, if installed, now traces the request as its own.
    assert ("traceparent" in server.requests[0].headers) is telemetry.aiohttp
