"""Every numeric setting is a positive finite number, or ``ValueError`` at construction.

The message names the argument as the caller spelled it (``timeout``), never an internal
class (``SDKConfig.timeout``). ``bool`` is not a number here, nor ``None`` or a string.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from openapi import SDK
from openapi.cli import build_parser
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.types import Err
from openapi.utils.options import RequestOptions
from openapi.utils.polling import PollPolicy
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.support import operation

NOT_NUMBERS: list[object] = [None, "abc", "5", True, False, [1], object()]
NOT_FINITE: list[object] = [math.inf, -math.inf, math.nan]
NOT_POSITIVE: list[object] = [0, 0.0, -1, -0.5]
BAD_SECONDS = NOT_NUMBERS + NOT_FINITE + NOT_POSITIVE

URL = "https://ops.example.com"

# Each: (what the caller calls, the argument's name, the values it refuses).
SETTINGS: list[tuple[str, Callable[[Any], object], str, list[object]]] = [
    ("SDKCore", lambda v: SDKCore(api_key="k", server_url=URL, timeout=v), "timeout", BAD_SECONDS),
    ("SDK", lambda v: SDK(api_key="k", server_url=URL, timeout=v), "timeout", BAD_SECONDS),
    (
        "SDKCore",
        lambda v: SDKCore(api_key="k", server_url=URL, connection_limit=v),
        "connection_limit",
        [*BAD_SECONDS, 1.5, 10.0],
    ),
    (
        "RequestOptions",
        lambda v: RequestOptions(timeout=v),
        "timeout",
        [*NOT_FINITE, *NOT_POSITIVE, "abc", True],
    ),
    *[
        ("BackoffStrategy", lambda v, name=name: BackoffStrategy(**{name: v}), name, BAD_SECONDS)
        for name in ("initial_interval", "max_interval", "max_elapsed_time")
    ],
    # An exponent below 1 would shrink the waits towards a loop without delay.
    ("BackoffStrategy", lambda v: BackoffStrategy(exponent=v), "exponent", [*BAD_SECONDS, 0.5]),
    *[
        ("PollPolicy", lambda v, name=name: PollPolicy(**{name: v}), name, BAD_SECONDS)
        for name in ("initial_interval", "max_interval", "min_interval", "max_hint")
    ],
    ("PollPolicy", lambda v: PollPolicy(multiplier=v), "multiplier", [*BAD_SECONDS, 0.5]),
    ("PollPolicy", lambda v: PollPolicy(jitter=v), "jitter", [*NOT_NUMBERS, *NOT_FINITE, -0.1, 1]),
    (
        "RetryConfig",
        lambda v: RetryConfig(status_codes=v),
        "status_codes",
        [None, "5XX", 5, [99], [600], [True], ["abc"], ["²⁰³"], ["1000"], [503.0]],
    ),
]


def label(value: object) -> str:
    return repr(value) if type(value) is not object else "object()"  # no address in the id


CASES = [
    pytest.param(build, name, value, id=f"{owner}-{name}-{label(value)}")
    for owner, build, name, values in SETTINGS
    for value in values
]


@pytest.mark.parametrize(("build", "name", "value"), CASES)
def test_a_bad_setting_is_refused_by_name(
    build: Callable[[object], object], name: str, value: object
) -> None:
    with pytest.raises(ValueError, match=name) as refused:
        build(value)
    assert "SDKConfig" not in str(refused.value)


def test_good_settings_still_work_and_ints_become_floats() -> None:
    core = SDKCore(api_key="k", server_url=URL, timeout=5, connection_limit=3)
    assert core.config.timeout == 5.0
    assert type(core.config.timeout) is float
    assert core.config.connection_limit == 3
    assert RequestOptions(timeout=None).timeout is None
    assert BackoffStrategy(1, 2, 1, 3) == BackoffStrategy(1.0, 2.0, 1.0, 3.0)
    assert PollPolicy(jitter=0, min_interval=0.01).jitter == 0.0
    assert RetryConfig(status_codes=[503, "4xx", "502"]).status_codes == {
        502,
        503,
        *range(400, 500),
    }


async def test_a_bad_poll_interval_is_an_invalid_request(server: ScriptedServer) -> None:
    server.then(json_response(operation(status="succeeded")))
    async with SDKCore(api_key="k", server_url=server.url) as core:
        res = await operations_wait(core, {"operation_id": "op"}, poll_interval=math.inf)
    assert isinstance(res, Err)
    assert "poll_interval" in str(res.error)
    assert "finite" in str(res.error)


@pytest.mark.parametrize("option", ["--request-timeout", "--retry-time"])
def test_the_cli_refuses_infinite_seconds(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI's own check, so that the core's ValueError never surfaces as an internal error.
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([option, "inf", "get", "op"])
    assert exited.value.code == 2
    assert "expected seconds" in capsys.readouterr().err
