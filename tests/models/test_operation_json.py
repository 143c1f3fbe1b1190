"""Models as JSON (issue 15, point 3): ``Operation.to_dict`` / ``to_json`` give the API's JSON
form, ``from_dict`` / ``from_json`` read it with the very rules a response is decoded with
(the same ``ResponseValidationError``), and the round trip is exact."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openapi import SDK, Err, Operation, OperationError, OperationStatus, ResponseValidationError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import SDKError
from openapi.testing import MockServer
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig

API_KEY = "sk-operation-json"
FIELDS = {
    "id",
    "status",
    "created_at",
    "updated_at",
    "completed_at",
    "progress",
    "result",
    "error",
    "metadata",
}
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)")


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        yield mock


def assert_exact(back: Operation, op: Operation) -> None:
    """Equal, and equal in kind: the status's type, each date-time's offset."""
    assert back == op
    assert type(back.status) is type(op.status)
    for name in ("created_at", "updated_at", "completed_at"):
        mine, theirs = getattr(back, name), getattr(op, name)
        assert (mine is None) == (theirs is None)
        if mine is not None:
            assert mine.utcoffset() == theirs.utcoffset()


async def operations_from_the_server(server: MockServer) -> list[Operation]:
    ids = [
        server.create_operation(duration=None).id,
        server.create_operation(status="running", progress=0.25, metadata={"team": "a"}).id,
        server.create_operation(duration=0, result={"rows": [1, 2.5, None, "x"]}).id,
        server.create_operation(outcome="failed", duration=0, error=("boom", "It broke")).id,
        server.create_operation(status="paused-by-ops", progress=0.5).id,  # unknown to the SDK
    ]
    cancelled = server.create_operation(duration=None).id
    server.cancel(cancelled)
    ids.append(cancelled)
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        return [(await sdk.operations.get_operation(operation_id=i)).operation for i in ids]


async def test_to_dict_is_the_json_form_and_round_trips(server: MockServer) -> None:
    for op in await operations_from_the_server(server):
        data = op.to_dict()
        assert set(data) == FIELDS
        assert json.loads(json.dumps(data)) == data, "JSON-compatible as it is"
        assert type(data["status"]) is str
        assert data["status"] == str(op.status)
        assert RFC3339.fullmatch(data["created_at"]), data["created_at"]
        for name in ("updated_at", "completed_at"):
            assert data[name] is None or RFC3339.fullmatch(data[name])
        assert_exact(Operation.from_dict(data), op)
        assert_exact(Operation.from_json(op.to_json()), op)
        assert_exact(Operation.from_json(op.to_json(indent=2).encode()), op)
        assert Operation.from_dict(data).to_dict() == data


async def test_the_json_form_reads_as_the_server_sent_it(server: MockServer) -> None:
    ops = await operations_from_the_server(server)
    by_id = {op.id: op for op in ops}
    failed = next(op for op in ops if op.failed)
    assert failed.to_dict()["error"] == {"code": "boom", "message": "It broke", "details": None}
    unknown = next(op for op in ops if op.status == "paused-by-ops")
    assert unknown.to_dict()["status"] == "paused-by-ops"
    assert not Operation.from_dict(unknown.to_dict()).done
    for mock in server.operations:
        # The mock's own JSON (what it puts on the wire) is read as the SDK decoded it.
        assert_exact(Operation.from_dict(mock.to_json()), by_id[mock.id])


async def test_to_dict_is_a_copy(server: MockServer) -> None:
    op = next(op for op in await operations_from_the_server(server) if op.result is not None)
    data = op.to_dict()
    data["result"]["rows"].append("more")
    data["metadata"]["added"] = True
    assert op.result == {"rows": [1, 2.5, None, "x"]}
    assert op.metadata == {}


def test_from_dict_keeps_nothing_of_its_input() -> None:
    data: dict[str, Any] = {
        "id": "op_1",
        "status": "succeeded",
        "created_at": "2026-12-01T10:00:00Z",
        "result": {"rows": [1]},
        "metadata": {"team": "a"},
        "something_new": 1,  # unknown fields are ignored, as in a response
    }
    op = Operation.from_dict(data)
    data["result"]["rows"].append(2)
    data["metadata"]["team"] = "b"
    assert op.result == {"rows": [1]}
    assert op.metadata == {"team": "a"}
    assert op.status is OperationStatus.SUCCEEDED
    assert op.created_at == datetime(2026, 12, 1, 10, tzinfo=UTC)


VALID: dict[str, Any] = {"id": "op_1", "status": "running", "created_at": "2026-12-01T10:00:00Z"}
INVALID: list[tuple[dict[str, Any], str]] = [
    ({"status": "running", "created_at": "2026-12-01T10:00:00Z"}, "$.id"),
    ({**VALID, "status": 3}, "$.status"),
    ({**VALID, "created_at": "yesterday"}, "$.created_at"),
    ({**VALID, "progress": 1.5}, "$.progress"),
    ({**VALID, "progress": "half"}, "$.progress"),
    ({**VALID, "error": {"code": "x"}}, "$.error"),
    ({**VALID, "metadata": [1]}, "$.metadata"),
]


@pytest.mark.parametrize(("data", "path"), INVALID)
async def test_from_dict_refuses_what_a_response_would_be_refused_for(
    server: MockServer, data: dict[str, Any], path: str
) -> None:
    with pytest.raises(ResponseValidationError, match=re.escape(path)) as raised:
        Operation.from_dict(data)
    error = raised.value
    assert error.__cause__ is not None
    assert "Operation.to_dict()" in str(error), "it says what to pass instead"
    assert (error.status_code, error.http_meta.attempts, error.headers) == (0, 0, {})
    # The same body from the server is the same class, for the same reason.
    op = server.create_operation(duration=None)
    server.inject(status=200, times=1, body=data)
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        res = await operations_get_operation(
            core, {"operation_id": op.id}, RequestOptions(retries=RetryConfig.none())
        )
    assert isinstance(res, Err)
    assert type(res.error) is type(error)
    assert path in str(res.error)


@pytest.mark.parametrize(
    "data",
    [
        {**VALID, "created_at": datetime(2026, 12, 1, tzinfo=UTC)},  # the JSON form is a string
        {**VALID, "result": {1, 2}},
        ["id", "op_1"],
    ],
)
def test_from_dict_refuses_what_is_not_json_data(data: Any) -> None:
    with pytest.raises(ResponseValidationError) as raised:
        Operation.from_dict(data)
    assert isinstance(raised.value, SDKError)
    assert isinstance(raised.value.__cause__, TypeError)


@pytest.mark.parametrize("text", ["", "{", "[1]", b"\xff", '{"id": "op_1"}'])
def test_from_json_refuses_what_is_not_an_operation(text: str | bytes) -> None:
    with pytest.raises(ResponseValidationError):
        Operation.from_json(text)


# --- the exact round trip, for any valid operation ----------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=OFFSETS
)
STATUSES = st.sampled_from(list(OperationStatus)) | st.text(min_size=1, max_size=12).filter(
    lambda s: s not in {status.value for status in OperationStatus}
)
OPERATIONS = st.builds(
    Operation,
    id=st.text(max_size=20),
    status=STATUSES,
    created_at=MOMENTS,
    updated_at=st.none() | MOMENTS,
    completed_at=st.none() | MOMENTS,
    progress=st.none() | st.floats(0, 1),
    result=JSON_VALUES,
    error=st.none()
    | st.builds(
        OperationError, code=st.text(max_size=8), message=st.text(max_size=8), details=JSON_VALUES
    ),
    metadata=st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPERATIONS)  # no deadline: a busy machine is slow, not wrong
def test_any_operation_round_trips_exactly(op: Operation) -> None:
    data = op.to_dict()
    assert_exact(Operation.from_dict(data), op)
    assert_exact(Operation.from_json(op.to_json()), op)
    assert Operation.from_dict(data).to_dict() == data
    assert json.loads(op.to_json()) == data
