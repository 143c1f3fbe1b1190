"""Fixtures of the blocking client's tests: a mock server on its own thread, a client on it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from openapi import SyncSDK
from tests.conftest import FAST_RETRIES
from tests.sync.support import API_KEY, ThreadedMock, threaded_mock

LOOP_THREAD = "openapi-sync-loop"


def loop_threads() -> list[threading.Thread]:
    """The blocking clients' event-loop threads alive now."""
    return [thread for thread in threading.enumerate() if thread.name == LOOP_THREAD]


@pytest.fixture
def mock() -> Iterator[ThreadedMock]:
    with threaded_mock(poll_hint=None) as running:
        yield running


@pytest.fixture
def sdk(mock: ThreadedMock) -> Iterator[SyncSDK]:
    with SyncSDK(api_key=API_KEY, server_url=mock.url, retry_config=FAST_RETRIES) as client:
        yield client
    assert not loop_threads(), "close() joins the loop thread (and every test closes its own)"
