"""Redirects, followed by the SDK itself: no silent method change, no credentials abroad.

Two raw servers stand for two origins; each records the method, target and headers of every
request it got, so the tests assert on what really went over the wire.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import aiohttp
import pytest

from openapi import Err, Ok
from openapi.models.errors import SDKDefaultError
from openapi.utils.options import RequestOptions
from tests.hostile._calls import SECRET_KEY, call_once
from tests.hostile._raw import RawRequest, RawServer, Script, answer, respond

BEARER = f"Bearer {SECRET_KEY}"


def redirect(status: int, location: Callable[[RawRequest], str]) -> Script:
    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(
            respond(
                b"moved",
                status=f"{status} Moved",
                headers={"Location": location(request), "Content-Type": "text/plain"},
            )
        )

    return script


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_a_cancel_is_never_re_sent_as_get(status: int) -> None:
    async with RawServer(answer()) as target:
        elsewhere = f"{target.url}/elsewhere"
        async with RawServer(redirect(status, lambda r: elsewhere)) as server:
            res = await call_once(server.url, "cancel")
    assert isinstance(res, Err)
    assert type(res.error) is SDKDefaultError
    assert res.error.status_code == status
    assert repr(elsewhere) in str(res.error), "the message names the Location"
    assert "never re-sent as GET" in str(res.error)
    assert [(r.method, r.target) for r in server.requests] == [("POST", "/operations/op_1/cancel")]
    assert target.requests == [], "nothing followed the redirect"


@pytest.mark.parametrize("status", [307, 308])
async def test_a_cancel_follows_307_and_308_as_post(status: int) -> None:
    async with RawServer(answer()) as target:
        moved = target.url + "/v2"
        async with RawServer(redirect(status, lambda r: f"{moved}{r.target}")) as server:
            res = await call_once(server.url, "cancel")
    assert isinstance(res, Ok), res
    assert res.value.http_meta.url == f"{moved}/operations/op_1/cancel"
    assert [(r.method, r.target) for r in target.requests] == [
        ("POST", "/v2/operations/op_1/cancel")
    ]
    assert "authorization" not in target.requests[0].headers  # another origin (port)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_get_follows_up_to_ten_redirects(status: int) -> None:
    def hop(request: RawRequest) -> str:
        step = int(request.target.rsplit("/", 1)[-1]) if "/hop/" in request.target else 0
        return f"/hop/{step + 1}"

    async def ten_then_answer(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        if request.target == "/hop/10":
            await answer()(request, writer)
        else:
            await redirect(status, hop)(request, writer)

    async with RawServer(ten_then_answer) as server:
        res = await call_once(server.url)
        assert isinstance(res, Ok), res
        assert res.value.http_meta.url == f"{server.url}/hop/10"
    assert len(server.requests) == 11
    assert {r.method for r in server.requests} == {"GET"}
    assert all(r.headers["authorization"] == BEARER for r in server.requests)  # same origin


async def test_an_eleventh_redirect_is_default_error_naming_the_location() -> None:
    async with RawServer(redirect(302, lambda r: r.target)) as server:
        res = await call_once(server.url)
    assert isinstance(res, Err)
    assert type(res.error) is SDKDefaultError
    assert "more than 10 redirects" in str(res.error)
    assert "'/operations/op_1'" in str(res.error)
    assert len(server.requests) == 11


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "http://127.0.0.1:99999/x",
        "ftp://127.0.0.1/x",
        "http://",
        "http://[::1",
    ],
)
@pytest.mark.parametrize("status", [302, 307])
async def test_a_location_that_is_not_an_http_url_is_default_error(
    location: str, status: int
) -> None:
    async with RawServer(redirect(status, lambda r: location)) as server:
        for endpoint in ("get", "cancel"):
            res = await call_once(server.url, endpoint)
            assert isinstance(res, Err)
            assert type(res.error) is SDKDefaultError, res.error
            assert repr(location) in str(res.error)
    assert len(server.requests) == 2


async def test_credentials_never_cross_origins_even_when_the_chain_comes_back() -> None:
    # home -> abroad -> home: once a hop left the origin, credentials stay off (as in aiohttp).
    abroad_url = ""

    async def home_script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        if request.target == "/back":
            await answer()(request, writer)
        else:
            await redirect(307, lambda r: f"{abroad_url}/away")(request, writer)

    async with (
        RawServer(home_script) as home,
        RawServer(redirect(307, lambda r: f"{home.url}/back")) as abroad,
    ):
        abroad_url = abroad.url
        options = RequestOptions(headers={"Cookie": "session=s3cr3t"})
        res = await call_once(home.url, options=options)
    assert isinstance(res, Ok), res
    first, last = home.requests
    assert (first.headers["authorization"], first.headers["cookie"]) == (BEARER, "session=s3cr3t")
    assert [r.target for r in (*abroad.requests, last)] == ["/away", "/back"]
    for seen in (*abroad.requests, last):
        assert "authorization" not in seen.headers
        assert "cookie" not in seen.headers


async def test_a_session_whose_defaults_carry_credentials_is_not_redirected_abroad() -> None:
    # aiohttp merges a session's default headers into every request, and the SDK cannot take
    # one out again: such a redirect is refused rather than followed with the credentials.
    async with (
        RawServer(answer()) as abroad,
        RawServer(redirect(302, lambda r: f"{abroad.url}/x")) as server,
        aiohttp.ClientSession(headers={"Authorization": BEARER}) as session,
    ):
        res = await call_once(server.url, session=session)
    assert isinstance(res, Err)
    assert type(res.error) is SDKDefaultError
    assert "default headers carry credentials" in str(res.error)
    assert abroad.requests == []
