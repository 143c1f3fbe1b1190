"""The mock's capacity limit and outage window (issue 18, point 4), from Python, over
``/_mock`` and from the command line. The server's clock is a fake one wherever time
matters, so no count depends on how fast the machine is."""

from __future__ import annotations

import aiohttp
import pytest

from openapi.testing import MockServer

from ._helpers import call
from ._subprocess import cli_server
from .conftest import FakeClock


async def statuses(http: aiohttp.ClientSession, server: MockServer, count: int) -> list[int]:
    return [(await call(http, server, "GET", "/operations/op"))[0] for _ in range(count)]


async def test_the_capacity_limit_admits_rate_per_second_and_429s_the_rest(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("op", duration=None)
    fake_server.limit_capacity(3, retry_after=2)
    assert await statuses(http, fake_server, 5) == [200, 200, 200, 429, 429]
    status, headers, body = await call(http, fake_server, "GET", "/operations/op")
    assert status == 429
    assert headers["Retry-After"] == "2"
    assert body["code"] == "injected_fault"
    clock.advance(1 / 3)  # a third of a second earns one request
    assert await statuses(http, fake_server, 2) == [200, 429]
    clock.advance(60)  # never more than a second's worth saved up
    assert await statuses(http, fake_server, 4) == [200, 200, 200, 429]
    assert [entry.status for entry in fake_server.requests][-1] == 429
    last = fake_server.requests[-1].fault
    assert last is not None
    assert last.status == 429
    fake_server.limit_capacity(None)
    assert await statuses(http, fake_server, 5) == [200] * 5


async def test_an_outage_fails_every_api_request_for_its_window(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("op", duration=None)
    outage = fake_server.start_outage(30, after=5, status=502, retry_after=7)
    assert fake_server.outage == outage
    assert await statuses(http, fake_server, 1) == [200]  # not yet
    clock.advance(5)
    status, headers, _ = await call(http, fake_server, "GET", "/operations/op")
    assert status == 502
    assert headers["Retry-After"] == "7"
    cancel, _, _ = await call(http, fake_server, "POST", "/operations/op/cancel")
    assert cancel == 502
    admin, _, _ = await call(http, fake_server, "GET", "/_mock/operations/op")
    assert admin == 200  # the admin routes are never down
    clock.advance(30)
    assert await statuses(http, fake_server, 1) == [200]
    assert fake_server.outage is None


async def test_an_outage_comes_before_the_capacity_limit_and_the_fault_rules(
    fake_server: MockServer, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("op", duration=None)
    fake_server.limit_capacity(100)
    fake_server.inject(status=418, times=1)
    fake_server.start_outage(10)
    assert await statuses(http, fake_server, 2) == [503, 503]
    fake_server.end_outage()
    assert await statuses(http, fake_server, 2) == [418, 200]  # the rule's turn came


async def test_an_outage_may_drop_connections(
    fake_server: MockServer, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("op", duration=None)
    fake_server.start_outage(10, kind="drop")
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, fake_server, "POST", "/operations/op/cancel")
    assert fake_server.requests[-1].status is None  # dropped: no status was sent


@pytest.mark.parametrize(
    ("seconds", "after", "kind"), [(0, 0, "status"), (5, -1, "status"), (5, 0, "burst")]
)
def test_a_bad_outage_is_refused(seconds: float, after: float, kind: str) -> None:
    with pytest.raises(ValueError, match=r"outage|kind"):
        MockServer().start_outage(seconds, after=after, kind=kind)  # type: ignore[arg-type]


async def test_both_are_driven_over_http_and_forgotten_by_reset(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("op", duration=None)
    limit = {"rate": 1, "retry_after": 4}
    status, _, body = await call(http, fake_server, "PUT", "/_mock/capacity", json=limit)
    assert (status, body) == (200, limit)
    status, _, body = await call(http, fake_server, "GET", "/_mock/capacity")
    assert (status, body) == (200, {"rate": 1, "retry_after": 4})
    assert await statuses(http, fake_server, 2) == [200, 429]
    status, _, body = await call(http, fake_server, "PUT", "/_mock/capacity", json={"rate": 0})
    assert status == 400
    assert (await call(http, fake_server, "DELETE", "/_mock/capacity"))[0] == 204
    assert (await call(http, fake_server, "GET", "/_mock/capacity"))[2] is None
    outage = {"seconds": 20, "kind": "status", "status": 500}
    status, _, body = await call(http, fake_server, "POST", "/_mock/outage", json=outage)
    assert status == 201
    assert body["ends_in"] == 20
    assert body["status"] == 500
    assert await statuses(http, fake_server, 1) == [500]
    assert (await call(http, fake_server, "GET", "/_mock/outage"))[2]["ends_in"] == 20
    bad = {"seconds": -1}
    assert (await call(http, fake_server, "POST", "/_mock/outage", json=bad))[0] == 400
    assert (await call(http, fake_server, "DELETE", "/_mock/outage"))[0] == 204
    assert (await call(http, fake_server, "GET", "/_mock/outage"))[2] is None
    fake_server.limit_capacity(1)
    fake_server.start_outage(5)
    assert (await call(http, fake_server, "POST", "/_mock/reset"))[0] == 204
    assert fake_server.capacity is None
    assert fake_server.outage is None


async def test_the_command_line_sets_both_at_start_up() -> None:
    args = ("--port", "0", "--no-auth", "--create", "op", "--capacity", "0.001")
    async with cli_server(*args, "--capacity-retry-after", "9") as (url, _):
        async with aiohttp.ClientSession() as http:
            first = await http.get(url + "/operations/op")
            second = await http.get(url + "/operations/op")
            first.release()
            second.release()
        assert (first.status, second.status) == (200, 429)  # one token, earned back in 1000 s
        assert second.headers["Retry-After"] == "9"
    outage = ("--port", "0", "--no-auth", "--create", "op", "--outage-for", "600")
    async with (
        cli_server(*outage, "--outage-status", "504") as (url, _),
        aiohttp.ClientSession() as http,
        http.get(url + "/operations/op") as resp,
    ):
        assert resp.status == 504
