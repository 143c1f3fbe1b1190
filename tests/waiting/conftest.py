"""Fixtures of the wait tests: the real mock server on 127.0.0.1 and a core pointing at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from openapi.core import SDKCore
from openapi.testing import MockServer
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.waiting.support import API_KEY

FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.02, max_elapsed_time=2)
)


@pytest.fixture
async def mock() -> AsyncIterator[MockServer]:
    # No poll hint by default, so the client's own PollPolicy decides the pace.
    async with MockServer(api_key=API_KEY, poll_hint=None, cancel_delay=0.05) as server:
        yield server


@pytest.fixture
async def core(mock: MockServer) -> AsyncIterator[SDKCore]:
    async with SDKCore(api_key=API_KEY, server_url=mock.url, retry_config=FAST_RETRIES) as c:
        yield c
