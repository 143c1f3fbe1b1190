"""A small service whose SDK calls and waits show up in its traces and metrics.

Run it: ``python examples/traced_service.py`` (needs the ``otel`` extra:
``pip install 'openapi-operations[otel]'``). It starts the mock Operations API on
127.0.0.1, so it needs no network and no key of yours.

The "service" handles one job request: it starts a span of its own, polls an export
operation while the server is flaky (one 503, retried), waits for it to succeed, and
cancels another. Every span is printed by the console exporter
as it ends: the SDK's ``getOperation`` / ``cancelOperation`` INTERNAL spans, a CLIENT span
per HTTP attempt under each (the retry has ``http.request.resend_count``), and the
``waitOperation`` span with an event per status change. The metrics are printed last.
"""

from __future__ import annotations

import asyncio

from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from openapi import SDK, Operation, RetryConfig
from openapi.contrib.opentelemetry import SDKInstrumentor
from openapi.testing import MockServer
from openapi.utils import BackoffStrategy, PollPolicy

API_KEY = "example-key"
RESOURCE = Resource.create({"service.name": "exports-service"})


def telemetry() -> tuple[TracerProvider, MeterProvider]:
    """Console exporters: each span printed as it ends, the metrics at shutdown."""
    tracer_provider = TracerProvider(resource=RESOURCE)
    tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    reader = PeriodicExportingMetricReader(ConsoleMetricExporter(), export_interval_millis=60_000)
    meter_provider = MeterProvider(resource=RESOURCE, metric_readers=[reader])
    SDKInstrumentor().instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)
    return tracer_provider, meter_provider


async def handle_job(sdk: SDK, server: MockServer, tracer: trace.Tracer) -> None:
    """One request to the service: its own span, the SDK's spans under it."""
    export = server.create_operation("export-7", polls=3, result={"rows": 1284})
    stale = server.create_operation("export-stale", duration=None)
    with tracer.start_as_current_span("handle-job"):
        server.inject(status=503, times=1)  # the first poll fails once, then is retried
        first = await sdk.operations.get_operation(operation_id=export.id)
        print(f"# polled {export.id}: {first.operation.status}", flush=True)

        def changed(operation: Operation) -> None:
            print(f"# {operation.id}: {operation.status} {operation.progress}", flush=True)

        done = await sdk.operations.wait(
            operation_id=export.id,
            timeout=30,
            poll_interval=PollPolicy(initial_interval=0.05, max_interval=0.1),
            on_update=changed,
        )
        print(f"# {export.id} ended {done.status}: {done.result}", flush=True)
        cancelled = await sdk.operations.cancel_operation(operation_id=stale.id)
        print(f"# cancel {stale.id}: {cancelled.operation.status}", flush=True)


async def main() -> None:
    tracer_provider, meter_provider = telemetry()
    tracer = tracer_provider.get_tracer("exports-service")
    retries = RetryConfig(backoff=BackoffStrategy(initial_interval=0.05, max_interval=0.2))
    async with (
        MockServer(api_key=API_KEY, poll_hint=None) as server,
        SDK(api_key=API_KEY, server_url=server.url, retry_config=retries) as sdk,
    ):
        await handle_job(sdk, server, tracer)
    meter_provider.shutdown()  # prints the metrics once
    tracer_provider.shutdown()
    SDKInstrumentor().uninstrument()


if __name__ == "__main__":
    asyncio.run(main())
