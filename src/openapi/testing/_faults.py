"""Fault rules: scripted misbehaviour of the API routes.

A rule says which requests it applies to (method, path glob, operation id), how often
(``times`` and/or ``probability``) and what goes wrong (a status code, a delay, a dropped
connection or a bad body). Rules are checked in the order they were added; the first that
fires wins. ``/_mock`` admin routes are never faulted, so a test can always clean up.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Literal, cast, get_args

import attrs

from ._paths import path_matches

__all__ = ["DEFAULT_429_RETRY_AFTER", "FaultKind", "FaultRule", "FaultSet", "format_retry_after"]

#: What a fault does:
#:
#: - ``"status"``: answer with ``status`` (and ``body``, ``retry_after``, ``headers``);
#: - ``"delay"``: wait ``delay`` seconds, then answer normally;
#: - ``"drop"``: close the connection without any response;
#: - ``"malformed_json"``: ``200`` with ``Content-Type: application/json`` and invalid JSON;
#: - ``"wrong_content_type"``: ``200`` with a ``text/html`` body.
FaultKind = Literal["status", "delay", "drop", "malformed_json", "wrong_content_type"]
"""What a fault does: answer a ``status``, only ``delay``, ``drop`` the connection, or send a
malformed JSON body or one with the wrong content type."""
_FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

#: ``Retry-After`` as delay-seconds, a ready-made string, or a moment sent as an HTTP-date.
RetryAfter = int | str | datetime

DEFAULT_429_RETRY_AFTER: RetryAfter = 1
"""``Retry-After`` sent on a 429 fault that gives none: ``openapi.yaml`` requires one there."""


def format_retry_after(value: RetryAfter) -> str:
    """Format a ``Retry-After`` value: seconds as an integer, a datetime as an HTTP-date."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return format_datetime(moment.astimezone(UTC), usegmt=True)
    return str(value)


def _upper(method: str | None) -> str | None:
    return None if method is None else method.upper()


def _headers(value: Mapping[str, str] | tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(name), str(val)) for name, val in items)


def _check_kind(_: object, __: attrs.Attribute[FaultKind], value: FaultKind) -> None:
    if value not in _FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(_FAULT_KINDS)}; got {value!r}")


def _check_probability(_: object, __: attrs.Attribute[float | None], value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"probability must be between 0 and 1; got {value!r}")


