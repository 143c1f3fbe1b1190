"""A real proxy (proxy.py, in a child process), a tap that records what reaches it, and a
TLS server whose certificate a test trusts through ``ca_bundle``.

The proxy asks for Basic credentials (``PROXY_USER`` / ``PROXY_PASSWORD``): a request
without them is refused with 407, which is the "proxy that refuses" of the tests. The tap
sits between the SDK and the proxy and keeps every byte the SDK sent, so a test can say
what the proxy saw (a ``CONNECT`` line and no key, or the whole request).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from openapi.testing.scripted import ScriptedServer
from tests.environment import child_env
from tests.tls_support import self_signed_certificate

PROXY_USER = "proxy-user"
PROXY_PASSWORD = "proxy-PASSWORD-5e4d3c"
_START_SECONDS = 120.0  # a busy machine starts proxy.py's worker processes slowly


class Tap:
    """A TCP relay on 127.0.0.1 in front of ``upstream``, recording what clients send."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.sent = bytearray()
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def __aenter__(self) -> Tap:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            up_reader, upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            await asyncio.gather(
                self._pipe(reader, upstream, record=True),
                self._pipe(up_reader, writer, record=False),
            )
        finally:
            self._tasks.discard(task)
            writer.close()  # closing the transports is enough: nothing is awaited here
            if upstream is not None:
                upstream.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, record: bool
    ) -> None:
        try:
            while chunk := await reader.read(65536):
                if record:
                    self.sent += chunk
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.write_eof()


def _wait_for_port(process: subprocess.Popen[bytes], port_file: Path, log: Path) -> int:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"proxy.py exited with {process.returncode}:\n{log.read_text()}")
        text = port_file.read_text().strip() if port_file.exists() else ""
        if text.isdigit():
            port = int(text)
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return port
        time.sleep(0.1)
    pytest.fail(f"proxy.py did not start within {_START_SECONDS:g} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def proxy_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port of a proxy.py on 127.0.0.1 that wants ``PROXY_USER:PROXY_PASSWORD``."""
    folder = tmp_path_factory.mktemp("proxy")
    port_file, log = folder / "port", folder / "proxy.log"
    command = [
        *(sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0"),
        *("--port-file", str(port_file), "--num-acceptors", "1", "--num-workers", "1"),
        *("--basic-auth", f"{PROXY_USER}:{PROXY_PASSWORD}", "--log-file", str(log)),
    ]
    env = child_env(HOME=str(folder))  # proxy.py keeps its files under ~/.proxy
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        yield _wait_for_port(process, port_file, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
async def tap(proxy_port: int) -> AsyncIterator[Tap]:
    """A recording relay in front of the proxy."""
    async with Tap(proxy_port) as relay:
        yield relay


def proxy_url(port: int, *, user: str | None = PROXY_USER, password: str = PROXY_PASSWORD) -> str:
    """``http://user:password@127.0.0.1:port`` (no credentials with ``user=None``)."""
    userinfo = "" if user is None else f"{user}:{password}@"
    return f"http://{userinfo}127.0.0.1:{port}"


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def ca_bundle(certificate: tuple[Path, Path]) -> str:
    """The path of a CA bundle that trusts ``tls_server`` (its self-signed certificate)."""
    return str(certificate[0])


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def tls_server(certificate: tuple[Path, Path]) -> AsyncIterator[ScriptedServer]:
    """A scripted server over TLS with ``certificate``: trust it with ``ca_bundle=``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    async with ScriptedServer(tls=context) as scripted:
        yield scripted


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the proxy variables a developer's shell may have set."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
