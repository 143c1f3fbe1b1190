"""The request log: what the client under test sent, and what it got back."""

from __future__ import annotations

import time
from collections.abc import Iterable

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from ._faults import FaultRule
from ._paths import path_matches

__all__ = ["RequestLog", "RequestLogEntry", "redact_headers"]

#: Headers whose values never reach the log.
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})


def redact_headers(headers: Iterable[tuple[str, str]]) -> CIMultiDictProxy[str]:
    """Copy headers with credentials masked; a bearer token becomes ``Bearer ***``."""
    redacted: CIMultiDict[str] = CIMultiDict()
    for name, value in headers:
        if name.lower() in _SECRET_HEADERS:
            scheme, _, credentials = value.partition(" ")
            value = f"{scheme} ***" if credentials else "***"
        redacted.add(name, value)
    return CIMultiDictProxy(redacted)


def _empty_headers() -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict())


@attrs.frozen(kw_only=True)
class RequestLogEntry:
    """One request to an API route (``/_mock`` admin requests are not logged).

    ``raw_path`` is the path exactly as received, still percent-encoded; ``path`` is its
    decoded form; ``operation_id`` is the decoded id when the path names one. ``attempt``
    counts requests with the same method and raw path, from 1. ``status`` is ``None`` while
    the request is being handled and when the connection was dropped.
    """

    request_id: str
    method: str
    raw_path: str
    path: str
    query: str
    operation_id: str | None
    attempt: int
    headers: CIMultiDictProxy[str] = attrs.field(factory=_empty_headers)
    status: int | None = None
    fault: FaultRule | None = None
    received_at: float = attrs.field(factory=time.monotonic)
    """Monotonic clock reading when the request arrived."""

    def to_json(self) -> dict[str, object]:
        """The entry as JSON, as ``GET /_mock/requests`` returns it."""
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return {
            "request_id": self.request_id,
            "method": self.method,
            "raw_path": self.raw_path,
            "path": self.path,
            "query": self.query,
            "operation_id": self.operation_id,
            "attempt": self.attempt,
            "status": self.status,
            "fault": None if self.fault is None else self.fault.to_json(),
            "headers": headers,
            "received_at": self.received_at,
        }

    def matches(
        self,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
    ) -> bool:
        """Whether the entry matches every filter given (``path`` is a glob)."""
        if method is not None and method.upper() != self.method:
            return False
        if path is not None and not path_matches(path, self.raw_path, self.path):
            return False
        return operation_id is None or operation_id == self.operation_id


class RequestLog:
    """Entries in arrival order, plus the per-(method, path) attempt counters."""

    def __init__(self) -> None:
        self._entries: list[RequestLogEntry] = []
        self._attempts: dict[tuple[str, str], int] = {}

    def next_attempt(self, method: str, raw_path: str) -> int:
        """Count one more request to (method, raw_path) and return its attempt number."""
        key = (method.upper(), raw_path)
        self._attempts[key] = attempt = self._attempts.get(key, 0) + 1
        return attempt

    def append(self, entry: RequestLogEntry) -> None:
        """Record a request as it arrives, so slow requests show up at once."""
        self._entries.append(entry)

    def finish(self, request_id: str, status: int | None) -> None:
        """Fill in how a logged request was answered (a no-op if the log was cleared)."""
        for index in range(len(self._entries) - 1, -1, -1):
            entry = self._entries[index]
            if entry.request_id == request_id:
                self._entries[index] = attrs.evolve(entry, status=status)
                return

    @property
    def entries(self) -> list[RequestLogEntry]:
        """A copy of the entries, oldest first."""
        return list(self._entries)

    def find(
        self,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
    ) -> list[RequestLogEntry]:
        """The entries matching every filter given."""
        return [entry for entry in self._entries if entry.matches(method, path, operation_id)]

    def clear(self) -> None:
        """Forget every entry and reset the attempt counters."""
        self._entries.clear()
        self._attempts.clear()
