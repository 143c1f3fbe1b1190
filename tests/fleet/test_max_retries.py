"""``RetryConfig(max_retries=N)`` and the ``SDK(max_retries=N)`` shortcut: a retry count
beside the time budget, whichever ends first (issue 15, point 5)."""

from __future__ import annotations

import pytest

from openapi import SDK, Err, Ok, SDKDefaultError
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing import MockServer
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.fleet.conftest import API_KEY, QUICK, quick


@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_a_call_is_sent_at_most_max_retries_plus_one_times(
    mock: MockServer, core: SDKCore, max_retries: int
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503)  # every request, for ever
    options = RequestOptions(retries=quick(max_retries=max_retries))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert res.error.status_code == 503
    assert mock.count("GET") == max_retries + 1


async def test_retries_left_still_end_with_success(mock: MockServer, core: SDKCore) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503, times=2)
    options = RequestOptions(retries=quick(max_retries=2))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Ok)
    assert res.value.http_meta.attempts == 3


async def test_the_time_budget_still_ends_retries_first_when_it_is_shorter(
    mock: MockServer, core: SDKCore
) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503)
    # A wait of 0.5 s at least before the first retry cannot fit in a 0.2 s budget.
    short = BackoffStrategy(initial_interval=1.0, max_elapsed_time=0.2)
    options = RequestOptions(retries=RetryConfig(backoff=short, max_retries=100))
    res = await operations_get_operation(core, {"operation_id": "op_1"}, options)
    assert isinstance(res, Err)
    assert mock.count("GET") == 1


async def test_the_sdk_and_core_shortcut_sets_the_default_count(mock: MockServer) -> None:
    mock.create_operation("op_1")
    mock.inject(status=503)
    async with SDK(
        api_key=API_KEY, server_url=mock.url, retry_config=quick(max_retries=9), max_retries=1
    ) as sdk:
        assert sdk.core.config.retry_config.max_retries == 1  # the shortcut wins
        assert sdk.core.config.retry_config.backoff == QUICK  # the rest is kept
        with pytest.raises(SDKDefaultError):
            await sdk.operations.get_operation(operation_id="op_1")
        assert mock.count("GET") == 2
        # A per-call policy replaces the core's, count included.
        with pytest.raises(SDKDefaultError):
            await sdk.operations.get_operation(operation_id="op_1", retries=quick(max_retries=0))
        assert mock.count("GET") == 3


def test_without_the_shortcut_the_count_is_the_budgets_alone() -> None:
    assert SDKCore(api_key=API_KEY, server_url="http://127.0.0.1:1").config.retry_config == (
        RetryConfig()
    )
    assert RetryConfig().max_retries is None


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_a_count_that_is_not_a_whole_number_from_zero_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryConfig(max_retries=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        SDKCore(api_key=API_KEY, max_retries=bad)  # type: ignore[arg-type]
