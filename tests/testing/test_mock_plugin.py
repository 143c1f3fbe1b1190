"""The pytest plugin, enabled the way users enable it, in a separate pytest run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from openapi.testing import MockServer

from ._subprocess import subprocess_env

PLUGIN_TESTS = """
import aiohttp
import pytest

from openapi.testing import MockServer


async def test_fixture_gives_a_running_server(mock_server: MockServer) -> None:
    mock_server.create_operation("op")
    async with aiohttp.ClientSession(headers=mock_server.auth_headers) as http:
        async with http.get(mock_server.url + "/operations/op") as resp:
            assert resp.status == 200


@pytest.mark.mock_server(api_key=None, cancel_delay=0)
async def test_marker_configures_the_server(mock_server: MockServer) -> None:
    assert mock_server.api_key is None
    assert mock_server.cancel_delay == 0


async def test_each_test_gets_a_fresh_server(mock_server: MockServer) -> None:
    assert mock_server.operations == []
"""


def test_plugin_in_a_user_project(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["openapi.testing.pytest_plugin"]\n')
    (tmp_path / "test_user.py").write_text(PLUGIN_TESTS)
    (tmp_path / "pytest.ini").write_text(
        textwrap.dedent(
            """\
            [pytest]
            asyncio_mode = auto
            asyncio_default_fixture_loop_scope = function
            addopts = --strict-markers -p no:cacheprovider
            filterwarnings =
                error
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(tmp_path)],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


async def test_fixture_here(mock_server: MockServer) -> None:
    assert mock_server.running
    assert mock_server.url.startswith("http://127.0.0.1:")
