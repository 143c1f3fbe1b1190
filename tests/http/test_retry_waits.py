"""The waits of the retry loop (``openapi._http.retry.Waits``): what backoff sleeps, and when
it gives up. The loop itself is exercised end to end in tests/http/test_retries.py and
tests/hostile/test_retry_after.py, test_budget_deadline.py."""

from __future__ import annotations

import time

import pytest

from openapi._http.retry import Waits
from openapi._http.state import Outcome
from openapi.models.errors import RequestTimeoutError
from openapi.types import Err
from openapi.utils.retries import BackoffStrategy

POLICY = BackoffStrategy(initial_interval=1, max_interval=5, exponent=2, max_elapsed_time=60)


def failed(retryable: bool = True, retry_after: float | None = None) -> Outcome[object]:
    return Outcome(Err(RequestTimeoutError("no answer")), retryable, retry_after)


def waits(seconds_left: float = 1000.0) -> Waits:
    return Waits(POLICY, time.monotonic() + seconds_left)


def test_computed_waits_grow_by_the_exponent_up_to_the_cap_jittered_down_by_half() -> None:
    schedule = waits()
    seen: list[float] = []
    for _ in range(6):
        assert schedule.retry(failed())
        seen.append(schedule.after(failed()))
    for wait, interval in zip(seen, [1, 2, 4, 5, 5, 5], strict=True):
        assert interval * 0.5 <= wait <= interval


def test_a_servers_hint_is_waited_as_it_is_and_leaves_the_backoff_where_it_was() -> None:
    schedule = waits()
    assert schedule.retry(failed(retry_after=7.0))
    assert schedule.after(failed()) == 7.0
    assert schedule.retry(failed())
    assert 0.5 <= schedule.wait <= 1.0  # still the first computed wait


@pytest.mark.parametrize("retry_after", [None, 30.0])
def test_a_wait_that_ends_past_the_deadline_gives_up_at_once(retry_after: float | None) -> None:
    # With 0.4 s left, neither the first computed wait (0.5 s at least) nor the hint fits.
    assert not waits(seconds_left=0.4).retry(failed(retry_after=retry_after))


def test_an_outcome_that_is_not_retryable_is_not_retried() -> None:
    assert not waits().retry(failed(retryable=False, retry_after=1.0))
