"""Requests through a real proxy (proxy.py on 127.0.0.1): from the environment by default,
``NO_PROXY``, an explicit ``proxy=``, a proxy that refuses or is not there, and what the
proxy gets to see (a ``CONNECT`` line for https, never the key)."""

from __future__ import annotations

import base64
import ssl

import aiohttp
import pytest

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import ConnectionError, InvalidRequestError
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.utils.retries import RetryConfig
from tests.network.conftest import PROXY_PASSWORD, PROXY_USER, Tap, proxy_url
from tests.secret_support import SECRET_KEY, everything_about
from tests.support import operation

NO_RETRIES = RetryConfig(strategy="none")
BASIC = "Basic " + base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()


async def test_https_goes_through_the_environment_proxy_in_a_connect_tunnel(
    tls_server: ScriptedServer, tap: Tap, ca_bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls_server.then(json_response(operation()))
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(tap.port))
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url, ca_bundle=ca_bundle) as c:
        res = await operations_get_operation(c, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res
    port = tls_server.url.rsplit(":", 1)[1]
    # All the proxy saw: the tunnel's target and its own credentials, then TLS records.
    assert bytes(tap.sent).startswith(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n".encode())
    assert f"Proxy-Authorization: {BASIC}".encode() in tap.sent
    assert SECRET_KEY.encode() not in tap.sent
    assert b"/operations/" not in tap.sent
    # The server got the key, and nothing of the proxy's.
    seen = tls_server.requests[0].headers
    assert seen["Authorization"] == f"Bearer {SECRET_KEY}"
    assert "Proxy-Authorization" not in seen


async def test_no_proxy_hosts_are_reached_directly(
    tls_server: ScriptedServer, tap: Tap, ca_bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls_server.then(json_response(operation()))
    monkeypatch.setenv("https_proxy", proxy_url(tap.port))  # lower case counts as well
    monkeypatch.setenv("NO_PROXY", "example.com, 127.0.0.1")
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url, ca_bundle=ca_bundle) as c:
        res = await operations_get_operation(c, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res
    assert tap.connections == 0


async def test_trust_env_false_and_a_session_of_yours_ignore_the_environment(
    server: ScriptedServer, tap: Tap, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.then(json_response(operation()))
    monkeypatch.setenv("HTTP_PROXY", proxy_url(tap.port))
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url, trust_env=False) as core:
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
    async with (
        aiohttp.ClientSession() as session,
        SDKCore(api_key=SECRET_KEY, server_url=server.url, session=session) as core,
    ):
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
    assert tap.connections == 0
    assert len(server.requests) == 2


async def test_the_environment_proxy_serves_plain_http_to_this_machine_from_this_machine(
    server: ScriptedServer, tap: Tap, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.then(json_response(operation()))
    monkeypatch.setenv("HTTP_PROXY", proxy_url(tap.port))
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res
    # Plain http goes to the proxy as it is (absolute form), so only to one on this machine.
    assert bytes(tap.sent).startswith(f"GET {server.url}/operations/op_1 HTTP/1.1".encode())
    assert server.requests[0].headers["Authorization"] == f"Bearer {SECRET_KEY}"


async def test_a_loopback_server_is_not_sent_to_a_proxy_elsewhere(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.then(json_response(operation()))
    # proxy.invalid cannot be resolved: had the request gone there, it would have failed.
    monkeypatch.setenv("HTTP_PROXY", "http://user:pw@proxy.invalid:3128")
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res


async def test_an_explicit_proxy_is_used_on_a_session_of_yours_too(
    tls_server: ScriptedServer, tap: Tap, ca_bundle: str
) -> None:
    tls_server.then(json_response(operation()))
    connector = aiohttp.TCPConnector(ssl=ssl.create_default_context(cafile=ca_bundle))
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        SDKCore(
            api_key=SECRET_KEY,
            server_url=tls_server.url,
            session=session,
            proxy=proxy_url(tap.port),
        ) as core,
    ):
        res = await operations_get_operation(core, {"operation_id": "op_1"})
        assert isinstance(res, Ok), res
        assert not session.closed
    assert bytes(tap.sent).startswith(b"CONNECT 127.0.0.1:")


async def test_a_proxy_that_refuses_is_named_without_its_credentials(
    tls_server: ScriptedServer, proxy_port: int, ca_bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls_server.then(json_response(operation()))
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(proxy_port, password="WRONG-pass-1a2b3c"))
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url, ca_bundle=ca_bundle) as c:
        res = await operations_get_operation(c, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    text = str(res.error)
    assert f"the proxy http://***@127.0.0.1:{proxy_port} (from HTTPS_PROXY)" in text
    assert "refused to open a tunnel" in text
    assert "407" in text
    assert "proxy's address and credentials" in text  # what to do
    assert res.error.__cause__ is not None
    assert isinstance(res.error.__cause__, aiohttp.ClientHttpProxyError)
    everything = everything_about(res.error)
    for secret in ("WRONG-pass-1a2b3c", SECRET_KEY, PROXY_USER):
        assert secret not in everything
    assert tls_server.requests == []  # refused at the proxy, and not retried into it again


async def test_a_proxy_that_is_not_there_is_named_without_its_credentials(
    tls_server: ScriptedServer, ca_bundle: str, unused_port: int
) -> None:
    async with SDKCore(
        api_key=SECRET_KEY,
        server_url=tls_server.url,
        ca_bundle=ca_bundle,
        proxy=proxy_url(unused_port),
        retry_config=NO_RETRIES,
    ) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    text = str(res.error)
    assert (
        f"could not connect to the proxy http://***@127.0.0.1:{unused_port} (from proxy=)" in text
    )
    everything = everything_about(res.error)
    assert PROXY_PASSWORD not in everything
    assert SECRET_KEY not in everything


async def test_plain_http_to_a_proxy_elsewhere_is_refused_before_sending(
    server: ScriptedServer,
) -> None:
    proxy = "http://user:pw-9z8y7x@proxy.example.com:3128"
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url, proxy=proxy) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    assert "clear text" in str(res.error)
    assert "http://***@proxy.example.com:3128 (from proxy=)" in str(res.error)
    assert "pw-9z8y7x" not in everything_about(res.error)
    assert server.requests == []


async def test_a_malformed_environment_proxy_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://user:pw-4f5e6d@127.0.0.1:1080")
    async with SDKCore(api_key=SECRET_KEY, server_url="https://127.0.0.1:1") as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, InvalidRequestError)
    assert "HTTPS_PROXY 'socks5://***@127.0.0.1:1080' is not an http:// or https://" in str(
        res.error
    )
    assert "pw-4f5e6d" not in everything_about(res.error)


async def test_a_proxy_whose_name_does_not_resolve_is_named_as_the_proxy() -> None:
    proxy = "http://user:pw-3c2b1a@proxy.invalid:3128"
    async with SDKCore(
        api_key=SECRET_KEY, server_url="https://127.0.0.1:1", proxy=proxy, retry_config=NO_RETRIES
    ) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert isinstance(res.error, ConnectionError)
    assert "could not connect to the proxy http://***@proxy.invalid:3128" in str(res.error)
    assert "pw-3c2b1a" not in everything_about(res.error)
