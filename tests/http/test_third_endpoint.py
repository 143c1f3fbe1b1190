"""A third endpoint, with a schema of its own, defined here and nowhere in ``src``.

This is what adding an endpoint takes: an ``Endpoint`` (method, path template, request
model, success model, response wrapper) and a short function calling the pipeline. Nothing
in ``openapi._http`` knows ``OperationEvents``: the path rendering, auth, retries, status
matching and decoding all come from the description.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any, assert_type

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from openapi._http.endpoint import Endpoint
from openapi._http.request import call
from openapi.core import SDKCore
from openapi.models.components import HTTPMetadata
from openapi.models.errors import (
    ApiError,
    CallError,
    InvalidRequestError,
    ResponseValidationError,
)
from openapi.types import Err, Ok, Result
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig

API_KEY = "sk-test-events-5e1d"

# --- what would be src/openapi/models/operations/list_events.py ----------------------------


@attrs.frozen(slots=True)
class ListEventsRequest:
    operation_id: str


@attrs.frozen(slots=True)
class OperationEvent:
    at: datetime
    kind: str
    detail: str | None = None


@attrs.frozen(slots=True)
class OperationEvents:
    operation_id: str
    events: list[OperationEvent]


@attrs.frozen(slots=True)
class ListEventsResponse:
    events: OperationEvents
    http_meta: HTTPMetadata


# --- what would be src/openapi/funcs/operations_list_events.py -----------------------------

LIST_EVENTS = Endpoint(
    name="listOperationEvents",
    method="GET",
    path="/operations/{operation_id}/events",
    request=ListEventsRequest,
    success=OperationEvents,
    response=ListEventsResponse,
)


async def operations_list_events(
    core: SDKCore,
    request: ListEventsRequest | Mapping[str, Any],
    options: RequestOptions | None = None,
) -> Result[ListEventsResponse, CallError]:
    """List an operation's events. Never raises for call failures: returns a ``Result``."""
    return await call(core, LIST_EVENTS, request, options)


# --- a server for it -----------------------------------------------------------------------

EVENTS: dict[str, Any] = {
    "operation_id": "op 1",
    "events": [
        {"at": "2026-11-28T10:00:00Z", "kind": "created"},
        {"at": "2026-11-28T10:00:05z", "kind": "progress", "detail": "25%", "extra": True},
    ],
}


class EventsServer:
    """Answers ``GET /operations/{id}/events``; ``script`` holds (status, body) per request,
    the last one repeating."""

    def __init__(self, *script: tuple[int, Any]) -> None:
        self.script: list[tuple[int, Any]] = list(script)
        self.seen: list[tuple[str, str, str | None]] = []
        app = web.Application()
        app.router.add_get("/operations/{operation_id}/events", self.handle)
        self.server = TestServer(app, host="127.0.0.1")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request.method, request.raw_path, request.headers.get("Authorization")))
        status, body = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return web.json_response(body, status=status, headers={"X-Request-Id": "req_ev"})

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest.fixture
async def events() -> AsyncIterator[EventsServer]:
    server = EventsServer((200, EVENTS))
    await server.server.start_server()
    yield server
    await server.server.close()


def core_for(server: EventsServer) -> SDKCore:
    retries = RetryConfig(
        backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.05, max_elapsed_time=5)
    )
    return SDKCore(api_key=API_KEY, server_url=server.url, retry_config=retries)


async def test_the_third_endpoint_decodes_its_own_schema(events: EventsServer) -> None:
    async with core_for(events) as core:
        res = await operations_list_events(core, {"operation_id": "op 1"})
    assert isinstance(res, Ok), res
    value = assert_type(res.value, ListEventsResponse)
    assert value.events == OperationEvents(
        operation_id="op 1",
        events=[
            OperationEvent(at=datetime(2026, 11, 28, 10, 0, tzinfo=UTC), kind="created"),
            OperationEvent(
                at=datetime(2026, 11, 28, 10, 0, 5, tzinfo=UTC), kind="progress", detail="25%"
            ),
        ],
    )
    assert value.http_meta.status_code == 200
    assert value.http_meta.request_id == "req_ev"
    # The path template, one percent-encoded segment per parameter, and the key: as for any
    # endpoint.
    assert events.seen == [("GET", "/operations/op%201/events", f"Bearer {API_KEY}")]


async def test_the_request_model_is_accepted_too(events: EventsServer) -> None:
    async with core_for(events) as core:
        res = await operations_list_events(core, ListEventsRequest(operation_id="op_2"))
    assert isinstance(res, Ok), res
    assert events.seen[0][1] == "/operations/op_2/events"


async def test_a_body_that_is_not_its_schema_is_a_validation_error_naming_it(
    events: EventsServer,
) -> None:
    events.script = [(200, {"operation_id": "op_1", "events": [{"at": 5, "kind": "created"}]})]
    async with core_for(events) as core:
        res = await operations_list_events(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, ResponseValidationError)
    assert "not a valid OperationEvents" in str(res.error)
    assert "$.events[0].at" in str(res.error)
    assert "expected an RFC 3339 date-time string, got int" in str(res.error)


async def test_its_documented_error_and_the_retry_policy_apply(events: EventsServer) -> None:
    events.script = [
        (503, {"code": "busy", "message": "Try again"}),
        (200, EVENTS),
        (404, {"code": "not_found", "message": "No such operation"}),
    ]
    async with core_for(events) as core:
        retried = await operations_list_events(core, {"operation_id": "op_1"})
        missing = await operations_list_events(core, {"operation_id": "op_1"})
    assert isinstance(retried, Ok), retried
    assert retried.value.http_meta.attempts == 2
    assert isinstance(missing, Err)
    assert isinstance(missing.error, ApiError)
    assert missing.error.code == "not_found"
    assert len(events.seen) == 3


async def test_a_request_with_other_keys_is_refused_before_sending(events: EventsServer) -> None:
    async with core_for(events) as core:
        res = await operations_list_events(core, {"id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    assert "listOperationEvents takes a request with exactly the keys ['operation_id']" in str(
        res.error
    )
    assert events.seen == []
