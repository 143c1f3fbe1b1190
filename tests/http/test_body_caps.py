"""Bounded bodies: a huge error or success body is read up to its cap, never to its end."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from openapi import Err, GetOperationResponse, Result
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import CallError, ResponseValidationError, SDKDefaultError
from openapi.utils.retries import RetryConfig
from tests.pool_support import acquired
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer

ONE_ATTEMPT = RetryConfig.none()
HUGE = 50 * 1024 * 1024
CHUNK = 64 * 1024
CAP = 16 * 1024


class Flood:
    """A handler that streams a 50 MB body and records how much of it went out."""

    def __init__(self, status: int, content_type: str, *, announced: bool = True) -> None:
        self.status = status
        self.content_type = content_type
        self.announced = announced
        self.sent = 0
        self.completed = False
        self.finished = asyncio.Event()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            status=self.status, headers={"Content-Type": self.content_type}
        )
        if self.announced:
            response.content_length = HUGE
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            chunk = b'{"id": "' + b"x" * (CHUNK - 8)
            while self.sent < HUGE:
                await response.write(chunk)
                self.sent += CHUNK
            await response.write_eof()
            self.completed = True
        finally:
            self.finished.set()
        return response


async def get_flooded(
    server: ScriptedServer, flood: Flood
) -> tuple[Result[GetOperationResponse, CallError], float]:
    server.then(flood)
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url, retry_config=ONE_ATTEMPT) as c:
        began = time.monotonic()
        res = await operations_get_operation(c, {"operation_id": "op_1"})
        elapsed = time.monotonic() - began
        assert acquired(c) == 0
        await asyncio.wait_for(flood.finished.wait(), 10)
    assert not flood.completed, "the server sent all 50 MB: the client read the whole body"
    return res, elapsed


@pytest.mark.parametrize(
    ("status", "content_type"), [(500, "text/plain"), (404, "application/json"), (200, "text/html")]
)
async def test_huge_error_body_is_not_read_past_the_cap(
    server: ScriptedServer, status: int, content_type: str
) -> None:
    flood = Flood(status, content_type)
    res, elapsed = await get_flooded(server, flood)
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKDefaultError)
    assert len(res.error.body) == CAP, "the error body is kept up to the cap, no further"
    assert len(res.error.message) < 600, "a huge body must not reach the message"
    # The bytes the server got out (below) prove the cap; this only says the call ends.
    assert elapsed < 10, f"reading the error took {elapsed:.1f} s"
    assert flood.sent < HUGE // 2, f"the server pushed {flood.sent} bytes before the hang-up"


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
async def test_huge_success_body_is_refused_at_16_mib(
    server: ScriptedServer, announced: bool
) -> None:
    flood = Flood(200, "application/json", announced=announced)
    res, _ = await get_flooded(server, flood)
    assert isinstance(res, Err)
    assert isinstance(res.error, ResponseValidationError)
    assert "over 16 MiB" in str(res.error)
    assert len(res.error.body) == CAP
    assert flood.sent < 24 * 1024 * 1024, f"the server pushed {flood.sent} bytes"
