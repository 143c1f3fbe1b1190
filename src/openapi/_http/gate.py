"""The rate-limit gate of one core: a server's "come back later" heard once, obeyed by all.

A 429 or 503 with ``Retry-After`` tells one call when to come back; the other calls in
flight to that server would each find out for themselves, with a request the server has
said it cannot take. So the core remembers the hint per server origin (scheme, host, port)
and every new attempt to that origin waits for it, within its own call's deadline: a call
whose deadline ends first returns at once instead of sleeping in vain (its previous error if
it has one, else the rate limit it would have met).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Any, Final

import attrs
import yarl

from openapi._http.failures import status_class
from openapi._http.state import Call, Outcome
from openapi._logging import logger
from openapi.models.errors import CallError, SDKError
from openapi.models.http_metadata import HTTPMetadata
from openapi.types import Err

__all__ = ["GATE_STATUSES", "MAX_HOLD", "RateLimitGate"]

GATE_STATUSES: Final = frozenset({429, 503})
"""The statuses whose ``Retry-After`` closes the gate."""

MAX_HOLD: Final = 60.0
"""The longest a hint holds the gate, in seconds: the call that got a longer one returns at
once (the Retry-After rule), but a mistaken header must not stall every call for a day."""

SPREAD: Final = 0.1
"""Held attempts leave the gate spread over this fraction of the hold (1 s at most), so
that they do not all reach the server in the same instant it reopens."""


@attrs.frozen(slots=True)
class _Hold:
    until: float
    """``time.monotonic()`` at which the gate reopens."""
    meta: HTTPMetadata
    """The response that closed it."""


class RateLimitGate:
    """The holds a core's calls must respect, per origin."""

    __slots__ = ("_holds",)

    def __init__(self) -> None:
        self._holds: dict[yarl.URL, _Hold] = {}

    @property
    def holding(self) -> bool:
        """Whether any origin is (or was until lately) held: the common case checks only this."""
        return bool(self._holds)

    def close(self, call: Call[Any], outcome: Outcome[Any]) -> None:
        """Hold back ``call``'s origin if ``outcome`` is a 429/503 with a ``Retry-After``."""
        error = outcome.result.error if isinstance(outcome.result, Err) else None
        hint = outcome.retry_after
        if (
            hint is None
            or not isinstance(error, SDKError)
            or error.status_code not in GATE_STATUSES
        ):
            return
        origin = call.url.origin()
        until = time.monotonic() + min(hint, MAX_HOLD)
        held = self._holds.get(origin)
        if held is None or held.until < until:
            self._holds[origin] = _Hold(until, error.http_meta)
            logger.debug(
                "holding requests to %s for %.2f s (HTTP %d)", origin, hint, error.status_code
            )

    async def wait(self, call: Call[Any]) -> Outcome[Any] | None:
        """Wait until ``call``'s origin is open; ``None`` then, or the outcome to return at
        once if the hold outlasts the call's deadline."""
        origin = call.url.origin()
        # A loop: another 429 may extend the hold while this call sleeps.
        while (held := self._holds.get(origin)) is not None:
            now = time.monotonic()
            left = held.until - now
            if left <= 0:
                del self._holds[origin]
                return None
            limit = call.deadline if call.deadline < float("inf") else call.started + call.timeout
            if held.until >= limit:
                return Outcome(Err(self._refusal(call, held, left)))
            spread = random.uniform(0.0, min(left * SPREAD, 1.0))
            await asyncio.sleep(min(left + spread, limit - now))
        return None

    def _refusal(self, call: Call[Any], held: _Hold, left: float) -> CallError:
        note = (
            f"; not sent: {call.url.origin()} asked this SDKCore to hold requests for another "
            f"{left:.1f} s (HTTP {held.meta.status_code} with Retry-After on another call), "
            "which is past this call's retry budget. Lower the request rate or try again later"
        )
        previous = call.previous
        if previous is not None:
            previous.extend_message(note)
            return previous
        elapsed = time.monotonic() - call.started
        meta = attrs.evolve(
            held.meta, url=call.url_text, request_id=None, attempts=call.attempts, elapsed=elapsed
        )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s refused at the rate-limit gate", call.where())
        # The class of the status that closed the gate: RateLimitError for a 429 (its
        # retry_after the server's hint), InternalServerError for a 503.
        error_class = status_class(held.meta.status_code)
        return error_class(f"{call.where()} was rate limited{note}", http_meta=meta)
