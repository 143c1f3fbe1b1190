"""Small helpers for talking to a MockServer over real HTTP."""

from __future__ import annotations

import json as json_module
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from openapi.testing import MockServer


def url(server: MockServer, raw_path: str) -> URL:
    """The URL of ``raw_path`` exactly as written: already percent-encoded, never re-encoded."""
    return URL(server.url + raw_path, encoded=True)


async def call(
    http: aiohttp.ClientSession,
    server: MockServer,
    method: str,
    raw_path: str,
    *,
    auth: bool = True,
    json: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, CIMultiDictProxy[str], Any]:
    """Send one request; return (status, headers, JSON body or text)."""
    all_headers = {**(server.auth_headers if auth else {}), **(headers or {})}
    async with http.request(method, url(server, raw_path), json=json, headers=all_headers) as r:
        text = await r.text()
        body: Any = text
        if r.content_type == "application/json" and text:
            try:
                body = json_module.loads(text)
            except ValueError:
                body = text  # a malformed_json fault: the raw text is what tests look at
        return r.status, r.headers, body


async def get_op(http: aiohttp.ClientSession, server: MockServer, raw_id: str) -> Any:
    """GET an operation (raw, already-encoded id) and return its JSON, asserting 200."""
    status, _, body = await call(http, server, "GET", f"/operations/{raw_id}")
    assert status == 200, body
    return body
