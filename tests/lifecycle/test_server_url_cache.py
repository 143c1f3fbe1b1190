"""The checked server URLs a core keeps are bounded, whatever the per-call overrides."""

from __future__ import annotations

from openapi import Err, Ok
from openapi.core import SDKCore

DISTINCT = 1000
BOUND = 64
"""A small bound, well above ``openapi.core.SERVER_URL_CACHE_SIZE``, far below ``DISTINCT``."""


def test_per_call_server_urls_do_not_grow_the_core() -> None:
    core = SDKCore(api_key="k", server_url="http://127.0.0.1:1")
    configured = core.server_url()
    for i in range(DISTINCT):
        url = f"http://127.0.0.1:{1000 + i}"
        assert core.server_url(url) == Ok(url)
    assert len(core._server_urls) <= BOUND
    assert core.server_url() == configured


def test_a_refused_url_is_a_fresh_error_each_time() -> None:
    core = SDKCore(api_key="k", server_url="http://127.0.0.1:1")
    first, second = core.server_url("ftp://example.com"), core.server_url("ftp://example.com")
    assert isinstance(first, Err)
    assert isinstance(second, Err)
    assert first.error is not second.error  # an exception raised once must not be reused
    assert len(core._server_urls) == 0
