"""``get``, ``cancel`` and ``wait``, run as real subprocesses against the mock server.

Operations advance one step per poll (``polls=``), never by time, so nothing here depends
on how fast the command starts.
"""

from __future__ import annotations

import json
import re

import attrs

from openapi.cli import ExitCode
from openapi.models._converter import decode_json
from openapi.models.components import Operation
from openapi.testing import MockServer
from tests.cli.support import FAST, KEY, cli_env, error_line, run_cli

API_FIELDS = {field.name for field in attrs.fields(Operation)}  # the API's own names


async def test_get_human(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-done", duration=0, result={"rows": 3}, metadata={"team": "x"})
    run = await run_cli("get", "op-done", env=env)
    assert run.code == ExitCode.OK, run.err
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines[0] == "operation   op-done"
    assert "status      succeeded" in lines
    assert "progress    100%" in lines
    assert 'result      {"rows": 3}' in lines
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
    decoded = decode_json(run.out.encode(), Operation)
    assert decoded.id == "op-json"
    assert decoded.failed
    again = decode_json(json.dumps(server.get_operation("op-json").to_json()).encode(), Operation)
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


async def test_get_and_cancel_print_the_same_way(server: MockServer, env: dict[str, str]) -> None:
    # One code path prints what either call's response carries.
    server.create_operation("op-same", duration=0)
    got = await run_cli("get", "op-same", env=env)
    cancelled = await run_cli("cancel", "op-same", env=env)  # done already: unchanged
    assert cancelled.code == got.code == ExitCode.OK
    strip_id = re.compile(r"^request id .*$", re.MULTILINE)
    assert strip_id.sub("", cancelled.out) == strip_id.sub("", got.out)


async def test_wait_succeeds(server: MockServer, env: dict[str, str]) -> None:
    # Driven by polls, not by time: the command sees 1/3, 2/3 and then the outcome,
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
    server.create_operation("op-wj", polls=2)
    run = await run_cli("wait", "op-wj", "--json", *FAST, env=env)
    assert run.code == ExitCode.OK, run.err
    assert json.loads(run.out)["status"] == "succeeded"
    assert run.err == ""


async def test_wait_failed(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-f", outcome="failed", polls=2, error=("boom", "It broke"))
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
    line = error_line(run)
    assert "not done within 0.4 s (last status queued)" in line
    assert line.endswith("allow a longer --timeout, or pass --cancel-on-timeout to stop it")
    assert json.loads(run.out)["status"] == "queued"  # the last state seen
    assert server.count(method="POST") == 0
    assert server.get_operation("op-t").status == "queued"


async def test_wait_timeout_cancels_with_flag(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-tc", duration=None)
    run = await run_cli("wait", "op-tc", "--timeout", "0.4", "--cancel-on-timeout", *FAST, env=env)
    assert run.code == ExitCode.WAIT_TIMEOUT
    assert "cancel requested, status now cancelling" in error_line(run)
    assert server.count(method="POST", operation_id="op-tc") == 1
