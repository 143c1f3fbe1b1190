"""Property-based tests: whatever the input or the server sends, the outcome is typed.

The servers and the cores live on one event loop in a background thread for the whole
module, so each hypothesis example costs one round trip, not a server start.
"""

from __future__ import annotations

import asyncio
import json
import threading
import unicodedata
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    SDKDefaultError,
    UnprocessableEntityError,
)
from openapi.testing import MockServer
from openapi.utils.retries import RetryConfig
from tests.loops import new_loop
from tests.secret_support import SECRET_KEY
from tests.support import operation

T = TypeVar("T")

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Reply:
    """What the scripted server answers next (set by each example before its call)."""

    status: int = 200
    body: bytes | None = b""
    content_type: str | None = "application/json"


class Background:
    """An event loop in a thread that hosts the servers and the cores of this module."""

    def __init__(self) -> None:
        self.loop = new_loop()  # uvloop's under OPENAPI_TEST_LOOP=uvloop
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.reply = Reply()
        self.mock: MockServer
        self.scripted_url: str
        self.mock_core: SDKCore
        self.scripted_core: SDKCore
        self._runner: web.AppRunner

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        reply = self.reply
        response = web.Response(status=reply.status, body=reply.body)
        if reply.body is not None and reply.content_type is not None:
            response.headers["Content-Type"] = reply.content_type
        response.headers["X-Request-Id"] = "req_prop"
        return response

    async def start(self) -> None:
        self.mock = MockServer(api_key=SECRET_KEY)
        await self.mock.start()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.scripted_url = f"http://127.0.0.1:{port}"
        none = RetryConfig.none()
        self.mock_core = SDKCore(api_key=SECRET_KEY, server_url=self.mock.url, retry_config=none)
        self.scripted_core = SDKCore(
            api_key=SECRET_KEY, server_url=self.scripted_url, retry_config=none, timeout=5
        )

    async def stop(self) -> None:
        await self.mock_core.aclose()
        await self.scripted_core.aclose()
        await self._runner.cleanup()
        await self.mock.close()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture(scope="module")
def bg() -> Iterator[Background]:
    background = Background()
    background.run(background.start())
    try:
        yield background
    finally:
        background.run(background.stop())
        background.close()


async def _both(core: SDKCore, op_id: str) -> list[object]:
    get = await operations_get_operation(core, {"operation_id": op_id})
    cancel = await operations_cancel_operation(core, {"operation_id": op_id})
    return [get, cancel]


def _must_refuse(value: str) -> bool:
    return (
        not value
        or len(value) > 256
        or value in (".", "..")
        or any(unicodedata.category(c) in ("Cc", "Cs") for c in value)
    )


awkward_ids = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="./%?#;&=+ \\~-_", max_size=8),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=260),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zs", "Cf", "So"]), max_size=6),
)


@PROPERTY_SETTINGS
@given(op_id=awkward_ids)
@example(op_id="\ud800")  # a lone surrogate: not encodable as UTF-8
@example(op_id="a/b/../c")
@example(op_id="%2F")
@example(op_id="...")
@example(op_id="x" * 256)
def test_any_id_is_refused_before_sending_or_arrives_as_one_segment(
    bg: Background, op_id: str
) -> None:
    bg.mock.clear_requests()
    results = bg.run(_both(bg.mock_core, op_id))
    seen = bg.mock.requests
    if _must_refuse(op_id):
        for res in results:
            assert isinstance(res, Err)
            assert isinstance(res.error, InvalidRequestError), res.error
        assert seen == [], "a refused id must send nothing"
        return
    segment = quote(op_id, safe="")
    assert [(e.method, e.raw_path) for e in seen] == [
        ("GET", f"/operations/{segment}"),
        ("POST", f"/operations/{segment}/cancel"),
    ]
    assert "/" not in segment
    assert all(e.operation_id == op_id for e in seen), "the segment must decode back to the id"
    for res in results:  # no such operation on the mock: its 404 ApiError document
        assert isinstance(res, Err)
        assert isinstance(res.error, ApiError)
        assert res.error.code == "not_found"


