"""``python -m openapi.testing``: prints its URL, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import pytest

from ._subprocess import cli_server, subprocess_env


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handling is POSIX-only")
async def test_cli_serves_and_terminates_cleanly() -> None:
    async with (
        cli_server("--port", "0", "--api-key", "cli-key", "--create", "op/1") as (url, process),
        aiohttp.ClientSession() as http,
    ):
        assert url.startswith("http://127.0.0.1:")
        assert not url.endswith(":0")
        headers = {"Authorization": "Bearer cli-key"}
        async with http.get(url + "/operations/op%2F1", headers=headers) as resp:
            assert resp.status == 200
            assert (await resp.json())["id"] == "op/1"
        async with http.get(url + "/operations/op%2F1") as resp:
            assert resp.status == 401
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
        assert process.returncode == 0
        assert b"Traceback" not in stderr


async def test_cli_no_auth_and_options() -> None:
    args = ("--port", "0", "--no-auth", "--no-poll-hint", "--duration", "0", "--create", "x")
    async with (
        cli_server(*args) as (url, _),
        aiohttp.ClientSession() as http,
        http.get(url + "/operations/x") as resp,
    ):
        assert resp.status == 200
        assert (await resp.json())["status"] == "succeeded"
        assert "Retry-After" not in resp.headers


async def test_cli_help() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi.testing",
        "--help",
        stdout=asyncio.subprocess.PIPE,
        env=subprocess_env(OPENAPI_API_KEY="sk-from-env-SECRET"),
    )
    stdout, _ = await process.communicate()
    assert process.returncode == 0
    assert b"--api-key" in stdout
    assert b"OPENAPI_API_KEY" in stdout
    assert b"SECRET" not in stdout  # the help names the variable, never its value
