"""The README's "Proxies and trust" and "Logging" snippets, run as a user would run them
(the proxy one against the test's proxy.py instead of one on port 8899)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.environment import child_env
from tests.network.conftest import PROXY_PASSWORD, PROXY_USER, Tap

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet(section: str) -> str:
    text = README.read_text().split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return text.split("```python\n", 1)[1].split("```", 1)[0]


def run(code: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", code],
        env=child_env(drop_prefix="OPENAPI_"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


async def test_the_proxy_snippet_runs_through_a_proxy(tap: Tap) -> None:
    code = snippet("Proxies and trust")
    assert 'PROXY = "http://user:secret@127.0.0.1:8899"' in code
    code = code.replace("user:secret", f"{PROXY_USER}:{PROXY_PASSWORD}").replace(
        ":8899", f":{tap.port}"
    )
    done = await asyncio.to_thread(run, code)
    assert " via SDKConfig(" in done.stdout
    assert f"proxy='http://***@127.0.0.1:{tap.port}'" in done.stdout
    assert PROXY_PASSWORD not in done.stdout + done.stderr
    assert bytes(tap.sent).startswith(b"GET http://127.0.0.1:")  # it went through the proxy


def test_the_logging_snippet_prints_json_lines_with_the_fields() -> None:
    lines = [json.loads(line) for line in run(snippet("Logging")).stderr.splitlines()]
    attempts = [line for line in lines if line["status"] is not None]
    assert [(a["level"], a["status"], a["attempt"]) for a in attempts] == [
        ("INFO", 503, 1),
        ("DEBUG", 200, 2),
    ]
    assert all(a["endpoint"] == "getOperation" and a["request_id"] for a in attempts)
    assert any(line["message"].startswith("retrying in") for line in lines)
