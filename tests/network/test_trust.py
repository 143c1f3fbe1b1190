"""What the SDK-owned session trusts and reads: ``ca_bundle``, ``SSL_CERT_FILE``, never
``~/.netrc``; and the proxy settings as a user sees them (reprs, refusals)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.errors import ConnectionError
from openapi.testing.scripted import ScriptedServer, json_response
from tests.environment import child_env
from tests.network.conftest import PROXY_PASSWORD, PROXY_USER, Tap, proxy_url
from tests.secret_support import SECRET_KEY
from tests.support import operation


async def test_ca_bundle_trusts_a_private_ca(tls_server: ScriptedServer, ca_bundle: str) -> None:
    tls_server.then(json_response(operation()))
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url, ca_bundle=ca_bundle) as c:
        assert isinstance(await operations_get_operation(c, {"operation_id": "op_1"}), Ok)
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"}, None)
    assert isinstance(res, Err)  # the system's store does not know that CA
    assert isinstance(res.error, ConnectionError)
    assert "pass ca_bundle= the PEM file of the CA" in str(res.error)  # what to do


def test_a_ca_bundle_that_cannot_be_loaded_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'ca_bundle' '.*missing\.pem' is not a readable"):
        SDKCore(api_key=SECRET_KEY, ca_bundle=tmp_path / "missing.pem")
    empty = tmp_path / "empty.pem"
    empty.write_text("not a certificate\n")
    with pytest.raises(ValueError, match="PEM CA certificates"):
        SDKCore(api_key=SECRET_KEY, ca_bundle=str(empty))


def test_ca_bundle_and_verify_ssl_are_not_combined(ca_bundle: str) -> None:
    with pytest.raises(ValueError, match=r"either ca_bundle= or verify_ssl="):
        SDKCore(api_key=SECRET_KEY, ca_bundle=ca_bundle, verify_ssl=False)


_CHILD = """
import asyncio, sys
from openapi import SDK

async def main():
    async with SDK(api_key="k", server_url=sys.argv[1]) as sdk:
        res = await sdk.operations.get_operation(operation_id="op_1")
    print(res.operation.id)

asyncio.run(main())
"""


async def test_ssl_cert_file_is_honoured_when_set_as_the_process_starts(
    tls_server: ScriptedServer, ca_bundle: str
) -> None:
    tls_server.then(json_response(operation()))
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-c", _CHILD, tls_server.url),
        env=child_env(SSL_CERT_FILE=ca_bundle),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), timeout=120)
    assert child.returncode == 0, err.decode()
    assert out.decode().strip() == "op_1"


@pytest.fixture
def netrc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME whose ~/.netrc (also $NETRC) has credentials for 127.0.0.1 and localhost."""
    netrc = tmp_path / ".netrc"
    netrc.write_text(
        f"machine 127.0.0.1 login {PROXY_USER} password {PROXY_PASSWORD}\n"
        f"machine localhost login {PROXY_USER} password {PROXY_PASSWORD}\n"
        f"default login {PROXY_USER} password {PROXY_PASSWORD}\n"
    )
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    return tmp_path


@pytest.mark.usefixtures("netrc_home")
async def test_netrc_never_replaces_or_joins_the_api_key(server: ScriptedServer) -> None:
    server.then(json_response(operation()))
    async with SDKCore(api_key=SECRET_KEY, server_url=server.url) as core:
        res = await operations_get_operation(core, {"operation_id": "op_1"})
    assert isinstance(res, Ok), res
    headers = server.requests[0].headers
    assert headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert "Proxy-Authorization" not in headers


@pytest.mark.usefixtures("netrc_home")
async def test_netrc_is_not_read_for_the_proxy_either(
    tls_server: ScriptedServer, tap: Tap, ca_bundle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The netrc has the proxy's credentials: were it read, the proxy would let us through.
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(tap.port, user=None))
    async with SDKCore(api_key=SECRET_KEY, server_url=tls_server.url, ca_bundle=ca_bundle) as c:
        res = await operations_get_operation(c, {"operation_id": "op_1"})
    assert isinstance(res, Err)
    assert "407" in str(res.error)
    assert b"Proxy-Authorization" not in tap.sent


def test_proxy_credentials_are_not_in_the_configuration_repr() -> None:
    core = SDKCore(api_key=SECRET_KEY, proxy=proxy_url(3128))
    assert core.config.proxy == proxy_url(3128)  # a plain field, as given
    assert "proxy='http://***@127.0.0.1:3128'" in repr(core.config)
    assert PROXY_PASSWORD not in repr(core.config)
    assert PROXY_PASSWORD not in repr(core)


@pytest.mark.parametrize(
    "proxy", ["socks5://user:pw-7c6b5a@h:1080", "http://user:pw-7c6b5a@:3128", "http://"]
)
def test_a_malformed_proxy_setting_is_a_value_error_without_its_credentials(proxy: str) -> None:
    with pytest.raises(ValueError, match=r"proxy= .* is not an http:// or https:// proxy URL") as e:
        SDKCore(api_key=SECRET_KEY, proxy=proxy)
    assert "pw-7c6b5a" not in str(e.value)
