"""A caller's explicit ``poll_interval`` is a floor: a shorter server hint does not undercut it.

A longer hint still wins, and the default policy follows hints as before.
"""

from __future__ import annotations

import pytest

from openapi import PollPolicy
from openapi.core import SDKCore
from openapi.funcs.operations_wait import operations_wait
from openapi.testing import MockServer
from tests.waiting.support import gaps, poll_times

EARLY = 0.01
"""How early a sleep may end by the loop's clock resolution: well under a millisecond."""


@pytest.mark.parametrize("interval", [2.0, 0.5, 30.0])
def test_fixed_interval_is_a_floor_under_hints_and_jitter(interval: float) -> None:
    policy = PollPolicy.fixed(interval)
    for r in (0.0, 0.5, 0.999999):
        assert policy.delay(3, hint=interval / 2, rand=lambda r=r: r) >= interval
        assert interval <= policy.delay(3, rand=lambda r=r: r) <= interval * 1.2
    longer = interval * 1.5
    assert policy.delay(0, hint=longer, rand=lambda: 0.0) == longer  # a longer hint wins


def test_fixed_jitter_still_spreads_waiters_above_the_floor() -> None:
    policy = PollPolicy.fixed(2.0, jitter=0.2)
    delays = {round(policy.delay(0, rand=lambda r=r / 10: r), 6) for r in range(10)}
    assert len(delays) == 10  # uniform over [2, 2.4], not clumped at the floor
    assert min(delays) == 2.0


def test_default_policy_follows_hints() -> None:
    policy = PollPolicy()
    assert 0.3 <= policy.delay(0, hint=0.3, rand=lambda: 0.0) < 0.4
    assert policy.delay(0, hint=5.0, rand=lambda: 0.0) == 5.0


async def gap(mock: MockServer, core: SDKCore, operation_id: str, **wait: object) -> float:
    """The time between the two polls the server saw of a wait (the operation is done on
    its second GET)."""
    mock.create_operation(operation_id, polls=2)
    await operations_wait(core, {"operation_id": operation_id}, **wait)  # type: ignore[arg-type]
    times = poll_times(mock, operation_id)
    assert len(times) == 2
    return gaps(times)[0]


async def test_a_shorter_hint_does_not_undercut_poll_interval(
    mock: MockServer, core: SDKCore
) -> None:
    mock.poll_hint = 1  # "Retry-After: 1" on every unfinished operation
    assert await gap(mock, core, "floored", poll_interval=1.5) >= 1.5 - EARLY  # not 1 s


async def test_a_longer_hint_still_wins_over_poll_interval(mock: MockServer, core: SDKCore) -> None:
    mock.poll_hint = 1
    assert await gap(mock, core, "hinted", poll_interval=0.2) >= 1.0 - EARLY
