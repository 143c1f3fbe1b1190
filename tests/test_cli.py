"""The ``openapi`` command, run as a real subprocess against the embedded mock server.

The mock server runs in the test's event loop; the CLI process talks real HTTP to it. Every
run checks that the API key never shows up in stdout or stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import pty
import re
import signal
import socket
import sys
import tty
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import openapi
from openapi._serialization import decode_operation
from openapi.cli import ExitCode
from openapi.testing import MockServer

KEY = "sk-cli-UNMISTAKABLE-9f2e1d"
WRONG_KEY = "sk-cli-WRONG-KEY-4b7c0a"
SECRETS = (KEY, WRONG_KEY)
SRC = str(Path(openapi.__file__).resolve().parents[1])
API_FIELDS = {
    "id",
    "status",
    "created_at",
    "updated_at",
    "completed_at",
    "progress",
    "result",
    "error",
    "metadata",
}
FAST = ("--interval", "0.05")


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli_env(url: str | None, key: str | None = KEY, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAPI_")}
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = SRC if not path else SRC + os.pathsep + path
    if url is not None:
        env["OPENAPI_SERVER_URL"] = url
    if key is not None:
        env["OPENAPI_API_KEY"] = key
    env.update(extra)
    return env


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


async def run_cli(*args: str, env: Mapping[str, str], timeout: float = 20) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    run = Run(process.returncode, out.decode(), err.decode())
    assert_no_secret(run.out, run.err)
    return run


def error_line(run: Run) -> str:
    """The single error line the CLI writes on stderr."""
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("openapi: error: "), run.err
    return lines[0]


@pytest.fixture
async def server() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=KEY, poll_hint=None, cancel_delay=0.05) as mock:
        yield mock


@pytest.fixture
def env(server: MockServer) -> dict[str, str]:
    return cli_env(server.url)


# --- get and cancel ------------------------------------------------------------------------


async def test_get_human(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-done", duration=0, result={"rows": 3}, metadata={"team": "x"})
    run = await run_cli("get", "op-done", env=env)
    assert run.code == ExitCode.OK, run.err
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines[0] == "operation   op-done"
    assert "status      succeeded" in lines
    assert "progress    100%" in lines
    assert '  result      {"rows": 3}'.strip() in lines
    assert any(line.startswith("completed   20") for line in lines)
    assert any(line.startswith("request id  req_") for line in lines)


async def test_get_json_is_the_operation(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-json", outcome="failed", duration=0, error=("boom", "It broke"))
    run = await run_cli("get", "op-json", "--json", env=env)
    assert run.code == ExitCode.OK, run.err
    document = json.loads(run.out)  # exactly one document
    assert set(document) == API_FIELDS
    assert document["status"] == "failed"
    assert document["error"] == {"code": "boom", "message": "It broke", "details": None}
    assert isinstance(document["created_at"], str)
    # Round-trips through the SDK's own decoder, to the same operation the server reports.
    decoded = decode_operation(run.out.encode())
    assert decoded.id == "op-json"
    assert decoded.failed
    again = decode_operation(json.dumps(server.get_operation("op-json").to_json()).encode())
    assert decoded == again


async def test_get_running_operation_exits_zero(server: MockServer) -> None:
    server.create_operation("op-q", duration=None)
    # Options may come before the command too; flags and env vars are interchangeable.
    env = cli_env(None, key=None)
    run = await run_cli("--api-key", KEY, "--server-url", server.url, "get", "op-q", env=env)
    assert run.code == ExitCode.OK
    assert "status      queued" in run.out.splitlines()


async def test_cancel(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-c", duration=None)
    run = await run_cli("cancel", "op-c", "--json", env=env)
    assert run.code == ExitCode.OK, run.err
    assert json.loads(run.out)["status"] in ("cancelling", "cancelled")
    assert server.count(method="POST", operation_id="op-c") == 1


# --- wait ----------------------------------------------------------------------------------


async def test_wait_succeeds(server: MockServer, env: dict[str, str]) -> None:
    # Driven by polls, not by time: the CLI sees 1/3, 2/3 and then the outcome,
    # however long the process takes to start.
    server.create_operation("op-w", polls=3, result={"ok": True})
    run = await run_cli("wait", "op-w", *FAST, env=env)
    assert run.code == ExitCode.OK, run.err
    progress_lines = [line for line in run.out.splitlines() if line.startswith("op-w: ")]
    assert len(progress_lines) == 3  # one per state change, not a bar (stdout is a pipe)
    assert progress_lines[-1].startswith("op-w: succeeded 100%")
    assert "\r" not in run.out
    assert "status      succeeded" in run.out.splitlines()
    assert 'result      {"ok": true}' in run.out.splitlines()
    assert re.search(r"^request id  req_[0-9a-f]{32}$", run.out, re.MULTILINE), run.out


async def test_wait_json_is_one_document(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-wj", duration=0.2)
    run = await run_cli("wait", "op-wj", "--json", *FAST, env=env)
    assert run.code == ExitCode.OK, run.err
    assert json.loads(run.out)["status"] == "succeeded"
    assert run.err == ""


async def test_wait_failed(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-f", outcome="failed", duration=0.2, error=("boom", "It broke"))
    run = await run_cli("wait", "op-f", *FAST, env=env)
    assert run.code == ExitCode.FAILED
    assert "error       boom: It broke" in run.out.splitlines()


async def test_wait_cancelled(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-x", duration=None)
    server.cancel("op-x")
    run = await run_cli("wait", "op-x", *FAST, env=env)
    assert run.code == ExitCode.CANCELLED, run.err
    assert "status      cancelled" in run.out.splitlines()


async def test_wait_timeout_leaves_operation_running(
    server: MockServer, env: dict[str, str]
) -> None:
    server.create_operation("op-t", duration=None)
    run = await run_cli("wait", "op-t", "--timeout", "0.4", "--json", *FAST, env=env)
    assert run.code == ExitCode.WAIT_TIMEOUT
    assert "not done within 0.4 s" in error_line(run)
    assert "--cancel-on-timeout" in error_line(run)
    assert json.loads(run.out)["status"] == "queued"  # the last state seen
    assert server.count(method="POST") == 0
    assert server.get_operation("op-t").status == "queued"


async def test_wait_timeout_cancels_with_flag(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-tc", duration=None)
    run = await run_cli("wait", "op-tc", "--timeout", "0.4", "--cancel-on-timeout", *FAST, env=env)
    assert run.code == ExitCode.WAIT_TIMEOUT
    assert "cancel requested" in error_line(run)
    assert server.count(method="POST", operation_id="op-tc") == 1


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["get", "cancel", "wait"])
async def test_not_found(command: str, env: dict[str, str]) -> None:
    run = await run_cli(command, "no-such-op", "--json", env=env)
    assert run.code == ExitCode.NOT_FOUND
    assert run.out == ""  # --json: no operation, no document
    line = error_line(run)
    assert "'no-such-op' not found (HTTP 404" in line
    assert "--server-url" in line


async def test_wrong_key(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-k", duration=None)
    run = await run_cli("get", "op-k", "--api-key", WRONG_KEY, "-v", env=env)
    assert run.code == ExitCode.AUTH
    assert run.out == ""
    errors = [line for line in run.err.splitlines() if line.startswith("openapi: error: ")]
    assert len(errors) == 1
    assert "HTTP 401" in errors[0]
    assert "--api-key" in errors[0]
    assert "OPENAPI_API_KEY" in errors[0]
    assert " DEBUG: " in run.err  # -v logged the request ...
    assert "-> 401" in run.err  # ... and its outcome, without the key (checked by run_cli)


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = cli_env(f"http://127.0.0.1:{port}")
    run = await run_cli("get", "op-1", "--retry-time", "0", env=env)
    assert run.code == ExitCode.CONNECTION
    line = error_line(run)
    assert f"cannot reach http://127.0.0.1:{port}" in line
    assert "--server-url" in line


async def test_missing_key(server: MockServer) -> None:
    run = await run_cli("get", "op-1", env=cli_env(server.url, key=None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert "--api-key" in line
    assert "OPENAPI_API_KEY" in line
    assert server.requests == []


async def test_missing_server_url() -> None:
    run = await run_cli("wait", "op-1", env=cli_env(None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert "--server-url" in line
    assert "OPENAPI_SERVER_URL" in line


async def test_insecure_url_names_the_flag() -> None:
    run = await run_cli("get", "op-1", "--server-url", "http://ops.example.com", env=cli_env(None))
    assert run.code == ExitCode.USAGE
    assert "--allow-insecure-http" in error_line(run)


async def test_invalid_id_is_usage_error(server: MockServer, env: dict[str, str]) -> None:
    run = await run_cli("get", "..", env=env)
    assert run.code == ExitCode.USAGE
    error_line(run)
    assert server.requests == []


async def test_help_documents_exit_codes_and_hides_key(server: MockServer) -> None:
    env = cli_env(server.url)
    run = await run_cli("wait", "--help", env=env)
    assert run.code == 0
    assert "--cancel-on-interrupt" in run.out
    for code in ("130", "not found", "HTTP 401/403", "--timeout reached"):
        assert code in run.out
    top = await run_cli("--api-key", KEY, "--help", env=env)
    assert top.code == 0
    assert "exit status:" in top.out
    mock_help = await run_cli("mock-server", "--help", env=env)  # its default is $OPENAPI_API_KEY
    assert mock_help.code == 0
    assert "--port" in mock_help.out


async def test_mock_server_subcommand() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi",
        "mock-server",
        "--port",
        "0",
        "--api-key",
        KEY,
        "--create",
        "op-m",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(None),
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        assert line.startswith("Mock Operations server listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        run = await run_cli("get", "op-m", "--json", env=cli_env(url))
        assert run.code == ExitCode.OK, run.err
        assert json.loads(run.out)["id"] == "op-m"
    finally:
        process.terminate()
        await process.communicate()


# --- terminal and signals ------------------------------------------------------------------


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


async def test_progress_bar_on_a_terminal(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-tty", duration=0.6)
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\n" -> "\r\n" translation: every "\r" seen is the bar's own
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "openapi",
            "wait",
            "op-tty",
            *FAST,
            stdout=slave,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
    finally:
        os.close(slave)
    try:
        reader = asyncio.create_task(asyncio.to_thread(_read_all, master))
        _, err = await asyncio.wait_for(process.communicate(), 20)
        out = (await asyncio.wait_for(reader, 20)).decode()
    finally:
        os.close(master)
    assert_no_secret(out, err.decode())
    assert process.returncode == ExitCode.OK, err
    bar_part, _, summary = out.partition("\n")
    assert bar_part.startswith("\r")
    assert bar_part.count("\r") >= 2  # redrawn in place
    assert "op-tty [" in bar_part
    assert "%" in bar_part
    assert "100% succeeded" in bar_part.rsplit("\r", 1)[1]
    assert "status      succeeded" in summary.splitlines()


async def _interrupted_wait(server: MockServer, env: dict[str, str], *flags: str) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi",
        "wait",
        "op-int",
        *FAST,
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    first = await asyncio.wait_for(process.stdout.readline(), 20)
    assert first.decode().startswith("op-int: queued")  # it is polling now
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode is not None
    run = Run(process.returncode, first.decode() + out.decode(), err.decode())
    assert_no_secret(run.out, run.err)
    return run


async def test_sigint_stops_waiting_without_cancelling(
    server: MockServer, env: dict[str, str]
) -> None:
    server.create_operation("op-int", duration=None)
    run = await _interrupted_wait(server, env)
    assert run.code == ExitCode.INTERRUPTED
    line = error_line(run)
    assert "interrupted" in line
    assert "not cancelled" in line
    assert "Traceback" not in run.err
    assert server.count(method="POST") == 0
    assert server.get_operation("op-int").status == "queued"


async def test_sigint_with_cancel_on_interrupt(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-int", duration=None)
    run = await _interrupted_wait(server, env, "--cancel-on-interrupt")
    assert run.code == ExitCode.INTERRUPTED
    assert "cancel requested" in error_line(run)
    assert server.count(method="POST", operation_id="op-int") == 1
