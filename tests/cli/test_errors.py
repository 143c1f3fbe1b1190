"""Errors: one line on stderr with the SDK's advice in the command's words, and a status.

The advice comes from the SDK's one table (``openapi._advice``), spelled for the command
line: the line ends with exactly what ``status_advice(status, SPELLING)`` says, and never
names a Python argument (``api_key=``, ``RetryConfig``) the user cannot type.
"""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest

import openapi.cli
from openapi._advice import status_advice
from openapi.cli import ExitCode
from openapi.cli.arguments import SPELLING
from openapi.core import DEFAULT_TIMEOUT
from openapi.testing import MockServer
from openapi.utils.retries import BackoffStrategy
from tests.cli.support import WRONG_KEY, cli_env, error_line, run_cli

PYTHON_WORDS = ("api_key=", "server_url", "allow_insecure_http", "RetryConfig", "timeout=")


def assert_command_line_words(line: str) -> None:
    for word in PYTHON_WORDS:
        assert word not in line


@pytest.mark.parametrize("command", ["get", "cancel", "wait"])
async def test_not_found(command: str, env: dict[str, str]) -> None:
    run = await run_cli(command, "no-such-op", "--json", env=env)
    assert run.code == ExitCode.NOT_FOUND
    assert run.out == ""  # --json: no operation, no document
    line = error_line(run)
    assert "operation 'no-such-op' not found (HTTP 404, request id req_" in line
    assert "No operation with id 'no-such-op'" in line  # the server's own words
    assert line.endswith("; " + status_advice(404, SPELLING))
    assert line.endswith("check the operation id and --server-url")


async def test_wrong_key(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-k", duration=None)
    run = await run_cli("get", "op-k", "--api-key", WRONG_KEY, "-v", env=env)
    assert run.code == ExitCode.AUTH
    assert run.out == ""
    errors = [line for line in run.err.splitlines() if line.startswith("openapi: error: ")]
    assert len(errors) == 1
    assert "HTTP 401 Unauthorized" in errors[0]
    assert errors[0].endswith("check the API key (--api-key or $OPENAPI_API_KEY)")
    assert " INFO: " in run.err  # -v logged the failed attempt ...
    assert "-> 401" in run.err  # ... and its outcome, without the key (checked by run_cli)


@pytest.mark.parametrize("status", [403, 409, 429, 500, 503])
async def test_http_errors_end_with_the_sdks_advice_in_command_words(
    status: int, server: MockServer, env: dict[str, str]
) -> None:
    server.create_operation("op-s", duration=None)
    server.inject(status=status)
    run = await run_cli("get", "op-s", "--retry-time", "0", env=env)
    expected = ExitCode.AUTH if status == 403 else ExitCode.API_ERROR
    assert run.code == expected
    line = error_line(run)
    assert f"operation 'op-s': HTTP {status} " in line
    # The same table the SDK's own messages use, with the command's names in it.
    assert line.endswith("; " + status_advice(status, SPELLING))
    assert_command_line_words(line)


async def test_retries_are_counted_in_the_error(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-r", duration=None)
    server.inject(status=503, times=1)  # retried ...
    server.inject(status=400)  # ... into an answer that is not
    run = await run_cli("get", "op-r", env=env)
    assert run.code == ExitCode.API_ERROR
    line = error_line(run)
    assert "operation 'op-r': HTTP 400 Bad Request after 2 attempts, request id req_" in line
    assert line.endswith("; the request was refused as malformed")


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = cli_env(f"http://127.0.0.1:{port}")
    run = await run_cli("get", "op-1", "--retry-time", "0", env=env)
    assert run.code == ExitCode.CONNECTION
    line = error_line(run)
    assert f"cannot reach http://127.0.0.1:{port}" in line
    assert line.endswith("check --server-url and the network")


async def test_missing_key(server: MockServer) -> None:
    run = await run_cli("get", "op-1", env=cli_env(server.url, key=None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert line.endswith(
        "no API key: pass --api-key or set the OPENAPI_API_KEY environment variable"
    )
    assert server.requests == []


async def test_missing_server_url() -> None:
    run = await run_cli("wait", "op-1", env=cli_env(None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert "pass --server-url or set the OPENAPI_SERVER_URL environment variable" in line
    assert_command_line_words(line)


async def test_insecure_url_names_the_flag() -> None:
    run = await run_cli("get", "op-1", "--server-url", "http://ops.example.com", env=cli_env(None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert "pass --allow-insecure-http if you really mean it" in line
    assert_command_line_words(line)


@pytest.mark.parametrize(
    "url", ["ftp://ops.example.com", "https://user:hunter2@ops.example.com", "https://h/?q=1"]
)
async def test_bad_urls_name_the_option_and_hide_passwords(url: str) -> None:
    run = await run_cli("get", "op-1", "--server-url", url, env=cli_env(None))
    assert run.code == ExitCode.USAGE
    line = error_line(run)
    assert line.startswith("openapi: error: the server URL '")
    assert line.endswith("; check --server-url or $OPENAPI_SERVER_URL")
    assert "hunter2" not in line
    assert_command_line_words(line)


async def test_invalid_id_is_usage_error(server: MockServer, env: dict[str, str]) -> None:
    run = await run_cli("get", "..", env=env)
    assert run.code == ExitCode.USAGE
    error_line(run)
    assert server.requests == []


def _code_of(module: Path) -> list[ast.AST]:
    """The nodes of ``module`` that are code: docstrings (bare strings) may name anything."""
    tree = ast.parse(module.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [node for node in ast.walk(tree) if id(node) not in docstrings]


def test_the_command_restates_nothing_the_sdk_knows() -> None:
    # One source: the environment is read, and defaults and advice are written, in the SDK;
    # the command takes them from there and rewrites no SDK message.
    sdk_defaults = {DEFAULT_TIMEOUT, BackoffStrategy().max_elapsed_time}
    for module in Path(openapi.cli.__file__).parent.glob("*.py"):
        for node in _code_of(module):
            where = f"{module.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("environ", "getenv", "replace"), where
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert "OPENAPI_" not in node.value, where
                assert "api_key=" not in node.value, where
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                assert node.value not in sdk_defaults, where
