"""Fixtures of the fleet-safety tests: the real mock server on 127.0.0.1, and helpers to
build a core whose retries are quick (so a test never waits a real backoff)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from openapi.core import SDKCore
from openapi.testing import MockServer
from openapi.utils.retries import BackoffStrategy, RetryConfig

API_KEY = "sk-fleet-SECRET-5d1e"

QUICK = BackoffStrategy(initial_interval=0.01, max_interval=0.02, max_elapsed_time=20)
"""Backoff of a few milliseconds, with a budget long enough for any of these tests."""


def quick(**changes: Any) -> RetryConfig:
    """A ``RetryConfig`` with ``QUICK`` backoff (unless ``changes`` say otherwise)."""
    return RetryConfig(**{"backoff": QUICK, **changes})


@pytest.fixture
async def mock() -> AsyncIterator[MockServer]:
    async with MockServer(api_key=API_KEY, poll_hint=None) as server:
        yield server


@pytest.fixture
async def core(mock: MockServer) -> AsyncIterator[SDKCore]:
    async with SDKCore(api_key=API_KEY, server_url=mock.url, retry_config=quick()) as c:
        yield c
