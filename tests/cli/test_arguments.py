"""Options: before or after any command, ``mock-server`` included; the key never printed."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from openapi.cli import ExitCode
from openapi.cli.arguments import take_api_key
from openapi.cli.exit_codes import MEANINGS
from openapi.testing import MockServer
from tests.cli.support import FAST, KEY, OPENAPI, WRONG_KEY, assert_no_secret, cli_env, run_cli

_LISTENING = re.compile(rb"^Mock Operations server listening on (http://\S+)$")


@asynccontextmanager
async def mock_server_command(*args: str) -> AsyncIterator[tuple[str, list[bytes]]]:
    """Run ``openapi ARGS`` (a mock server); yield its URL, and its stderr once it ended."""
    process = await asyncio.create_subprocess_exec(
        *OPENAPI,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(None, key=None),
    )
    err: list[bytes] = []
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        match = _LISTENING.match(line.strip())
        assert match, line
        yield match[1].decode(), err
    finally:
        if process.returncode is None:
            process.terminate()
        err.append((await process.communicate())[1])
    assert_no_secret(err[0].decode())


async def test_global_options_before_mock_server_apply_to_it() -> None:
    # The key before the command is the one the mock expects; --server-url where it listens
    # (port 0: any free one); -v logs its requests. A client option means nothing to a
    # server, and is no error.
    async with mock_server_command(
        *("--api-key", KEY, "--server-url", "http://127.0.0.1:0", "--request-timeout", "5"),
        *("-v", "mock-server", "--create", "op-m"),
    ) as (url, err):
        assert url.startswith("http://127.0.0.1:")
        good = await run_cli("get", "op-m", "--json", env=cli_env(url))
        assert good.code == ExitCode.OK, good.err
        assert json.loads(good.out)["id"] == "op-m"
        refused = await run_cli("get", "op-m", env=cli_env(url, key=WRONG_KEY))
        assert refused.code == ExitCode.AUTH
    assert b"GET /operations/op-m" in err[0]  # -v: the access log


async def test_mock_server_options_after_the_command_win() -> None:
    async with mock_server_command(
        *("--server-url", "http://127.0.0.1:1", "--api-key", WRONG_KEY),
        *("mock-server", "--port", "0", "--api-key", KEY, "--create", "op-m"),
    ) as (url, _):
        assert not url.endswith(":1")
        run = await run_cli("get", "op-m", env=cli_env(url))
        assert run.code == ExitCode.OK, run.err


async def test_mock_server_refuses_an_address_it_cannot_serve() -> None:
    env = cli_env(None, key=None)
    run = await run_cli("--server-url", "https://ops.example.com", "mock-server", env=env)
    assert run.code == ExitCode.USAGE
    assert "--server-url for mock-server must look like http://127.0.0.1:8765" in run.err


async def test_global_options_before_wait(server: MockServer) -> None:
    server.create_operation("op-g", polls=2)
    run = await run_cli(
        "--api-key",
        KEY,
        "--server-url",
        server.url,
        "--json",
        "--request-timeout",
        "5",
        "--retry-time",
        "0",
        "wait",
        "op-g",
        *FAST,
        env=cli_env(None, key=None),
    )
    assert run.code == ExitCode.OK, run.err
    assert json.loads(run.out)["status"] == "succeeded"


@pytest.mark.parametrize(
    ("argv", "rest", "key"),
    [
        (["--api-key", "k", "get", "x"], ["get", "x"], "k"),
        (["get", "x", "--api-key=k"], ["get", "x"], "k"),
        (["--api-k", "-dash", "get", "x"], ["get", "x"], "-dash"),  # a prefix, a key like an option
        (["--api-key", "a", "get", "--api-key", "b"], ["get"], "b"),  # the last one wins
        (["get", "x", "--api-key"], ["get", "x", "--api-key"], None),  # argparse: needs a value
        (["get", "--", "--api-key", "k"], ["get", "--", "--api-key", "k"], None),
        (["--a", "get"], ["--a", "get"], None),  # ambiguous: --allow-insecure-http too
        (["mock-server", "--api-key", "k"], ["mock-server"], "k"),
    ],
)
def test_the_key_is_taken_out_before_parsing(
    argv: list[str], rest: list[str], key: str | None
) -> None:
    assert take_api_key(argv) == (rest, key)


async def test_a_short_key_is_never_printed_and_no_word_is_mangled() -> None:
    # The key is not scrubbed from the output (which turned "check" into "chec***" for the
    # key "k"): it never reaches the output in the first place.
    async with MockServer(api_key="k", poll_hint=None) as server:
        server.create_operation("op-k", duration=0, result={"ok": "k"})
        env = cli_env(server.url, key=None)
        found = await run_cli("--api-key", "k", "-v", "get", "op-k", env=env)
        missing = await run_cli("get", "missing", "--api-key=k", env=env)
        usage = await run_cli("--api-key", "k", "get", env=env)  # no ID: an argparse error
    assert found.code == ExitCode.OK, found.err
    assert "operation   op-k" in found.out.splitlines()
    assert 'result      {"ok": "k"}' in found.out.splitlines()  # the server's data, as it is
    assert " DEBUG: " in found.err
    assert missing.code == ExitCode.NOT_FOUND
    assert missing.err.rstrip().endswith("check the operation id and --server-url")
    assert usage.code == ExitCode.USAGE
    assert "the following arguments are required: ID" in usage.err
    for run in (found, missing, usage):
        assert "***" not in run.out + run.err


async def test_help_documents_exit_codes_and_hides_key(server: MockServer) -> None:
    env = cli_env(server.url)
    run = await run_cli("wait", "--help", env=env)
    assert run.code == 0
    assert "--cancel-on-interrupt" in run.out
    top = await run_cli("--api-key", KEY, "--help", env=env)
    assert top.code == 0
    for code, meaning in MEANINGS.items():  # the one table of exit statuses
        assert f"  {int(code):<4} {meaning}" in top.out
    mock_help = await run_cli("mock-server", "--help", env=env)  # its default is $OPENAPI_API_KEY
    assert mock_help.code == 0
    assert "--port" in mock_help.out


async def test_a_key_that_looks_like_an_option_is_taken_as_the_key() -> None:
    async with MockServer(api_key="-dash-key", poll_hint=None) as server:
        server.create_operation("op-d", duration=0)
        run = await run_cli(
            "--api-key", "-dash-key", "get", "op-d", env=cli_env(server.url, key=None)
        )
    assert run.code == ExitCode.OK, run.err
    assert "-dash-key" not in run.out + run.err
