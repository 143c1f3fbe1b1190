"""``NO_PROXY`` as curl and requests read it (the rules the README lists)."""

from __future__ import annotations

import pytest

from openapi._proxies import no_proxy_matches


@pytest.mark.parametrize(
    ("entries", "host", "port", "bypassed"),
    [
        ("*", "api.example.com", 443, True),
        ("example.com", "example.com", 443, True),
        ("example.com", "api.example.com", 443, True),
        (".example.com", "api.example.com", None, True),
        ("example.com", "badexample.com", 443, False),
        (" other.org , EXAMPLE.com ", "api.example.com", 443, True),
        ("example.com:8443", "example.com", 8443, True),
        ("example.com:8443", "example.com", 443, False),
        ("10.0.0.0/8", "10.1.2.3", 443, True),
        ("10.0.0.0/8", "11.1.2.3", 443, False),
        ("127.0.0.1", "127.0.0.1", 8080, True),
        ("::1", "::1", 443, True),
        ("[::1]:443", "::1", 443, True),
        ("fd00::/8", "fd12::1", 443, True),
        ("", "example.com", 443, False),
        (",,", "example.com", 443, False),
    ],
)
def test_no_proxy_entries(entries: str, host: str, port: int | None, bypassed: bool) -> None:
    assert no_proxy_matches(entries, host, port) is bypassed