@attrs.frozen(kw_only=True)
class FaultRule:
    """One scripted fault. Every field has a default: ``FaultRule()`` is "503 for everything".

    Matching: ``method`` (any if ``None``), ``path`` (a glob matched against the raw,
    percent-encoded path and against its decoded form; ``*`` also matches ``/``), and
    ``operation_id`` (the decoded id, compared exactly).

    Frequency: ``times=N`` fires on the next N matching requests and then the rule expires;
    ``probability=p`` fires on each matching request with probability ``p`` drawn from the
    server's seeded random generator; both may be combined; neither means "always".

    ``delay`` seconds are waited before any kind of fault is applied.

    Note that aiohttp's ``ClientSession`` silently resends an idempotent request (``GET``)
    once when the server drops the connection, so use ``times=2`` for a ``"drop"`` on
    ``GET`` that the calling code should actually see. ``status`` defaults
    to 503 for ``"status"`` faults and to 200 for the bad-body kinds (a proxy's HTML error
    page is ``kind="wrong_content_type", status=502``). A 429 without ``retry_after`` still
    carries ``Retry-After: 1`` (``DEFAULT_429_RETRY_AFTER``), as ``openapi.yaml`` requires;
    ``headers`` may replace it with any value, a malformed one included.
    """

    kind: FaultKind = attrs.field(default="status", validator=_check_kind)
    status: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(
            attrs.validators.and_(attrs.validators.ge(100), attrs.validators.le(599))
        ),
    )
    method: str | None = attrs.field(default=None, converter=_upper)
    path: str | None = None
    operation_id: str | None = None
    times: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    probability: float | None = attrs.field(default=None, validator=_check_probability)
    delay: float = attrs.field(default=0.0, validator=attrs.validators.ge(0.0))
    body: object = None
    content_type: str | None = None
    retry_after: RetryAfter | None = None
    headers: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_headers)

    @property
    def effective_status(self) -> int:
        """The status code sent: ``status``, or the kind's default."""
        if self.status is not None:
            return self.status
        return 503 if self.kind == "status" else 200

    def matches(
        self, method: str, raw_path: str, decoded_path: str, operation_id: str | None
    ) -> bool:
        """Whether this rule applies to a request (ignoring ``times`` and ``probability``)."""
        if self.method is not None and self.method != method.upper():
            return False
        if self.path is not None and not path_matches(self.path, raw_path, decoded_path):
            return False
        return self.operation_id is None or self.operation_id == operation_id

    def to_json(self) -> dict[str, object]:
        """The rule as JSON (the shape ``POST /_mock/faults`` accepts)."""
        return {
            "kind": self.kind,
            "status": self.status,
            "method": self.method,
            "path": self.path,
            "operation_id": self.operation_id,
            "times": self.times,
            "probability": self.probability,
            "delay": self.delay,
            "body": self.body if not isinstance(self.body, bytes) else self.body.decode("latin-1"),
            "content_type": self.content_type,
            "retry_after": (
                None if self.retry_after is None else _json_retry_after(self.retry_after)
            ),
            "headers": dict(self.headers),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> FaultRule:
        """Build a rule from JSON; raises ``ValueError`` (or ``TypeError``) if it is invalid.

        Besides the fields of :meth:`to_json`, ``retry_after_date_in`` (seconds from now)
        sends ``Retry-After`` as an HTTP-date.
        """
        allowed = {field.name for field in attrs.fields(cls)} | {"retry_after_date_in"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(unknown)}")
        kwargs = {key: value for key, value in data.items() if key != "retry_after_date_in"}
        date_in = data.get("retry_after_date_in")
        if date_in is not None:
            if isinstance(date_in, bool) or not isinstance(date_in, int | float):
                raise TypeError("retry_after_date_in must be a number of seconds")
            kwargs["retry_after"] = datetime.now(UTC) + timedelta(seconds=date_in)
        _expect(kwargs, "kind", str)
        _expect(kwargs, "status", int)
        _expect(kwargs, "method", str)
        _expect(kwargs, "path", str)
        _expect(kwargs, "operation_id", str)
        _expect(kwargs, "times", int)
        _expect(kwargs, "probability", (int, float))
        _expect(kwargs, "delay", (int, float))
        _expect(kwargs, "content_type", str)
        _expect(kwargs, "retry_after", (int, str, datetime))
        _expect(kwargs, "headers", dict)
        if "headers" in kwargs:
            headers = cast(dict[object, object], kwargs["headers"])
            kwargs["headers"] = {str(name): str(value) for name, value in headers.items()}
        return cls(**kwargs)  # type: ignore[arg-type]  # types checked by _expect above


def _json_retry_after(value: RetryAfter) -> int | str:
    return value if isinstance(value, int) else format_retry_after(value)


def _expect(data: Mapping[str, object], key: str, kind: type | tuple[type, ...]) -> None:
    value = data.get(key)
    # bool is an int subclass, but ``"times": true`` is certainly a mistake.
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
        raise TypeError(f"fault field {key!r} has the wrong type: {value!r}")


class FaultSet:
    """The active fault rules of one server, in order."""

    def __init__(self, seed: int | None = 0) -> None:
        self._rules: list[FaultRule] = []
        # One seeded generator per server: the same requests fire the same faults each run.
        self._random = random.Random(seed)

    @property
    def rules(self) -> list[FaultRule]:
        """The active rules; ``times`` shows how many firings each has left."""
        return list(self._rules)

    def add(self, rule: FaultRule) -> FaultRule:
        """Append a rule (checked after the earlier ones)."""
        self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        self._rules.clear()

    def reseed(self, seed: int | None) -> None:
        """Restart the random generator used for ``probability``."""
        self._random.seed(seed)

    def pick(
        self, method: str, raw_path: str, decoded_path: str, operation_id: str | None
    ) -> FaultRule | None:
        """The rule that fires for this request, if any, counting it against ``times``."""
        for index, rule in enumerate(self._rules):
            if not rule.matches(method, raw_path, decoded_path, operation_id):
                continue
            if rule.probability is not None and self._random.random() >= rule.probability:
                continue
            if rule.times is not None:
                if rule.times <= 1:
                    del self._rules[index]
                else:
                    self._rules[index] = attrs.evolve(rule, times=rule.times - 1)
            return rule
        return None
