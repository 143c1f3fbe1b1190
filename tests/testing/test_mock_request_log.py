"""The request log: raw paths, decoded ids, attempts, statuses, redaction."""

from __future__ import annotations

import aiohttp
import attrs
import pytest

from openapi.testing import MockServer, RequestLogEntry

from ._helpers import call


async def test_log_records_what_was_sent(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("a/b", duration=None)
    await call(http, mock_server, "GET", "/operations/a%2Fb?x=1", headers={"X-Trace": "t1"})
    await call(http, mock_server, "GET", "/operations/a%2Fb")
    await call(http, mock_server, "POST", "/operations/a%2Fb/cancel")
    await call(http, mock_server, "GET", "/operations/a%2Fb", auth=False)

    first, second, cancel, unauth = mock_server.requests
    assert first.raw_path == "/operations/a%2Fb?x=1"
    assert (first.path, first.query, first.operation_id) == ("/operations/a/b", "x=1", "a/b")
    assert first.headers["X-Trace"] == "t1"
    assert first.headers["Authorization"] == "Bearer ***"
    assert [e.attempt for e in (first, second, unauth)] == [1, 2, 3]
    assert cancel.attempt == 1  # counted per (method, path)
    assert [e.status for e in mock_server.requests] == [200, 200, 200, 401]
    assert "Authorization" not in unauth.headers
    assert all(e.request_id.startswith("req_") for e in mock_server.requests)
    assert "test-key" not in repr(mock_server.requests)


async def test_other_credentials_are_redacted(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    await call(
        http,
        mock_server,
        "GET",
        "/operations/x",
        auth=False,
        headers={"Authorization": "sekrit", "Cookie": "a=b", "X-Api-Key": "k"},
    )
    (entry,) = mock_server.requests
    assert entry.headers["Authorization"] == "***"
    assert entry.headers["Cookie"] == "***"
    assert entry.headers["X-Api-Key"] == "***"


async def test_count_and_find(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    mock_server.create_operation("a", duration=None)
    mock_server.create_operation("b c", duration=None)
    for _ in range(3):
        await call(http, mock_server, "GET", "/operations/a")
    await call(http, mock_server, "POST", "/operations/a/cancel")
    await call(http, mock_server, "GET", "/operations/b%20c")

    assert mock_server.count() == 5
    assert mock_server.count(method="GET") == 4
    assert mock_server.count(method="get", path="/operations/a") == 3
    assert mock_server.count(path="/operations/a*") == 4
    assert mock_server.count(path="*/cancel") == 1
    assert mock_server.count(path="/operations/b c") == 1  # decoded form
    assert mock_server.count(path="/operations/b%20c") == 1  # raw form
    assert mock_server.count(operation_id="a") == 4
    assert [e.method for e in mock_server.find_requests(operation_id="a")] == ["GET"] * 3 + ["POST"]

    mock_server.clear_requests()
    assert mock_server.count() == 0
    await call(http, mock_server, "GET", "/operations/a")
    assert mock_server.requests[0].attempt == 1  # counters restart too


async def test_entries_are_immutable(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    await call(http, mock_server, "GET", "/operations/x")
    (entry,) = mock_server.requests
    assert isinstance(entry, RequestLogEntry)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.status = 500  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.headers["X-New"] = "1"  # type: ignore[index]
    mock_server.requests.clear()  # a copy: the server's log is untouched
    assert len(mock_server.requests) == 1
