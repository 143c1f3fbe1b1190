"""The cancel sent at a wait's deadline gets a bounded grace, its retries inside it.

So ``wait(timeout=T, cancel_on_timeout=True)`` returns within ``T + cancel_grace`` whatever
the cancel endpoint does (503 forever, or no answer), with ``cancel_error`` set.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from openapi import (
    InvalidRequestError,
    RequestTimeoutError,
    SDKDefaultError,
    WaitTimeoutError,
)
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait, operations_wait_many
from openapi.testing import MockServer
from tests.waiting.support import API_KEY, FAST

TIMEOUT = 0.2
GRACE = 0.5
SLACK = 2.0
"""Generous scheduling slack on a busy machine: an upper bound only."""


@pytest.fixture
async def patient_core(mock: MockServer) -> AsyncIterator[SDKCore]:
    # The default retry policy: a 60 s budget, per-attempt timeout 30 s. Without a grace
    # the cancel alone took 61 s against a 503-forever endpoint.
    async with SDKCore(api_key=API_KEY, server_url=mock.url) as core:
        yield core


def test_the_default_grace_is_at_most_ten_seconds() -> None:
    from openapi.funcs.operations_wait import DEFAULT_CANCEL_GRACE

    assert 0 < DEFAULT_CANCEL_GRACE <= 10


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ({"status": 503}, (SDKDefaultError, RequestTimeoutError)),
        ({"kind": "delay", "delay": 30.0}, (RequestTimeoutError,)),
    ],
    ids=["503-forever", "never-answers"],
)
async def test_a_failing_cancel_ends_within_the_grace(
    mock: MockServer,
    patient_core: SDKCore,
    fault: dict[str, Any],
    cause: tuple[type[Exception], ...],
) -> None:
    mock.create_operation("stuck", status="running")
    mock.inject(method="POST", **fault)
    started = time.monotonic()
    res = await operations_wait(
        patient_core,
        {"operation_id": "stuck"},
        timeout=TIMEOUT,
        poll_interval=FAST,
        cancel_on_timeout=True,
        cancel_grace=GRACE,
    )
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT + GRACE + SLACK
    assert not res.ok
    error = res.error
    assert isinstance(error, WaitTimeoutError)
    assert error.cancel_requested is True
    assert error.cancel_accepted is False
    assert isinstance(error.cancel_error, cause), repr(error.cancel_error)
    assert 1 <= mock.count("POST") <= 5  # retried inside the grace, not 13 times over 60 s


async def test_wait_many_gives_each_cancel_the_grace(
    mock: MockServer, patient_core: SDKCore
) -> None:
    for operation_id in ("x", "y"):
        mock.create_operation(operation_id, status="running")
    mock.inject(method="POST", status=503)
    started = time.monotonic()
    async with operations_wait_many(
        patient_core,
        ["x", "y"],
        timeout=TIMEOUT,
        poll_interval=FAST,
        cancel_on_timeout=True,
        cancel_grace=GRACE,
    ) as results:
        errors = [res.error async for _, res in results if not res.ok]
    assert time.monotonic() - started < TIMEOUT + GRACE + SLACK
    assert len(errors) == 2
    assert all(isinstance(e, WaitTimeoutError) and e.cancel_error is not None for e in errors)


@pytest.mark.parametrize("grace", [0, -1, float("nan"), float("inf"), "5", True])
async def test_a_bad_grace_is_refused_before_sending(
    mock: MockServer, core: SDKCore, grace: Any
) -> None:
    res = await operations_wait(core, {"operation_id": "op"}, cancel_grace=grace)
    assert not res.ok
    assert isinstance(res.error, InvalidRequestError)
    assert "cancel_grace" in str(res.error)
    with pytest.raises(InvalidRequestError, match="cancel_grace"):
        operations_wait_many(core, ["op"], cancel_grace=grace)
    assert mock.requests == []
