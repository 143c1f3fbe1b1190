"""The Retry-After rule: delta-seconds are ASCII digits only; only a positive delay is a hint.

``0``, a date in the past and garbage are "no hint": the computed backoff applies, so no
server can drive a retry loop without delay. The same rule reads the poll hint on a 200.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
from datetime import UTC, datetime, timedelta

import pytest

from openapi import Err, Ok, SDKDefaultError
from openapi._http.decode import parse_retry_after as reexported
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig, parse_retry_after
from tests.events import TICK
from tests.support import operation

NOW = 1_700_000_000.0


def http_date(offset: float) -> str:
    return email.utils.formatdate(NOW + offset, usegmt=True)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("5", 5.0),
        (" 7 ", 7.0),
        ("0120", 120.0),
        (http_date(30), 30.0),
        ("9" * 400, math.inf),  # too large for a float: longer than any budget
    ],
)
def test_usable_hints(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "00",
        "²",
        "①",
        "٣",
        "1.5",
        "-1",
        "+5",
        "1e3",
        "",
        " ",
        "soon",
        http_date(0),
        http_date(-60),
    ],
)
def test_no_hint(value: str) -> None:
    # "²", "①" and "٣" pass str.isdigit(); float() refuses the first two (which escaped as
    # UnexpectedClientError) and reads the Arabic-Indic three as 3.
    assert parse_retry_after(value, now=NOW) is None


def test_the_pipeline_still_exports_the_rule() -> None:
    assert reexported is parse_retry_after


def past_date() -> str:
    return email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)


@pytest.mark.parametrize("hint", ["0", "past", "soon", "²", "①"])
async def test_a_503_forever_server_gets_a_few_dozen_requests(
    server: ScriptedServer, hint: str
) -> None:
    # Before: "Retry-After: 0" or a past date meant zero delay, about a thousand requests a
    # second; "²" and "①" ended the call at once in UnexpectedClientError.
    value = past_date() if hint == "past" else hint
    server.then(json_response({}, 503, **{"Retry-After": value}))
    strategy = BackoffStrategy(initial_interval=0.1, max_interval=0.5, max_elapsed_time=2)
    options = RequestOptions(retries=RetryConfig(backoff=strategy))
    async with SDKCore(api_key="k", server_url=server.url) as core:
        started = time.monotonic()
        res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert time.monotonic() - started < 2 + 1.5
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert 2 <= len(server.requests) <= 40


async def test_a_hint_within_the_budget_is_honoured_and_one_beyond_ends_at_once(
    server: ScriptedServer, core: SDKCore
) -> None:
    server.then(
        json_response({}, 503, **{"Retry-After": "1"}),
        json_response({}, 503, **{"Retry-After": "10"}),  # 1 s + 10 s > the 5 s budget
        json_response(operation()),
    )
    strategy = BackoffStrategy(initial_interval=0.01, max_interval=0.05, max_elapsed_time=5)
    loop = asyncio.get_running_loop()  # the clock the sleeps use (uvloop's is cached)
    started = loop.time()
    res = await operations_get_operation(
        core, {"operation_id": "op_1"}, RequestOptions(retries=RetryConfig(backoff=strategy))
    )
    elapsed = loop.time() - started
    assert isinstance(res, Err)
    assert len(server.requests) == 2
    # Slept the first hint, then ended at once: neither the second hint nor the 5 s budget
    # (3 s of room for a busy machine).
    assert 1.0 - TICK <= elapsed < 1.0 + 3.0


@pytest.mark.parametrize(
    ("header", "hint"),
    [("3", 3.0), ("0", None), ("past", None), ("²", None), ("①", None), ("1.5", None)],
)
async def test_the_poll_hint_on_a_200_follows_the_same_rule(
    server: ScriptedServer, core: SDKCore, header: str, hint: float | None
) -> None:
    # Before: "0" and a past date were a hint of 0 s; "²" and "①" made a valid 200 an error.
    value = past_date() if header == "past" else header
    server.then(json_response(operation(), **{"Retry-After": value}))
    res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res
    assert res.value.http_meta.retry_after == hint
