"""OpenTelemetry tracing and metrics for the SDK (extra ``otel``).

``pip install 'openapi-operations[otel]'``, then, once at start-up::

    from openapi.contrib.opentelemetry import SDKInstrumentor

    SDKInstrumentor().instrument(tracer_provider=provider, meter_provider=meter_provider)

Both providers default to the global ones. From then on every call of every core is traced
(an INTERNAL span named after the API operation, with a CLIENT span per HTTP attempt under
it, its context sent to the server as ``traceparent``), every wait, watch and wait_many item
is a span with an event per status change, and the metrics in ``METRICS`` are recorded
(``NAMES`` lists every attribute, event and metric name of the SDK's own).
``uninstrument()`` stops it.
The API key is in no span, attribute, event or metric: the telemetry never sees it.

Like every ``BaseInstrumentor``, ``SDKInstrumentor()`` is one object per process, and the
``opentelemetry-instrument`` command finds it through the ``opentelemetry_instrumentor``
entry point. Importing ``openapi`` never imports this module nor OpenTelemetry.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

try:
    from opentelemetry import metrics, trace
    from opentelemetry.instrumentation.instrumentor import (  # type: ignore[attr-defined]
        BaseInstrumentor,
    )
except ImportError as missing:  # pragma: no cover - exercised in a subprocess
    raise ImportError(
        "openapi.contrib.opentelemetry needs OpenTelemetry: pip install 'openapi-operations[otel]'"
    ) from missing

from openapi import _observing
from openapi._version import __version__
from openapi.contrib.opentelemetry._telemetry import METRICS, NAMES, Telemetry

__all__ = ["METRICS", "NAMES", "SDKInstrumentor"]

_SCHEMA_URL = "https://opentelemetry.io/schemas/1.26.0"


class SDKInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Traces and measures every call and wait of the SDK; see the module docstring.

    ``instrument(tracer_provider=None, meter_provider=None)`` turns it on (the global
    providers by default); ``uninstrument()`` turns it off.
    """

    def instrumentation_dependencies(self) -> Collection[str]:
        """The distribution this instruments (checked by ``instrument()``)."""
        return ("openapi-operations >= 0.1",)

    def _instrument(self, **kwargs: Any) -> None:
        tracer = trace.get_tracer(
            "openapi", __version__, kwargs.get("tracer_provider"), schema_url=_SCHEMA_URL
        )
        meter = metrics.get_meter(
            "openapi", __version__, kwargs.get("meter_provider"), schema_url=_SCHEMA_URL
        )
        _observing.observer = Telemetry(tracer, meter)

    def _uninstrument(self, **kwargs: Any) -> None:
        _observing.observer = None
