"""Shared fixtures: a scripted server per test and ready-made cores pointing at it.

Also the suite-wide hooks: the event loop switch (``OPENAPI_TEST_LOOP``, tests/loops.py)
and the redaction of secret-looking environment values from failure reports
(tests/redaction.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from openapi.core import SDKCore
from openapi.testing.scripted import ScriptedServer
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.loops import pytest_configure
from tests.redaction import pytest_make_collect_report, pytest_runtest_makereport

__all__ = ["pytest_configure", "pytest_make_collect_report", "pytest_runtest_makereport"]

API_KEY = "sk-test-SECRET-7f3a9c"

FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.05, max_elapsed_time=5)
)


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as scripted:
        yield scripted


@pytest.fixture
async def core(server: ScriptedServer) -> AsyncIterator[SDKCore]:
    async with SDKCore(api_key=API_KEY, server_url=server.url, retry_config=FAST_RETRIES) as c:
        yield c
