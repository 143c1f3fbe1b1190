"""``OPENAPI_LOG`` turns the SDK's logging on without code, in a process of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.environment import child_env
from tests.secret_support import SECRET_KEY

# A retried call (one 503, then 200) and a failed one (404), against the mock server. With
# "configure", the application sets up logging itself before the SDK logs anything.
_CHILD = """
import asyncio, logging, sys
from openapi import SDK
from openapi.testing import MockServer
from openapi.utils import BackoffStrategy, RetryConfig

if "configure" in sys.argv:
    logging.basicConfig(format="APP %(levelname)s %(message)s")

async def main():
    async with MockServer(api_key=sys.argv[1]) as server:
        op = server.create_operation()
        server.inject(status=503, times=1)
        quick = RetryConfig(backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.01))
        async with SDK(api_key=sys.argv[1], server_url=server.url, retry_config=quick) as sdk:
            await sdk.operations.get_operation(operation_id=op.id)
            try:
                await sdk.operations.get_operation(operation_id="missing")
            except Exception:
                pass

asyncio.run(main())
"""


def run(level: str | None, *args: str) -> str:
    extra = {} if level is None else {"OPENAPI_LOG": level}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, SECRET_KEY, *args],
        env=child_env(drop_prefix="OPENAPI_", **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert SECRET_KEY not in done.stderr + done.stdout
    return done.stderr


def attempt_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "/operations/" in line and "->" in line]


def test_debug_prints_every_attempt_and_retry_to_stderr() -> None:
    lines = run("debug").splitlines()
    attempts = attempt_lines("\n".join(lines))
    assert [line.split("] ", 1)[0].split()[-2] for line in attempts] == ["INFO", "DEBUG", "INFO"]
    assert "-> 503 (attempt 1," in attempts[0]
    assert "-> 200 (attempt 2," in attempts[1]
    assert "/operations/missing -> 404 (attempt 1," in attempts[2]
    assert any("retrying in" in line for line in lines)


def test_info_prints_only_the_failed_attempts() -> None:
    attempts = attempt_lines(run("INFO"))
    assert len(attempts) == 2
    assert "-> 503" in attempts[0]
    assert "-> 404" in attempts[1]


@pytest.mark.parametrize("level", [None, "warning"])
def test_unset_or_quieter_prints_nothing(level: str | None) -> None:
    assert run(level) == ""


def test_an_application_that_configures_logging_gets_each_record_once() -> None:
    stderr = run("debug", "configure")
    attempts = attempt_lines(stderr)
    assert len(attempts) == 3
    assert all(line.startswith("APP ") for line in attempts)


def test_an_unknown_level_is_a_warning_saying_which_exist() -> None:
    stderr = run("verbose")
    assert "RuntimeWarning: $OPENAPI_LOG='verbose' is not a level" in stderr
    assert "debug, info, warning, error" in stderr
    assert attempt_lines(stderr) == []
