"""The /_mock admin routes: drive the server over HTTP (no auth needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import pytest

from openapi.testing import MockServer

from ._helpers import call


async def admin(
    http: aiohttp.ClientSession, server: MockServer, method: str, path: str, json: object = None
) -> tuple[int, Any]:
    status, headers, body = await call(http, server, method, path, auth=False, json=json)
    assert headers["X-Request-Id"].startswith("req_")
    return status, body


async def test_create_and_drive_over_http(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    status, body = await admin(
        http,
        mock_server,
        "POST",
        "/_mock/operations",
        {"id": "h/1", "duration": None, "metadata": {"k": "v"}},
    )
    assert status == 201
    assert body == mock_server.get_operation("h/1").to_json()

    status, body = await admin(
        http,
        mock_server,
        "POST",
        "/_mock/operations/h%2F1/status",
        {"status": "running", "progress": 0.3},
    )
    assert status == 200
    assert mock_server.get_operation("h/1").progress == 0.3

    status, body = await admin(
        http, mock_server, "POST", "/_mock/operations/h%2F1/complete", {"result": [1, 2]}
    )
    assert (status, mock_server.get_operation("h/1").result) == (200, [1, 2])

    status, body = await admin(
        http,
        mock_server,
        "POST",
        "/_mock/operations/h%2F1/fail",
        {"code": "boom", "message": "broke", "details": {"x": 1}},
    )
    assert status == 200
    error = mock_server.get_operation("h/1").error
    assert error is not None
    assert (error.code, error.message, error.details) == ("boom", "broke", {"x": 1})

    status, body = await admin(http, mock_server, "GET", "/_mock/operations/h%2F1")
    assert status == 200
    status, body = await admin(http, mock_server, "GET", "/_mock/operations")
    assert [op["id"] for op in body] == ["h/1"]


async def test_create_with_defaults_and_outcome(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    status, body = await admin(http, mock_server, "POST", "/_mock/operations")
    assert status == 201
    assert body["status"] == "queued"
    status, body = await admin(
        http,
        mock_server,
        "POST",
        "/_mock/operations",
        {"outcome": "failed", "duration": 0, "error": ["e", "m"]},
    )
    assert (body["status"], body["error"]) == ("failed", {"code": "e", "message": "m"})


@pytest.mark.parametrize(
    ("path", "payload", "expected"),
    [
        ("/_mock/operations", {"nope": 1}, 400),
        ("/_mock/operations", {"duration": "slow"}, 400),
        ("/_mock/operations", {"outcome": "maybe"}, 400),
        ("/_mock/operations", {"id": ""}, 400),
        ("/_mock/operations", {"error": {"code": 1}}, 400),
        ("/_mock/operations/missing/complete", {}, 404),
        ("/_mock/operations/missing/status", {"status": "running"}, 404),
        ("/_mock/operations/x/status", {}, 400),
        ("/_mock/faults", {"kind": "explode"}, 400),
        ("/_mock/faults", {"times": True}, 400),
        ("/_mock/faults", {"whatever": 1}, 400),
    ],
)
async def test_bad_admin_requests(
    mock_server: MockServer,
    http: aiohttp.ClientSession,
    path: str,
    payload: object,
    expected: int,
) -> None:
    mock_server.create_operation("x", duration=None)
    status, body = await admin(http, mock_server, "POST", path, payload)
    assert status == expected
    assert {"code", "message", "request_id"} <= set(body)


async def test_bad_json_and_duplicates(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(mock_server.url + "/_mock/operations", data=b"{oops") as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == "invalid_json"
    async with http.post(mock_server.url + "/_mock/operations", json=[1]) as resp:
        assert resp.status == 400
    await admin(http, mock_server, "POST", "/_mock/operations", {"id": "d"})
    status, _ = await admin(http, mock_server, "POST", "/_mock/operations", {"id": "d"})
    assert status == 409


async def test_faults_over_http(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    mock_server.create_operation("op", duration=None)
    status, body = await admin(
        http,
        mock_server,
        "POST",
        "/_mock/faults",
        {"status": 503, "times": 2, "method": "GET", "path": "/operations/op", "retry_after": 1},
    )
    assert status == 201
    assert (body["kind"], body["status"], body["times"]) == ("status", 503, 2)

    status, headers, _ = await call(http, mock_server, "GET", "/operations/op")
    assert (status, headers["Retry-After"]) == (503, "1")

    status, body = await admin(http, mock_server, "GET", "/_mock/faults")
    assert [rule["times"] for rule in body] == [1]

    assert (await admin(http, mock_server, "DELETE", "/_mock/faults"))[0] == 204
    assert mock_server.faults == []
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 200


async def test_fault_over_http_with_http_date(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("op", duration=None)
    await admin(
        http, mock_server, "POST", "/_mock/faults", {"status": 429, "retry_after_date_in": 60}
    )
    _, headers, _ = await call(http, mock_server, "GET", "/operations/op")
    delta = parsedate_to_datetime(headers["Retry-After"]) - datetime.now(UTC)
    assert 55 < delta.total_seconds() <= 61


async def test_every_kind_over_http(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    for rule in (
        {"kind": "drop", "times": 1, "method": "POST"},
        {"kind": "delay", "delay": 0.05, "times": 1},
        {"kind": "malformed_json", "times": 1, "body": "{nope"},
        {"kind": "wrong_content_type", "times": 1, "status": 502},
        {"status": 500, "body": {"x": 1}, "headers": {"X-A": "b"}, "times": 1},
    ):
        status, _ = await admin(http, mock_server, "POST", "/_mock/faults", rule)
        assert status == 201
    assert [rule.kind for rule in mock_server.faults] == [
        "drop",
        "delay",
        "malformed_json",
        "wrong_content_type",
        "status",
    ]


async def test_request_log_and_reset_over_http(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("op", duration=None)
    await call(http, mock_server, "GET", "/operations/op")
    status, body = await admin(http, mock_server, "GET", "/_mock/requests")
    assert status == 200
    (entry,) = body  # admin requests themselves are not logged
    assert entry["raw_path"] == "/operations/op"
    assert entry["headers"]["Authorization"] == "Bearer ***"
    assert "test-key" not in str(body)

    assert (await admin(http, mock_server, "DELETE", "/_mock/requests"))[0] == 204
    assert mock_server.requests == []

    mock_server.inject(status=500)
    await call(http, mock_server, "GET", "/operations/op")
    assert (await admin(http, mock_server, "POST", "/_mock/reset"))[0] == 204
    assert (mock_server.operations, mock_server.faults, mock_server.requests) == ([], [], [])


async def test_unknown_admin_route(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    status, _ = await admin(http, mock_server, "GET", "/_mock/whatever")
    assert status == 404
    status, _ = await admin(http, mock_server, "GET", "/_mock/reset")
    assert status == 405


async def test_create_driven_by_polls_over_http(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    status, _ = await admin(http, mock_server, "POST", "/_mock/operations", {"id": "p", "polls": 2})
    assert status == 201
    assert mock_server.get_operation("p").status == "queued"
    _, _, first = await call(http, mock_server, "GET", "/operations/p")
    _, _, second = await call(http, mock_server, "GET", "/operations/p")
    assert (first["status"], second["status"]) == ("running", "succeeded")
    status, body = await admin(http, mock_server, "POST", "/_mock/operations", {"polls": "2"})
    assert status == 400
    assert "polls" in body["message"]
