"""Configuration problems come back as ``Err(InvalidRequestError)`` and send nothing."""

from __future__ import annotations

import asyncio
import threading

import pytest

from openapi import Err, InvalidRequestError, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.support import ScriptedServer, json_response, operation


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAPI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAPI_SERVER_URL", raising=False)


async def refused(core: SDKCore) -> InvalidRequestError:
    res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    return res.error


async def test_missing_key_says_how_to_set_it(server: ScriptedServer) -> None:
    async with SDKCore(server_url=server.url) as core:
        error = await refused(core)
    assert "api_key=" in str(error)
    assert "OPENAPI_API_KEY" in str(error)
    assert server.requests == []


async def test_missing_server_url_says_how_to_set_it() -> None:
    async with SDKCore(api_key="k") as core:
        error = await refused(core)
    assert "server_url=" in str(error)
    assert "OPENAPI_SERVER_URL" in str(error)


@pytest.mark.parametrize(
    "url", ["ops.example.com", "ftp://ops.example.com", "https://", "https://h/?q=1"]
)
async def test_malformed_server_urls(url: str) -> None:
    async with SDKCore(api_key="k", server_url=url) as core:
        error = await refused(core)
    assert repr(url) in str(error)


@pytest.mark.parametrize(
    "url", ["https://user:hunter2@ops.example.com", "https://hunter2@ops.example.com/v1"]
)
async def test_credentials_in_server_url_are_refused_without_echoing_them(url: str) -> None:
    async with SDKCore(api_key="k", server_url=url) as core:
        error = await refused(core)
    assert "credentials" in str(error)
    assert "***@ops.example.com" in str(error)
    assert "hunter2" not in str(error)


async def test_plain_http_to_remote_host_is_refused() -> None:
    async with SDKCore(api_key="k", server_url="http://ops.example.com") as core:
        error = await refused(core)
    assert "allow_insecure_http=True" in str(error)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.5.5.5", "[::1]"])
async def test_plain_http_to_loopback_is_allowed(host: str) -> None:
    async with SDKCore(
        api_key="k", server_url=f"http://{host}:9", retry_config=RetryConfig.none()
    ) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    # Nothing listens on port 9: the call was attempted, so the URL was accepted.
    assert isinstance(res, Err)
    assert not isinstance(res.error, InvalidRequestError)


async def test_insecure_http_opt_in(server: ScriptedServer) -> None:
    # The opt-in is what lets a non-loopback http:// URL through; loopback needs no opt-in.
    async with SDKCore(
        api_key="k", server_url="http://ops.example.com", allow_insecure_http=True
    ) as core:
        assert isinstance(core.server_url(), Ok)


async def test_core_is_bound_to_its_first_loop(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    core = SDKCore(api_key="k", server_url=server.url)
    first = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(first, Ok)
    outcome: list[object] = []

    def other_thread() -> None:
        async def use() -> object:
            return await operations_get_operation(core, {"operation_id": "op_1"})

        outcome.append(asyncio.run(use()))

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(5)
    await core.aclose()
    (second,) = outcome
    assert isinstance(second, Err)
    assert "one SDKCore per event loop" in str(second.error)
    assert len(server.requests) == 1


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_a_timeout_must_be_positive(bad: float) -> None:
    # Refused when configured, like RetryConfig's intervals: a zero or negative deadline
    # would fail every call later with a misleading RequestTimeoutError.
    # (Every other bad value: tests/hostile/test_settings.py.)
    with pytest.raises(ValueError, match=r"'timeout' must be"):
        SDKCore(api_key="k", server_url="https://ops.example.com", timeout=bad)
    with pytest.raises(ValueError, match=r"'timeout' must be"):
        RequestOptions(timeout=bad)


def test_timeouts_accept_ints() -> None:
    core = SDKCore(api_key="k", server_url="https://ops.example.com", timeout=5)
    assert core.config.timeout == 5.0
    assert RequestOptions(timeout=2).timeout == 2.0
    assert RequestOptions().timeout is None
