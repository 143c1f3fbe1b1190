"""Fault injection: each kind, matching, expiry by count, seeded probability."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from openapi.testing import FaultRule, MockServer
from tests.events import TICK, until

from ._helpers import call, url
from .conftest import MakeServer


@pytest.fixture
def op(mock_server: MockServer) -> str:
    return mock_server.create_operation("op", duration=None).id


async def statuses(http: aiohttp.ClientSession, server: MockServer, n: int, path: str) -> list[int]:
    return [(await call(http, server, "GET", path))[0] for _ in range(n)]


async def test_status_twice_then_normal(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    rule = mock_server.inject(status=503, times=2)
    assert await statuses(http, mock_server, 4, "/operations/op") == [503, 503, 200, 200]
    assert mock_server.faults == []  # expired after two firings
    entries = mock_server.requests
    assert [e.fault for e in entries] == [rule, FaultRule(status=503, times=1), None, None]
    assert [e.attempt for e in entries] == [1, 2, 3, 4]
    assert [e.status for e in entries] == [503, 503, 200, 200]


async def test_faults_list_shows_remaining_times(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=500, times=3)
    await call(http, mock_server, "GET", "/operations/op")
    assert [rule.times for rule in mock_server.faults] == [2]
    mock_server.clear_faults()
    assert mock_server.faults == []
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 200


async def test_default_status_body_is_api_error(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=502, times=1)
    status, headers, body = await call(http, mock_server, "GET", "/operations/op")
    assert status == 502
    assert body["code"] == "injected_fault"
    assert body["request_id"] == headers["X-Request-Id"]


async def test_status_with_custom_bodies_and_headers(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=500, body="upstream exploded", times=1)
    mock_server.inject(status=418, body={"teapot": True}, headers={"X-Extra": "1"}, times=1)
    mock_server.inject(status=500, body="<p>x</p>", content_type="text/html", times=1)
    mock_server.inject(status=204, times=1)

    status, headers, body = await call(http, mock_server, "GET", "/operations/op")
    assert (status, headers["Content-Type"], body) == (500, "text/plain", "upstream exploded")
    status, headers, body = await call(http, mock_server, "GET", "/operations/op")
    assert (status, body, headers["X-Extra"]) == (418, {"teapot": True}, "1")
    status, headers, body = await call(http, mock_server, "GET", "/operations/op")
    assert (status, headers["Content-Type"], body) == (500, "text/html", "<p>x</p>")
    status, _, body = await call(http, mock_server, "GET", "/operations/op")
    assert (status, body) == (204, "")


async def test_retry_after_seconds(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=429, retry_after=3, times=1)
    status, headers, _ = await call(http, mock_server, "GET", "/operations/op")
    assert (status, headers["Retry-After"]) == (429, "3")


async def test_retry_after_http_date(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    mock_server.inject(status=503, retry_after=when, times=1)
    status, headers, _ = await call(http, mock_server, "GET", "/operations/op")
    assert status == 503
    value = headers["Retry-After"]
    assert value.endswith(" GMT")
    assert abs((parsedate_to_datetime(value) - when).total_seconds()) < 1


async def test_delay_then_normal_answer(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    rule = mock_server.inject("delay", delay=0.3, times=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, _, body = await call(http, mock_server, "GET", "/operations/op")
    assert loop.time() - started >= 0.3 - TICK
    assert (status, body["id"]) == (200, "op")
    assert mock_server.faults == []  # expired
    await call(http, mock_server, "GET", "/operations/op")
    assert [entry.fault for entry in mock_server.requests] == [rule, None]


async def test_delay_trips_client_timeout_and_close_is_prompt(
    make_server: MakeServer, http: aiohttp.ClientSession
) -> None:
    server = await make_server()
    server.create_operation("op")
    server.inject("delay", delay=30, times=1)
    with pytest.raises(asyncio.TimeoutError):
        await http.get(url(server, "/operations/op"), timeout=aiohttp.ClientTimeout(total=0.2))
    # The slow request is logged at once, before it is answered.
    (entry,) = server.requests
    assert (entry.status, entry.fault is not None) == (None, True)
    started = time.monotonic()
    await server.close()  # must not wait for the 30 s sleep
    assert time.monotonic() - started < 10
    assert asyncio.all_tasks() == {asyncio.current_task()}  # nothing left running


async def test_status_fault_combined_with_delay(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=504, delay=0.2, times=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 504
    assert loop.time() - started >= 0.2 - TICK


async def test_drop_connection(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    # times=2: aiohttp's ClientSession silently resends an idempotent request (GET) once
    # when the server disconnects, so a single drop would be invisible to it.
    mock_server.inject("drop", times=2)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, mock_server, "GET", "/operations/op")
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 200
    first, second, third = mock_server.requests
    assert [e.attempt for e in (first, second, third)] == [1, 2, 3]
    assert (first.status, first.fault and first.fault.kind) == (None, "drop")
    assert (second.status, second.fault and second.fault.kind) == (None, "drop")
    assert (third.status, third.fault) == (200, None)


async def test_single_drop_is_hidden_by_aiohttp_resend(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    # Documents the aiohttp behaviour above: the fault fired, but the GET still succeeded.
    mock_server.inject("drop", times=1)
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 200
    assert [e.status for e in mock_server.requests] == [None, 200]


async def test_drop_is_a_client_connection_error_for_post(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject("drop", method="POST")
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, mock_server, "POST", "/operations/op/cancel")
    assert mock_server.get_operation("op").status == "queued"  # never reached the handler


async def test_malformed_json(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject("malformed_json", times=1)
    async with http.get(url(mock_server, "/operations/op"), headers=mock_server.auth_headers) as r:
        assert r.status == 200
        assert r.content_type == "application/json"
        with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
            await r.json()


async def test_wrong_content_type(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject("wrong_content_type", times=1)
    mock_server.inject("wrong_content_type", status=502, times=1)
    async with http.get(url(mock_server, "/operations/op"), headers=mock_server.auth_headers) as r:
        assert (r.status, r.content_type) == (200, "text/html")
        assert "<html>" in await r.text()
        with pytest.raises(aiohttp.ContentTypeError):
            await r.json()
    status, headers, _ = await call(http, mock_server, "GET", "/operations/op")
    assert (status, headers["Content-Type"]) == (502, "text/html")


async def test_matching_by_method_path_and_id(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("a/b", duration=None)
    mock_server.create_operation("c", duration=None)
    mock_server.inject(status=500, method="post")
    mock_server.inject(status=501, path="/operations/a/b")  # decoded form matches
    mock_server.inject(status=502, operation_id="c", method="GET")
    assert (await call(http, mock_server, "POST", "/operations/c/cancel"))[0] == 500
    assert (await call(http, mock_server, "GET", "/operations/a%2Fb"))[0] == 501
    assert (await call(http, mock_server, "GET", "/operations/c"))[0] == 502
    assert (await call(http, mock_server, "GET", "/operations/other"))[0] == 404


async def test_glob_on_raw_path(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    mock_server.create_operation("a/b", duration=None)
    mock_server.inject(status=503, path="/operations/a%2F*")
    assert (await call(http, mock_server, "GET", "/operations/a%2Fb"))[0] == 503
    mock_server.clear_faults()
    mock_server.inject(status=503, path="*/cancel")
    assert (await call(http, mock_server, "GET", "/operations/a%2Fb"))[0] == 200
    assert (await call(http, mock_server, "POST", "/operations/a%2Fb/cancel"))[0] == 503


async def test_first_matching_rule_wins(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=500, times=1)
    mock_server.inject(status=503, times=1)
    assert await statuses(http, mock_server, 3, "/operations/op") == [500, 503, 200]


async def test_admin_routes_are_never_faulted(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.inject(status=503)
    mock_server.inject("drop")
    assert (await call(http, mock_server, "GET", "/_mock/faults"))[0] == 200


async def test_seeded_probability_is_reproducible(
    make_server: MakeServer, http: aiohttp.ClientSession
) -> None:
    runs: list[list[int]] = []
    for _ in range(2):
        server = await make_server(seed=1234)
        server.create_operation("op", duration=None)
        server.inject(status=503, probability=0.3)
        runs.append(await statuses(http, server, 60, "/operations/op"))
    assert runs[0] == runs[1]
    faulted = runs[0].count(503)
    assert 5 <= faulted <= 35  # roughly 30 %, and neither never nor always
    assert set(runs[0]) == {200, 503}


async def test_reset_restarts_the_random_sequence(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    runs: list[list[int]] = []
    for _ in range(2):
        mock_server.reset()
        mock_server.create_operation("op", duration=None)
        mock_server.inject(status=503, probability=0.5)
        runs.append(await statuses(http, mock_server, 20, "/operations/op"))
    assert runs[0] == runs[1]


async def test_probability_with_times(
    mock_server: MockServer, http: aiohttp.ClientSession, op: str
) -> None:
    mock_server.inject(status=503, probability=0.5, times=2)
    results = await statuses(http, mock_server, 40, "/operations/op")
    assert results.count(503) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "explode"},
        {"status": 99},
        {"status": 600},
        {"times": 0},
        {"probability": 1.5},
        {"delay": -1},
    ],
)
def test_invalid_rules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  # attrs validators raise plain ValueError
        FaultRule(**kwargs)  # type: ignore[arg-type]


async def test_close_with_a_request_in_flight(
    make_server: MakeServer, http: aiohttp.ClientSession
) -> None:
    server = await make_server()
    server.create_operation("op")
    server.inject("delay", delay=30, method="POST")
    pending = asyncio.ensure_future(call(http, server, "POST", "/operations/op/cancel"))
    await until(lambda: bool(server.requests), "the request to arrive")
    started = time.monotonic()
    await server.close()
    assert time.monotonic() - started < 10  # not the 30 s delay
    with pytest.raises(aiohttp.ClientConnectionError):
        await pending
    assert asyncio.all_tasks() == {asyncio.current_task()}
    (entry,) = server.requests
    assert entry.status is None  # never answered
