"""The facade restates nothing: ``SDK`` takes ``SDKCore``'s ``CoreSettings``, its methods take
``CallOptions`` / ``PollOptions`` (the keyword form of ``RequestOptions``), and each still
reaches the call it forwards to, against the real mock server."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any, Unpack

import attrs
import pytest

from openapi import SDK, RequestTimeoutError, RetryConfig, SDKDefaultError, WaitTimeoutError
from openapi._settings import CORE_SETTINGS
from openapi._waiting._args import WAIT_MANY_ARGUMENTS, WaitManyArguments, WaitManyKeywords
from openapi.core import CoreSettings, SDKConfig, SDKCore
from openapi.sdk import Operations
from openapi.testing import MockServer
from openapi.utils.options import CallOptions, PollOptions, RequestOptions
from tests.waiting.support import FAST

API_KEY = "sk-facade-tests"
ONCE = RetryConfig.none()
NOWHERE = "http://127.0.0.1:9"
"""The SDK's configured server when each call names its own: reaching it would fail."""


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as mock:
        yield mock


# --- one declaration ------------------------------------------------------------------------


def _keywords(function: Any) -> tuple[set[str], list[object]]:
    parameters = inspect.signature(function, eval_str=True).parameters.values()
    named = {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}
    rest = [p.annotation for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
    return named, rest


def test_the_constructors_share_one_declaration_of_the_settings() -> None:
    # max_retries is a shortcut folded into SDKConfig.retry_config, not a field of its own.
    shortcuts = {"api_key", "session", "max_retries"}
    declared = {field.name for field in attrs.fields(SDKConfig)} | shortcuts
    assert declared == CORE_SETTINGS
    assert _keywords(SDKCore.__init__) == (set(), [Unpack[CoreSettings]])
    assert _keywords(SDK.__init__) == ({"core"}, [Unpack[CoreSettings]])


def test_the_call_options_are_request_options_as_keywords() -> None:
    fields = {field.name for field in attrs.fields(RequestOptions)}
    assert CallOptions.__optional_keys__ == fields
    assert PollOptions.__optional_keys__ == fields - {"timeout"} | {"request_timeout"}


@pytest.mark.parametrize(
    ("method", "options"),
    [
        ("get_operation", CallOptions),
        ("cancel_operation", CallOptions),
        ("wait", PollOptions),
        ("wait_many", WaitManyKeywords),
        ("watch", PollOptions),
    ],
)
def test_each_method_takes_the_options_once(method: str, options: Any) -> None:
    named, rest = _keywords(getattr(Operations, method))
    assert rest == [Unpack[options]]
    assert not named & options.__optional_keys__


def test_wait_many_declares_its_arguments_once() -> None:
    from openapi.funcs.operations_wait import operations_wait_many

    # The facade's keywords are the function's arguments plus the polls' options, and the
    # function and ``WaitMany`` take the one ``WaitManyArguments`` declaration.
    assert WaitManyKeywords.__optional_keys__ == WAIT_MANY_ARGUMENTS | PollOptions.__optional_keys__
    assert {
        "concurrency",
        "timeout",
        "poll_interval",
        "cancel_on_timeout",
        "cancel_grace",
    } == WAIT_MANY_ARGUMENTS
    assert _keywords(operations_wait_many) == ({"options"}, [Unpack[WaitManyArguments]])


# --- what the type checkers cannot refuse, the run time does ----------------------------------


async def test_a_core_with_settings_is_refused(server: MockServer) -> None:
    async with SDKCore(api_key=API_KEY, server_url=server.url) as core:
        with pytest.raises(TypeError, match=r"takes no other setting \(got api_key, timeout\)"):
            SDK(core=core, api_key="another-key", timeout=5)
        assert not core.closed


@pytest.mark.parametrize("make", [SDK, SDKCore])
def test_a_misspelt_setting_is_a_type_error(make: Any) -> None:
    name = make.__name__
    with pytest.raises(
        TypeError, match=rf"^{name}\(\) got an unexpected keyword argument 'api_kye'"
    ):
        make(api_kye=API_KEY)


async def test_a_misspelt_option_is_a_type_error_and_sends_nothing(server: MockServer) -> None:
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        ops: Any = sdk.operations  # the misspellings below are what the type checkers refuse
        with pytest.raises(TypeError, match=r"get_operation\(\) .* 'request_timeout'"):
            await ops.get_operation(operation_id="op", request_timeout=1)
        with pytest.raises(TypeError, match=r"cancel_operation\(\) .* 'retry'"):
            await ops.cancel_operation(operation_id="op", retry=ONCE)
        with pytest.raises(TypeError, match=r"wait\(\) .* 'header'"):
            await ops.wait(operation_id="op", header={})
        with pytest.raises(TypeError, match=r"wait_many\(\) .* 'server'"):
            ops.wait_many(["op"], server=server.url)
        with pytest.raises(TypeError, match=r"watch\(\) .* 'timeout_per_attempt'"):
            async for _ in ops.watch(operation_id="op", timeout_per_attempt=1):
                pass
    assert server.requests == []


# --- the options reach the call --------------------------------------------------------------


def _headers_seen(server: MockServer, method: str, operation_id: str) -> set[str | None]:
    return {
        entry.headers.get("X-Trace")
        for entry in server.find_requests(method, operation_id=operation_id)
    }


async def test_call_options_reach_the_request(server: MockServer) -> None:
    server.create_operation("op", status="running")
    async with SDK(api_key=API_KEY, server_url=NOWHERE) as sdk:
        got = await sdk.operations.get_operation(
            operation_id="op", server_url=server.url, headers={"X-Trace": "get"}, timeout=5
        )
        assert got.operation.id == "op"
        await sdk.operations.cancel_operation(
            operation_id="op", server_url=server.url, headers={"X-Trace": "cancel"}
        )
        assert _headers_seen(server, "GET", "op") == {"get"}
        assert _headers_seen(server, "POST", "op") == {"cancel"}

        server.inject(status=503, times=1)
        with pytest.raises(SDKDefaultError):  # retried by default; not with retries=ONCE
            await sdk.operations.get_operation(
                operation_id="op", server_url=server.url, retries=ONCE
            )

        server.inject("delay", delay=3, times=1)
        with pytest.raises(RequestTimeoutError):
            await sdk.operations.get_operation(
                operation_id="op", server_url=server.url, retries=ONCE, timeout=0.2
            )


async def test_request_timeout_is_per_poll_and_timeout_the_whole_wait(server: MockServer) -> None:
    server.create_operation("slow", polls=3)
    server.inject("delay", delay=3, times=1, method="GET")
    server.create_operation("stuck", duration=None)
    async with SDK(api_key=API_KEY, server_url=server.url) as sdk:
        with pytest.raises(RequestTimeoutError):
            await sdk.operations.wait(
                operation_id="slow", timeout=30, request_timeout=0.2, retries=ONCE
            )
        with pytest.raises(WaitTimeoutError):
            await sdk.operations.wait(
                operation_id="stuck", timeout=0.3, request_timeout=5, poll_interval=FAST
            )


async def test_poll_options_reach_every_poll(server: MockServer) -> None:
    server.create_operation("one", polls=2)
    server.create_operation("many", polls=2)
    server.create_operation("watched", polls=2)
    async with SDK(api_key=API_KEY, server_url=NOWHERE) as sdk:
        op = await sdk.operations.wait(
            operation_id="one", poll_interval=FAST, server_url=server.url, headers={"X-Trace": "w"}
        )
        assert op.succeeded
        async with sdk.operations.wait_many(
            ["many"], poll_interval=FAST, server_url=server.url, headers={"X-Trace": "m"}
        ) as results:
            assert [res.unwrap().succeeded async for _, res in results] == [True]
        states = [
            state.status
            async for state in sdk.operations.watch(
                operation_id="watched",
                poll_interval=FAST,
                server_url=server.url,
                headers={"X-Trace": "s"},
            )
        ]
        assert states[-1] == "succeeded"
    assert _headers_seen(server, "GET", "one") == {"w"}
    assert _headers_seen(server, "GET", "many") == {"m"}
    assert _headers_seen(server, "GET", "watched") == {"s"}
    assert server.count("GET") == 6
