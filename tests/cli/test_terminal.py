"""On a terminal (a pty) and at the edges of a pipeline: progress, retries, signals, SIGPIPE.

Everything waits on events (a line written, a request counted), never on a clock.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from openapi.cli import ExitCode
from openapi.testing import MockServer
from tests.cli.support import (
    FAST,
    OPENAPI,
    Run,
    assert_no_secret,
    cli_env,
    error_line,
    on_terminal,
    run_cli,
)

DONE = {
    "id": "op-b",
    "status": "succeeded",
    "created_at": "2026-11-28T10:00:00Z",
    "updated_at": "2026-11-28T10:00:05Z",
    "completed_at": "2026-11-28T10:00:05Z",
    "progress": 1.0,
    "result": None,
    "error": None,
    "metadata": {},
}
_NOTICE = re.compile(r"openapi: attempt (\d+) failed \(([^)]*)\); next try in (\d+\.\d) s\n")


async def test_progress_bar_on_a_terminal(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-tty", polls=3)
    async with on_terminal("wait", "op-tty", *FAST, env=env, stdout=True, stderr=False) as (
        process,
        terminal,
    ):
        out = await terminal.read_all()
        _, err = await process.communicate()
    assert_no_secret(out, err.decode())
    assert process.returncode == ExitCode.OK, err
    bar_part, _, summary = out.partition("\n")
    assert bar_part.startswith("\r")
    assert bar_part.count("\r") >= 3  # redrawn in place, once per state at least
    assert "op-tty [" in bar_part
    assert "33% running" in bar_part
    assert "100% succeeded" in bar_part.rsplit("\r", 1)[1]
    assert "status      succeeded" in summary.splitlines()


async def test_retries_are_shown_on_a_terminal(server: MockServer, env: dict[str, str]) -> None:
    # Two 503s, then the answer: stderr (a terminal) shows each retry as it happens, and
    # stdout (a pipe, as in `openapi get x | jq`) carries only the result.
    server.create_operation("op-r", duration=0)
    server.inject(status=503, times=2)
    async with on_terminal("get", "op-r", env=env, stdout=False, stderr=True) as (
        process,
        terminal,
    ):
        err = await terminal.read_all()
        out, _ = await process.communicate()
    assert_no_secret(out.decode(), err)
    assert process.returncode == ExitCode.OK, err
    notices = _NOTICE.findall(err)
    assert [(attempt, reason) for attempt, reason, _ in notices] == [
        ("1", "HTTP 503 Service Unavailable"),
        ("2", "HTTP 503 Service Unavailable"),
    ]
    assert all(0 < float(delay) <= 10 for _, _, delay in notices)
    assert _NOTICE.sub("", err) == ""  # nothing else on stderr
    assert out.decode().splitlines()[0] == "operation   op-r"
    assert "attempt" not in out.decode()


async def test_a_wrong_port_says_what_it_is_doing_at_once() -> None:
    # The default retry budget is 60 s; the first notice comes right after the first failed
    # attempt, not at the end.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = cli_env(f"http://127.0.0.1:{port}")
    async with on_terminal("get", "op-1", env=env, stdout=False, stderr=True) as (
        process,
        terminal,
    ):
        err = await terminal.read_until("next try in")
        assert process.returncode is None  # still retrying
        process.send_signal(signal.SIGINT)
        await process.communicate()
    assert re.search(r"openapi: attempt 1 failed \(ClientConnectorError: [^)]*127\.0\.0\.1", err)
    assert process.returncode == ExitCode.INTERRUPTED


async def test_a_retry_notice_blanks_the_bar_line_first() -> None:
    # The first poll is answered (503) only once the bar is on the terminal: then the
    # notice must not be glued to it, and the bar comes back below it.
    release = asyncio.Event()
    polls = 0

    async def poll(request: web.Request) -> web.StreamResponse:
        nonlocal polls
        polls += 1
        if polls == 1:
            await release.wait()
            return web.json_response({"code": "busy", "message": "Later."}, status=503)
        return web.json_response(DONE)

    app = web.Application()
    app.router.add_get("/operations/{id}", poll)
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("")).rstrip("/")
        async with on_terminal(
            "wait", "op-b", *FAST, env=cli_env(url), stdout=True, stderr=True
        ) as (process, terminal):
            await terminal.read_until("waiting for the first answer")
            release.set()
            text = await terminal.read_all()
            await process.communicate()
    assert process.returncode == ExitCode.OK, text
    blank_then_notice = r"\r {20,}\ropenapi: attempt 1 failed \(HTTP 503 Service Unavailable\);"
    assert re.search(blank_then_notice, text), repr(text)
    after = text.split("openapi: attempt 1 failed", 1)[1]
    assert "100% succeeded" in after


async def test_scripts_see_no_retry_notices(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-s", duration=0)
    server.inject(status=503, times=2)
    run = await run_cli("get", "op-s", env=env)  # stdout and stderr are pipes
    assert run.code == ExitCode.OK, run.err
    assert run.err == ""
    assert run.out.splitlines()[0] == "operation   op-s"
    assert server.count(method="GET") == 3


@pytest.mark.parametrize("args", [("get", "op-p"), ("wait", "op-p", "--json", *FAST)])
async def test_a_closed_stdout_ends_quietly_with_141(
    args: tuple[str, ...], server: MockServer, env: dict[str, str]
) -> None:
    # `openapi get x | head -0`, made deterministic: the reader is gone before the command
    # starts. 141 = 128 + SIGPIPE, what a shell reports for a program its reader left.
    server.create_operation("op-p", duration=0)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = await asyncio.create_subprocess_exec(
            *OPENAPI, *args, stdout=write_end, stderr=asyncio.subprocess.PIPE, env=env
        )
    finally:
        os.close(write_end)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 141 == ExitCode.BROKEN_PIPE
    assert err == b""  # no traceback, no "Exception ignored", no error line


async def _interrupted_wait(server: MockServer, env: dict[str, str], *flags: str) -> Run:
    process = await asyncio.create_subprocess_exec(
        *OPENAPI,
        "wait",
        "op-int",
        *FAST,
        *flags,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    first = await asyncio.wait_for(process.stdout.readline(), 30)
    assert first.decode().startswith("op-int: queued")  # it is polling now
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), 30)
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