_VALID = json.dumps(operation()).encode()

bodies = st.one_of(
    st.binary(max_size=2048),
    st.just(_VALID),
    st.binary(max_size=20).map(lambda junk: _VALID[:-1] + junk),  # mangled tail
    st.integers(0, len(_VALID)).map(lambda n: _VALID[:n]),  # truncated
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=10) | st.integers(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    ).map(lambda doc: json.dumps(doc).encode()),
    st.fixed_dictionaries(
        {},
        optional={
            key: st.none() | st.integers() | st.text(max_size=30) | st.just(value)
            for key, value in operation().items()
        },
    ).map(lambda doc: json.dumps(doc).encode()),
)


@PROPERTY_SETTINGS
@given(body=bodies)
@example(body=_VALID)
@example(body=b"[" * 100_000)  # nesting deep enough to overflow the JSON decoder's stack
@example(body=b"\xff\xfe\x00")
@example(body=b'{"id": "op", "status": "running", "created_at": "not a date"}')
@example(body=b"NaN")
def test_any_200_json_body_is_ok_or_validation_error(bg: Background, body: bytes) -> None:
    bg.reply.status, bg.reply.body, bg.reply.content_type = 200, body, "application/json"
    for res in bg.run(_both(bg.scripted_core, "op_1")):
        assert isinstance(res, Ok | Err)
        if isinstance(res, Err):
            assert isinstance(res.error, ResponseValidationError), repr(res.error)
            assert res.error.__cause__ is not None
    if body == _VALID:
        assert all(isinstance(res, Ok) for res in bg.run(_both(bg.scripted_core, "op_1")))


_API_ERROR = json.dumps({"code": "not_found", "message": "no such operation"}).encode()
_BODIES: dict[str, tuple[bytes, str]] = {
    "operation": (_VALID, "application/json"),
    "api_error": (_API_ERROR, "application/json"),
    "text": (b"plain words", "text/plain"),
}
_PER_STATUS: dict[int, type] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
"""The 4XX with a class of their own (issue 15): each an ``SDKDefaultError`` subclass."""
_NO_BODY = frozenset({204, 205, 304})
"""Statuses that cannot carry a body: the server sends none."""


def expected_class(status: int, kind: str) -> type:
    """The class the contract says a final response ends in."""
    if 200 <= status < 300:
        if status in _NO_BODY:
            return SDKDefaultError  # no JSON body at all: "unexpected content type"
        return {"operation": Ok, "api_error": ResponseValidationError}.get(kind, SDKDefaultError)
    if status == 404 and kind == "api_error":
        return ApiError
    if 500 <= status <= 599:
        return InternalServerError
    return _PER_STATUS.get(status, SDKDefaultError)  # and 3XX without Location


@PROPERTY_SETTINGS
# 1XX are interim responses: a server cannot send one as the final answer, so they are left out.
@given(status=st.integers(200, 599), kind=st.sampled_from(sorted(_BODIES)))
@example(status=404, kind="api_error")
@example(status=404, kind="text")
@example(status=204, kind="operation")
@example(status=304, kind="operation")
@example(status=302, kind="operation")
@example(status=429, kind="api_error")
def test_any_status_ends_in_the_contracts_class(bg: Background, status: int, kind: str) -> None:
    bg.reply.status = status
    bg.reply.body, bg.reply.content_type = (None, None) if status in _NO_BODY else _BODIES[kind]
    want = expected_class(status, kind)
    for res in bg.run(_both(bg.scripted_core, "op_1")):
        got: object = res if isinstance(res, Ok) else res.error
        assert type(got) is want, f"HTTP {status} with {kind}: {got!r}"
        if isinstance(got, SDKDefaultError | ApiError | ResponseValidationError):
            assert got.status_code == status
