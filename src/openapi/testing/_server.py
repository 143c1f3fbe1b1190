"""``MockServer``: the mock API on a real socket, driven from Python."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Unpack
from urllib.parse import quote

from aiohttp import web

from ._app import build_app
from ._backend import MockBackend, reset_backend
from ._faults import FaultKind, FaultRule, FaultSet
from ._log import RequestLog, RequestLogEntry
from ._operation import MockOperation
from ._overload import Overload, OverloadControls
from ._serving import Serving
from ._store import Clock, OperationOptions, OperationStore, PinOptions

__all__ = ["DEFAULT_API_KEY", "MockServer"]

#: The API key a :class:`MockServer` expects unless told otherwise.
DEFAULT_API_KEY = "test-key"
"""The bearer token a ``MockServer`` expects unless given ``api_key=``."""


class MockServer(Serving, OverloadControls):
    """An in-process HTTP server implementing the Operations API, for tests and demos.

    Use it as an async context manager (or call :meth:`start` and :meth:`close`)::

        async with MockServer(api_key="test-key") as server:
            op = server.create_operation(duration=1.0, result={"answer": 42})
            ...  # point the client at server.url

    ``limit_capacity(rate)`` and ``start_outage(seconds)`` overload it on purpose (see
    ``openapi.testing._overload``).

    Args:
        api_key: the bearer token requests must carry; ``None`` turns auth checking off.
        host: the interface to bind; loopback by default.
        port: the port to bind; ``0`` picks a free one (see :attr:`port`).
        poll_hint: ``Retry-After`` seconds sent on ``GET`` of an unfinished operation;
            ``None`` sends none.
        cancel_delay: seconds an operation stays ``cancelling`` before it is ``cancelled``;
            ``0`` cancels at once.
        default_duration: the ``duration`` of operations created over HTTP without one.
        seed: seed of the random generator behind fault ``probability``, for reproducible
            runs; ``None`` seeds from the OS.
        clock: the monotonic clock operations progress by (tests may pass a fake one).
        access_log: log each request to the ``aiohttp.access`` logger.
        shutdown_timeout: seconds :meth:`close` waits for requests in flight (such as a
            long ``delay`` fault) before cancelling them.
    """

    def __init__(
        self,
        api_key: str | None = DEFAULT_API_KEY,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        poll_hint: int | None = 1,
        cancel_delay: float = 0.2,
        default_duration: float | None = 2.0,
        seed: int | None = 0,
        clock: Clock = time.monotonic,
        access_log: bool = False,
        shutdown_timeout: float = 0.5,
    ) -> None:
        self._host = host
        self._requested_port = port
        self._access_log = access_log
        self._shutdown_timeout = shutdown_timeout
        self._backend = MockBackend(
            store=OperationStore(clock),
            faults=FaultSet(seed),
            overload=Overload(clock),
            log=RequestLog(),
            api_key=api_key,
            poll_hint=poll_hint,
            cancel_delay=cancel_delay,
            default_duration=default_duration,
            seed=seed,
        )
        self._overload = self._backend.overload
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the socket and start serving; raises ``RuntimeError`` if already started."""
        if self._runner is not None:
            raise RuntimeError("MockServer is already running")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self._host, self._requested_port))
            sock.setblocking(False)
            self._port = int(sock.getsockname()[1])
            runner = web.AppRunner(
                build_app(self._backend),
                access_log=logging.getLogger("aiohttp.access") if self._access_log else None,
                shutdown_timeout=self._shutdown_timeout,
                # Cancel a handler whose client went away (e.g. timed out during a delay
                # fault): otherwise its sleep outlives the connection and even close().
                handler_cancellation=True,
            )
            await runner.setup()
        except BaseException:
            sock.close()
            raise
        try:
            # SockSite on our own socket: the port is known without private attributes.
            await web.SockSite(runner, sock).start()
        except BaseException:
            await runner.cleanup()
            sock.close()
            raise
        self._runner = runner

    async def close(self) -> None:
        """Stop serving and close every connection; safe to call more than once."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._runner is not None

    # -- addresses and settings ---------------------------------------------------------

    @property
    def host(self) -> str:
        """The bound interface."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the real one when created with ``port=0``)."""
        if self._port is None:
            raise RuntimeError("MockServer is not started")
        return self._port

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def operation_url(self, operation_id: str) -> str:
        """The URL of ``GET /operations/{operation_id}``, with the id percent-encoded."""
        return f"{self.url}/operations/{quote(operation_id, safe='')}"

    @property
    def api_key(self) -> str | None:
        """The expected bearer token (settable, e.g. to test key rotation)."""
        return self._backend.api_key

    @api_key.setter
    def api_key(self, value: str | None) -> None:
        self._backend.api_key = value

    @property
    def auth_headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer <api_key>"}``, or ``{}`` when auth is off."""
        key = self._backend.api_key
        return {} if key is None else {"Authorization": f"Bearer {key}"}

    @property
    def poll_hint(self) -> int | None:
        """``Retry-After`` seconds on ``GET`` of an unfinished operation (settable)."""
        return self._backend.poll_hint

    @poll_hint.setter
    def poll_hint(self, value: int | None) -> None:
        self._backend.poll_hint = value

    @property
    def cancel_delay(self) -> float:
        """Seconds from ``cancelling`` to ``cancelled`` (settable)."""
        return self._backend.cancel_delay

    @cancel_delay.setter
    def cancel_delay(self, value: float) -> None:
        self._backend.cancel_delay = value

    # -- operations ---------------------------------------------------------------------

    def create_operation(
        self,
        id: str | None = None,  # mirrors the API's field name
        **options: Unpack[OperationOptions],
    ) -> MockOperation:
        """Create an operation and return its initial state.

        The keywords (``OperationOptions``, declared once for this method, the store and
        type checkers) are all optional; a misspelt one is a ``TypeError``.

        Args:
            id: the operation id; a uuid4 if omitted. ``ValueError`` if it exists already.

        Other Parameters:
            outcome (str): how it ends, ``"succeeded"`` (the default) or ``"failed"``.
            duration (float | None): seconds (default ``2.0``) from ``queued`` (the first
                tenth) through ``running`` (with ``progress`` rising) to the outcome; ``0``
                is done at once; ``None`` stays ``queued`` until driven by hand (:meth:`complete`,
                :meth:`fail`, :meth:`set_status`).
            result (object): the ``result`` once ``succeeded``.
            error (MockError | tuple[str, str]): the ``error`` once ``failed``, as
                ``(code, message)`` or ``MockError``.
            metadata (dict[str, object]): the operation's ``metadata``.
            status (str): pin the operation at this status (any string, known or not) instead
                of progressing; ``duration`` and ``outcome`` are then ignored.
            progress (float): with ``status``, the pinned ``progress``.
            polls (int): progress by API ``GET`` requests instead of time: ``GET`` number ``k``
                sees ``running`` with ``progress`` k/polls and ``GET`` number ``polls`` the
                outcome, however fast or slow the client is (``duration`` is then ignored).
                Tests that check progress should use this rather than a ``duration``.
        """
        return self._backend.store.create(id, **options)

    def get_operation(self, operation_id: str) -> MockOperation:
        """The operation's current state; ``KeyError`` if there is none."""
        operation = self._backend.store.get(operation_id)
        if operation is None:
            raise KeyError(f"no operation with id {operation_id!r}")
        return operation

    @property
    def operations(self) -> list[MockOperation]:
        """Every operation's current state, oldest first."""
        return self._backend.store.all()

    def complete(self, operation_id: str, result: object = None) -> MockOperation:
        """Make the operation ``succeeded`` now, with ``result``."""
        return self._backend.store.complete(operation_id, result)

    def fail(
        self,
        operation_id: str,
        code: str = "operation_failed",
        message: str = "The operation failed.",
        details: object = None,
    ) -> MockOperation:
        """Make the operation ``failed`` now, with an ``OperationError``."""
        return self._backend.store.fail(operation_id, code, message, details)

    def set_status(
        self, operation_id: str, status: str, **options: Unpack[PinOptions]
    ) -> MockOperation:
        """Pin the operation at ``status`` (known or not), ending any automatic progress.

        Keywords: ``progress``, ``result`` (kept only for ``succeeded``) and ``error`` (as
        for :meth:`create_operation`).
        """
        return self._backend.store.set_status(operation_id, status, **options)

    def cancel(self, operation_id: str) -> MockOperation:
        """Cancel as ``POST .../cancel`` would (``cancelling``, then ``cancelled``)."""
        operation = self._backend.store.cancel(operation_id, self._backend.cancel_delay)
        if operation is None:
            raise KeyError(f"no operation with id {operation_id!r}")
        return operation

    # -- faults -------------------------------------------------------------------------

    def add_fault(self, rule: FaultRule) -> FaultRule:
        """Add a fault rule (checked after those added before it) and return it."""
        return self._backend.faults.add(rule)

    def inject(
        self,
        kind: FaultKind = "status",
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
        times: int | None = None,
        probability: float | None = None,
        delay: float = 0.0,
        body: object = None,
        content_type: str | None = None,
        retry_after: int | str | datetime | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FaultRule:
        """Add a :class:`FaultRule` built from these arguments; see its documentation.

        ``server.inject(status=503, times=2, retry_after=1)`` answers the next two API
        requests with 503; ``server.inject("drop", method="POST")`` drops every cancel.
        """
        return self.add_fault(
            FaultRule(
                kind=kind,
                status=status,
                method=method,
                path=path,
                operation_id=operation_id,
                times=times,
                probability=probability,
                delay=delay,
                body=body,
                content_type=content_type,
                retry_after=retry_after,
                headers=headers or {},
            )
        )

    @property
    def faults(self) -> list[FaultRule]:
        """The active fault rules; ``times`` shows the firings each has left."""
        return self._backend.faults.rules

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._backend.faults.clear()

    # -- request log --------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestLogEntry]:
        """API requests received so far, oldest first (``/_mock`` requests are not logged)."""
        return self._backend.log.entries

    def find_requests(
        self,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
    ) -> list[RequestLogEntry]:
        """Logged requests matching every filter; ``path`` is a glob (raw or decoded)."""
        return self._backend.log.find(method, path, operation_id)

    def count(
        self,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
    ) -> int:
        """How many logged requests match every filter (see :meth:`find_requests`)."""
        return len(self.find_requests(method, path, operation_id))

    def clear_requests(self) -> None:
        """Empty the request log and restart attempt numbering."""
        self._backend.log.clear()

    def reset(self) -> None:
        """Forget operations, fault rules, the capacity limit, the outage and the request log;
        reseed the fault random."""
        reset_backend(self._backend)
