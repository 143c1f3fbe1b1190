"""The key never travels unprotected: TLS is verified, and ``http://`` to a remote host is
refused (the core's own URL: ``tests/core/test_config.py``; here the per-call ``server_url``).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import ConnectionError, InvalidRequestError
from openapi.utils.options import RequestOptions
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.secret_support import SECRET_KEY
from tests.support import ScriptedServer, json_response, operation


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
    # The default retry rules, but a first retry only after 20 s: had the failure been
    # retried, the call would take that long, however fast or slow the machine.
    patient = RetryConfig(backoff=BackoffStrategy(initial_interval=20, max_interval=20))
    async with SDKCore(api_key=SECRET_KEY, server_url=https_url, retry_config=patient) as c:
        began = time.monotonic()
        res = await operations_get_operation(c, {"operation_id": "op_1"})
        elapsed = time.monotonic() - began
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    assert "certificate verify failed" in str(res.error).lower()
    assert "verify_ssl=" in str(res.error)  # says what to do
    assert elapsed < 10, "a certificate failure is permanent: it must not be retried"
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
    # tests/core/test_config.py covers the core's own server_url; the per-call override is checked
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
