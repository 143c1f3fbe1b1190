"""The retry quota of a core (issue 18, point 1): retries draw tokens from one bucket per
core, a retried timeout costs more, successes refund; an empty quota returns the error at
once; first attempts are never refused. Every test drives a real mock server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from openapi import Err, Ok, RequestTimeoutError, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer
from openapi.testing.scripted import ScriptedServer
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig, RetryQuota
from tests.fleet.conftest import API_KEY, quick
from tests.support import operation

TEN = RetryQuota(capacity=10, retry_cost=5, timeout_cost=10, success_refund=1)
"""Room for two retries (or one after a timeout)."""


@pytest.fixture
async def small(mock: MockServer) -> AsyncIterator[SDKCore]:
    """A core with a ten-token quota."""
    config = quick(quota=TEN)
    async with SDKCore(api_key=API_KEY, server_url=mock.url, retry_config=config) as c:
        yield c


async def get(core: SDKCore, operation_id: str = "op_1") -> Ok[object] | Err[object]:
    res = await operations_get_operation(core, {"operation_id": operation_id})
    return res  # type: ignore[return-value]


def test_the_defaults_are_aws_standard_modes() -> None:
    assert RetryQuota() == RetryQuota(capacity=500, retry_cost=5, timeout_cost=10, success_refund=1)
    assert RetryConfig().quota == RetryQuota()


async def test_an_empty_quota_returns_the_error_at_once_saying_so(
    mock: MockServer, small: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503)
    first = await get(small)
    # Two retries (5 tokens each) empty the bucket: the third is refused.
    assert mock.count("GET") == 3
    assert isinstance(first, Err)
    assert isinstance(first.error, SDKDefaultError)
    assert "retry quota is spent" in str(first.error)
    assert "RetryConfig(quota=None)" in str(first.error)
    second = await get(small)
    # First attempts are never refused; its retry is.
    assert mock.count("GET") == 4
    assert isinstance(second, Err)
    assert "retry quota is spent" in str(second.error)
    assert second.error.status_code == 503  # type: ignore[attr-defined]


async def test_a_retry_refunded_by_its_success_leaves_the_quota_whole(
    mock: MockServer, small: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503, times=1)
    assert isinstance(await get(small), Ok)  # one retry taken (5), then refunded
    mock.inject(status=503, times=2)
    res = await get(small)  # two retries need all ten tokens
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 3


async def test_successes_without_retries_earn_the_quota_back_one_token_each(
    mock: MockServer, small: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503, times=3)
    assert isinstance(await get(small), Err)  # empties the bucket: 3 attempts
    for _ in range(4):
        assert isinstance(await get(small), Ok)  # 4 tokens back
    mock.inject(status=503, times=1)
    refused = await get(small)
    assert isinstance(refused, Err)
    assert "retry quota is spent" in str(refused.error)
    assert isinstance(await get(small), Ok)  # the fifth token
    mock.inject(status=503, times=1)
    assert isinstance(await get(small), Ok)  # now a retry is paid for


async def test_a_retry_after_a_timeout_costs_more() -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response(operation())

    async with ScriptedServer() as server:
        server.then(stall)
        config = quick(quota=TEN)
        async with SDKCore(
            api_key=API_KEY, server_url=server.url, retry_config=config, timeout=0.2
        ) as core:
            res = await get(core)
            release.set()
        # One retry after a timeout takes all ten tokens: two attempts, not three.
        assert len(server.requests) == 2
        assert isinstance(res, Err)
        assert isinstance(res.error, RequestTimeoutError)
        assert "retry quota is spent" in str(res.error)


async def test_the_quota_is_per_core(mock: MockServer, small: SDKCore) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503, times=3)
    assert isinstance(await get(small), Err)  # this core's bucket is empty
    mock.inject(status=503, times=1)
    async with SDKCore(
        api_key=API_KEY, server_url=mock.url, retry_config=quick(quota=TEN)
    ) as other:
        assert isinstance(await get(other), Ok)  # its own bucket pays for the retry


async def test_without_a_quota_retries_go_on_as_the_budget_allows(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503)
    options = RequestOptions(retries=quick(quota=None, max_retries=30))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Err)
    assert "quota" not in str(res.error)
    assert mock.count("GET") == 31


async def test_many_calls_in_an_outage_send_little_more_than_their_first_attempts(
    mock: MockServer, small: SDKCore
) -> None:
    for index in range(50):
        mock.create_operation(f"op_{index}")
    mock.inject(status=503)
    results = await asyncio.gather(*(get(small, f"op_{index}") for index in range(50)))
    assert all(isinstance(res, Err) for res in results)
    assert mock.count("GET") == 50 + 2  # the first attempts, and the two retries paid for


@pytest.mark.parametrize("field", ["capacity", "retry_cost", "timeout_cost", "success_refund"])
@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_each_field_is_a_positive_whole_number(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match=field):
        RetryQuota(**{field: bad})  # type: ignore[arg-type]
