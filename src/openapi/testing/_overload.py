"""An overloaded server on purpose: a capacity limit and an outage window.

- A capacity limit admits ``rate`` API requests per second (a token bucket holding one
  second's worth, one request at least, so a burst of ``rate`` passes at once) and answers
  the others 429 with ``Retry-After``, as an API gateway would.
- An outage answers every API request with a 5XX (503 unless told otherwise), or drops the
  connection, from ``start`` to ``until`` on the server's clock.

Both act before the fault rules: each is asked for every API request (``Overload.pick``)
and what it picks is an ordinary ``FaultRule``, so the request log names it like any fault.
``OverloadControls`` is the part of ``MockServer`` that sets them from Python.
"""

from __future__ import annotations

from typing import Literal

import attrs

from ._faults import FaultRule
from ._store import Clock

__all__ = ["CapacityLimit", "Outage", "OutageKind", "Overload", "OverloadControls"]

OutageKind = Literal["status", "drop"]
"""How an outage fails a request: a 5XX status, or a dropped connection."""


@attrs.frozen(kw_only=True)
class CapacityLimit:
    """At most ``rate`` API requests per second; the rest get 429 with ``retry_after``."""

    rate: float = attrs.field(validator=attrs.validators.gt(0))
    retry_after: int = attrs.field(default=1, validator=attrs.validators.ge(1))

    @property
    def burst(self) -> float:
        """Requests admitted at once after a quiet spell: a second's worth (one at least)."""
        return max(self.rate, 1.0)

    def rule(self) -> FaultRule:
        """The answer to a request over the limit."""
        return FaultRule(kind="status", status=429, retry_after=self.retry_after)

    def to_json(self) -> dict[str, object]:
        """The limit as JSON (the shape ``PUT /_mock/capacity`` accepts)."""
        return {"rate": self.rate, "retry_after": self.retry_after}


@attrs.frozen(kw_only=True)
class Outage:
    """From ``start`` to ``until`` (server clock), every API request fails as ``rule`` says."""

    start: float
    until: float
    rule: FaultRule

    def to_json(self, now: float) -> dict[str, object]:
        """The outage as JSON, its times in seconds from ``now``."""
        return {
            "starts_in": max(self.start - now, 0.0),
            "ends_in": max(self.until - now, 0.0),
            "kind": self.rule.kind,
            "status": self.rule.status,
            "retry_after": self.rule.retry_after,
        }


class Overload:
    """One server's capacity limit and outage, both off until set."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.capacity: CapacityLimit | None = None
        self.outage: Outage | None = None
        self._tokens = 0.0
        self._filled_at = 0.0

    def limit(self, capacity: CapacityLimit | None) -> None:
        """Set (or with ``None`` lift) the capacity limit; it starts with a full second."""
        self.capacity = capacity
        self._tokens = capacity.burst if capacity is not None else 0.0
        self._filled_at = self.clock()

    def begin_outage(
        self,
        seconds: float,
        *,
        after: float = 0.0,
        kind: OutageKind = "status",
        status: int = 503,
        retry_after: int | None = None,
    ) -> Outage:
        """Fail every API request for ``seconds``, starting ``after`` seconds from now."""
        if not seconds > 0 or not after >= 0:
            raise ValueError("an outage needs seconds > 0 and after >= 0")
        if kind not in ("status", "drop"):
            raise ValueError(f"kind must be 'status' or 'drop', got {kind!r}")
        start = self.clock() + after
        rule = FaultRule(kind=kind, status=status if kind == "status" else None)
        if retry_after is not None:
            rule = attrs.evolve(rule, retry_after=retry_after)
        self.outage = Outage(start=start, until=start + seconds, rule=rule)
        return self.outage

    def clear(self) -> None:
        """Lift the capacity limit and end any outage."""
        self.limit(None)
        self.outage = None

    def pick(self) -> FaultRule | None:
        """The fault this API request meets: the outage's, the limit's 429, or none."""
        now = self.clock()
        outage = self.outage
        if outage is not None:
            if outage.start <= now < outage.until:
                return outage.rule
            if now >= outage.until:
                self.outage = None
        capacity = self.capacity
        if capacity is None:
            return None
        elapsed, self._filled_at = now - self._filled_at, now
        self._tokens = min(self._tokens + elapsed * capacity.rate, capacity.burst)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return capacity.rule()


class OverloadControls:
    """``MockServer``'s methods for the capacity limit and the outage window."""

    _overload: Overload

    def limit_capacity(self, rate: float | None, *, retry_after: int = 1) -> CapacityLimit | None:
        """Admit ``rate`` API requests per second and answer the others 429 with
        ``Retry-After: retry_after``; ``None`` lifts the limit."""
        capacity = None if rate is None else CapacityLimit(rate=rate, retry_after=retry_after)
        self._overload.limit(capacity)
        return capacity

    def start_outage(
        self,
        seconds: float,
        *,
        after: float = 0.0,
        kind: OutageKind = "status",
        status: int = 503,
        retry_after: int | None = None,
    ) -> Outage:
        """Fail every API request for ``seconds`` (from ``after`` seconds from now): answer
        ``status`` (with ``Retry-After`` if ``retry_after``), or with ``kind="drop"`` close
        the connection. ``/_mock`` routes keep working."""
        return self._overload.begin_outage(
            seconds, after=after, kind=kind, status=status, retry_after=retry_after
        )

    def end_outage(self) -> None:
        """End the outage now (or cancel one still to come)."""
        self._overload.outage = None

    @property
    def capacity(self) -> CapacityLimit | None:
        """The capacity limit in force, if any."""
        return self._overload.capacity

    @property
    def outage(self) -> Outage | None:
        """The outage in force or still to come, if any."""
        overload = self._overload
        outage = overload.outage
        if outage is not None and overload.clock() >= outage.until:
            overload.outage = None
        return overload.outage
