"""Security under hostile servers: redirects, TLS, http:// and huge error bodies."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from openapi import Err, GetOperationResponse, Ok, Result
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import (
    CallError,
    ConnectionError,
    InvalidRequestError,
    ResponseValidationError,
    SDKDefaultError,
)
from openapi.utils.options import RequestOptions
from openapi.utils.retries import RetryConfig
from tests.hardening_support import SECRET_KEY, acquired
from tests.support import ScriptedServer, json_response, operation

ONE_ATTEMPT = RetryConfig.none()


def redirect_to(location: str, status: int = 302) -> web.StreamResponse:
    return web.Response(status=status, headers={"Location": location, "X-Request-Id": "r"})


# --- redirects ---------------------------------------------------------------------------


@pytest.fixture
async def other_server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as scripted:
        yield scripted


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_authorization_is_not_forwarded_to_another_origin(
    server: ScriptedServer, other_server: ScriptedServer, status: int
) -> None:
    async def bounce(request: web.Request) -> web.StreamResponse:
        return redirect_to(f"{other_server.url}{request.raw_path}", status)

    server.then(bounce)
    other_server.then(json_response(operation()))
    # A cancel follows only 307/308: a 301/302/303 would make it a GET (tests/hostile).
    calls = [operations_get_operation]
    if status in (307, 308):
        calls.append(operations_cancel_operation)
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        for call in calls:
            res = await call(core, {"operation_id": "op_1"})
            assert isinstance(res, Ok), res
    assert all(r.headers["Authorization"] == f"Bearer {SECRET_KEY}" for r in server.requests)
    assert len(other_server.requests) == len(calls)
    for seen in other_server.requests:
        assert "Authorization" not in seen.headers, seen.headers
        assert SECRET_KEY not in repr(seen.headers)


async def test_authorization_is_not_forwarded_to_another_host_on_the_same_port(
    server: ScriptedServer,
) -> None:
    # 127.0.0.1 -> localhost: the same socket, but another origin to the client.
    async def bounce_once(request: web.Request) -> web.StreamResponse:
        if request.host.startswith("127.0.0.1"):
            port = server.url.rsplit(":", 1)[1]
            return redirect_to(f"http://localhost:{port}{request.raw_path}")
        return web.json_response(operation())

    server.then(bounce_once)
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    first, second = server.requests
    assert first.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert second.headers["Host"].startswith("localhost")
    assert "Authorization" not in second.headers


async def test_a_caller_supplied_authorization_is_not_forwarded_either(
    server: ScriptedServer, other_server: ScriptedServer
) -> None:
    async def bounce(request: web.Request) -> web.StreamResponse:
        return redirect_to(f"{other_server.url}{request.raw_path}")

    server.then(bounce)
    other_server.then(json_response(operation()))
    options = RequestOptions(headers={"authorization": f"Bearer {SECRET_KEY}"})
    async with SDKCore(server_url=server.url) as core:
        assert isinstance(await operations_get_operation(core, {"operation_id": "o"}, options), Ok)
    assert "Authorization" not in other_server.requests[0].headers


async def test_same_origin_redirect_keeps_authorization(server: ScriptedServer) -> None:
    async def moved(request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/old/"):
            return redirect_to(f"{server.url}/operations/op_1")
        return web.json_response(operation())

    server.then(moved)
    async with SDKCore(api_key=SECRET_KEY, server_url=f"{server.url}/old") as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok)
    assert [r.path for r in server.requests] == ["/old/operations/op_1", "/operations/op_1"]
    assert all(r.headers["Authorization"] == f"Bearer {SECRET_KEY}" for r in server.requests)


# --- TLS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
async def https_url(self_signed: tuple[Path, Path]) -> AsyncIterator[str]:
    cert, key = self_signed
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(operation())

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    tls_server = TestServer(app, host="127.0.0.1", scheme="https")
    await tls_server.start_server(ssl=context)
    try:
        yield str(tls_server.make_url("")).rstrip("/")
    finally:
        await tls_server.close()


async def test_tls_is_verified_by_default(https_url: str) -> None:
    assert https_url.startswith("https://")
    async with SDKCore(api_key=SECRET_KEY, server_url=https_url) as c:  # default retries
        began = time.monotonic()
        res = await operations_get_operation(c, {"operation_id": "op_1"})
        elapsed = time.monotonic() - began
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    assert "certificate verify failed" in str(res.error).lower()
    assert "verify_ssl=" in str(res.error)  # says what to do
    assert elapsed < 1, "a certificate failure is permanent: it must not be retried"
    assert isinstance(res.error.__cause__, Exception)
    assert "Certificate" in type(res.error.__cause__).__name__


async def test_tls_verification_can_be_turned_off_or_given_a_trust_store(
    https_url: str, self_signed: tuple[Path, Path]
) -> None:
    trusting = ssl.create_default_context(cafile=str(self_signed[0]))
    for verify in (False, trusting):
        async with SDKCore(api_key=SECRET_KEY, server_url=https_url, verify_ssl=verify) as core:
            res = await operations_get_operation(core, {"operation_id": "op_1"})
        assert isinstance(res, Ok), (verify, res)


# --- http:// -------------------------------------------------------------------------------


async def test_per_call_server_url_cannot_downgrade_to_remote_http(
    server: ScriptedServer,
) -> None:
    # tests/test_config.py covers the core's own server_url; the per-call override is checked
    # the same way, so no call can route the key to a remote http:// host by accident.
    server.then(json_response(operation()))
    options = RequestOptions(server_url="http://ops.example.com")
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        for call in (operations_get_operation, operations_cancel_operation):
            res = await call(core, {"operation_id": "op_1"}, options)
            assert isinstance(res, Err)
            assert isinstance(res.error, InvalidRequestError)
            assert "allow_insecure_http=True" in str(res.error)
            assert SECRET_KEY not in str(res.error)
    assert server.requests == []


# --- huge error bodies -----------------------------------------------------------------------

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
    assert elapsed < 2, f"reading the error took {elapsed:.1f} s: was the whole body read?"
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
