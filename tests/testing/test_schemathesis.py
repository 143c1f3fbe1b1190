"""Contract test: schemathesis fuzzes the mock server against ``openapi.yaml``.

Both run as subprocesses, exactly as a developer would run them by hand::

    python -m openapi.testing --port 8080 --api-key KEY \\
        --create 8a63466b-3f5c-4b8e-9d3b-2f3c1c7e5d21
    schemathesis run openapi.yaml --url http://127.0.0.1:8080 \\
        -H "Authorization: Bearer KEY" --checks all --max-examples 50 --seed 1

The operation with the spec's example id is created up front, so the examples phase
(and the stateful phase, which reuses it) gets real 200 ``Operation`` bodies to validate;
generated ids mostly get the documented 404 ``ApiError``. No check is excluded.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from ._subprocess import cli_server, subprocess_env

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
EXAMPLE_ID = "8a63466b-3f5c-4b8e-9d3b-2f3c1c7e5d21"  # the OperationId parameter's example
API_KEY = "contract-key"

pytest.importorskip("schemathesis")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handling is POSIX-only")
async def test_mock_server_conforms_to_openapi_yaml(tmp_path: Path) -> None:
    server_args = ("--port", "0", "--api-key", API_KEY, "--create", EXAMPLE_ID)
    async with cli_server(*server_args) as (url, _):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            str(SPEC),
            "--url",
            url,
            "--header",
            f"Authorization: Bearer {API_KEY}",
            "--checks",
            "all",
            "--max-examples",
            "50",
            "--seed",
            "1",
            "--generation-database",
            "none",  # keep runs independent and the work tree clean
            "--no-color",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
            env=subprocess_env(),
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        finally:
            if process.returncode is None:
                process.kill()
                await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report
    assert "No issues found" in report, report
