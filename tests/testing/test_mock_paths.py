"""Operation ids are one path segment, percent-decoded exactly once."""

from __future__ import annotations

from urllib.parse import quote

import aiohttp
import pytest

from openapi.testing import MockServer

from ._helpers import call

AWKWARD_IDS = [
    ("a/b", "a%2Fb"),
    ("../x", "..%2Fx"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("what?", "what%3F"),
    ("#frag", "%23frag"),
    ("100%", "100%25"),
    ("%2F", "%252F"),  # already-encoded text stays text: decoded once, not twice
    ("a b", "a%20b"),
    ("a+b", "a+b"),  # "+" is not a space in a path
    ("caf\u00e9-\u65e5\u672c-\U0001f680", quote("caf\u00e9-\u65e5\u672c-\U0001f680", safe="")),
    ("x/cancel", "x%2Fcancel"),
    ("semi;colon=1", "semi%3Bcolon%3D1"),
]


@pytest.mark.parametrize(("op_id", "raw"), AWKWARD_IDS, ids=[raw for _, raw in AWKWARD_IDS])
async def test_awkward_ids_round_trip(
    mock_server: MockServer, http: aiohttp.ClientSession, op_id: str, raw: str
) -> None:
    mock_server.create_operation(op_id, duration=None)

    status, _, body = await call(http, mock_server, "GET", f"/operations/{raw}")
    assert status == 200, body
    assert body["id"] == op_id

    status, _, body = await call(http, mock_server, "POST", f"/operations/{raw}/cancel")
    assert status == 200, body
    assert (body["id"], body["status"]) == (op_id, "cancelling")

    entries = mock_server.find_requests(operation_id=op_id)
    assert [e.raw_path for e in entries] == [f"/operations/{raw}", f"/operations/{raw}/cancel"]


async def test_encoded_slash_never_reaches_another_route(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    # "x/cancel" as an id must be a GET of that id, never a cancel of "x".
    mock_server.create_operation("x", duration=None)
    status, _, _ = await call(http, mock_server, "GET", "/operations/x%2Fcancel")
    assert status == 404
    assert mock_server.get_operation("x").status == "queued"


async def test_operation_url_helper_encodes(mock_server: MockServer) -> None:
    assert mock_server.operation_url("a/b c").endswith("/operations/a%2Fb%20c")
