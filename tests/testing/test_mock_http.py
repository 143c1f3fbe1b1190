"""The HTTP surface: auth, error bodies, X-Request-Id, routing and id validation."""

from __future__ import annotations

import aiohttp
import pytest

from openapi.testing import MockServer

from ._helpers import call, url
from .conftest import MakeServer


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Basic dGVzdC1rZXk6"},
        {"Authorization": "test-key"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing", "wrong-key", "basic", "no-scheme", "empty-token"],
)
@pytest.mark.parametrize(("method", "path"), [("GET", "/op"), ("POST", "/op/cancel")])
async def test_bad_credentials_get_401(
    mock_server: MockServer,
    http: aiohttp.ClientSession,
    headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    mock_server.create_operation("op")
    status, resp_headers, body = await call(
        http, mock_server, method, "/operations" + path, auth=False, headers=headers
    )
    assert status == 401
    assert body["code"] == "unauthorized"
    assert body["request_id"] == resp_headers["X-Request-Id"]
    assert resp_headers["WWW-Authenticate"].startswith("Bearer")
    # A failed auth must not have touched the operation.
    assert mock_server.get_operation("op").status == "queued"


async def test_right_key_is_accepted_case_insensitive_scheme(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("op")
    headers = {"Authorization": "bearer test-key"}
    status, _, _ = await call(
        http, mock_server, "GET", "/operations/op", auth=False, headers=headers
    )
    assert status == 200


async def test_api_key_none_disables_auth(
    make_server: MakeServer, http: aiohttp.ClientSession
) -> None:
    server = await make_server(api_key=None)
    server.create_operation("op")
    status, _, _ = await call(http, server, "GET", "/operations/op", auth=False)
    assert status == 200


async def test_api_key_can_rotate(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    mock_server.create_operation("op")
    old = mock_server.auth_headers
    mock_server.api_key = "rotated"
    status, _, _ = await call(http, mock_server, "GET", "/operations/op", auth=False, headers=old)
    assert status == 401
    assert (await call(http, mock_server, "GET", "/operations/op"))[0] == 200


async def test_unknown_id_is_404_api_error(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    status, headers, body = await call(http, mock_server, "GET", "/operations/does-not-exist")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert body["code"] == "not_found"
    assert "does-not-exist" in body["message"]
    assert body["request_id"] == headers["X-Request-Id"]


async def test_unknown_route_is_404(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    for path in ("/", "/operations", "/operations/a/b/c", "/operations/a/cancel/x"):
        status, _, body = await call(http, mock_server, "GET", path)
        assert status == 404, path
        assert body["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/operations/x", "GET"),
        ("DELETE", "/operations/x", "GET"),
        ("PUT", "/operations/x", "GET"),
        ("GET", "/operations/x/cancel", "POST"),
        ("PATCH", "/_mock/faults", "GET, POST, DELETE"),
    ],
)
async def test_wrong_method_is_405_with_allow(
    mock_server: MockServer, http: aiohttp.ClientSession, method: str, path: str, allow: str
) -> None:
    status, headers, _ = await call(http, mock_server, method, path)
    assert status == 405
    assert headers["Allow"] == allow


async def test_id_longer_than_256_is_400(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    ok_id = "x" * 256
    mock_server.create_operation(ok_id)
    assert (await call(http, mock_server, "GET", f"/operations/{ok_id}"))[0] == 200
    status, _, body = await call(http, mock_server, "GET", "/operations/" + "x" * 257)
    assert status == 400
    assert body["code"] == "invalid_operation_id"
    # Length counts decoded characters, not encoded bytes: 256 x "é" is fine.
    long_unicode = "\u00e9" * 256
    mock_server.create_operation(long_unicode)
    status, _, _ = await call(http, mock_server, "GET", "/operations/" + "%C3%A9" * 256)
    assert status == 200


@pytest.mark.parametrize("path", ["/operations/", "/operations//cancel"])
async def test_empty_id_is_400(
    mock_server: MockServer, http: aiohttp.ClientSession, path: str
) -> None:
    method = "POST" if path.endswith("cancel") else "GET"
    status, _, body = await call(http, mock_server, method, path)
    assert status == 400
    assert body["code"] == "invalid_operation_id"


async def test_invalid_utf8_id_is_400(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    status, _, _ = await call(http, mock_server, "GET", "/operations/%FF%FE")
    assert status == 400


async def test_query_string_is_ignored(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("q")
    status, _, body = await call(http, mock_server, "GET", "/operations/q?verbose=1")
    assert (status, body["id"]) == (200, "q")


async def test_request_id_on_every_response(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("op")
    seen: set[str] = set()
    requests = [
        ("GET", "/operations/op", True),  # 200
        ("POST", "/operations/op/cancel", True),  # 200
        ("GET", "/operations/missing", True),  # 404
        ("GET", "/operations/op", False),  # 401
        ("DELETE", "/operations/op", True),  # 405
        ("GET", "/operations/" + "x" * 300, True),  # 400
        ("GET", "/nowhere", True),  # 404 no route
        ("GET", "/_mock/requests", False),  # admin
        ("DELETE", "/_mock/requests", False),  # admin 204
        ("GET", "/_mock/nowhere", False),  # admin 404
    ]
    for method, path, auth in requests:
        _, headers, _ = await call(http, mock_server, method, path, auth=auth)
        request_id = headers["X-Request-Id"]
        assert request_id.startswith("req_")
        seen.add(request_id)
    mock_server.inject(status=503, times=1)
    mock_server.inject("malformed_json", times=1)
    mock_server.inject("wrong_content_type", times=1)
    mock_server.inject("delay", delay=0.01, times=1)
    for _ in range(4):
        _, headers, _ = await call(http, mock_server, "GET", "/operations/op")
        seen.add(headers["X-Request-Id"])
    assert len(seen) == len(requests) + 4  # all unique


async def test_head_and_options_are_405(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    for method in ("HEAD", "OPTIONS"):
        async with http.request(method, url(mock_server, "/operations/x")) as resp:
            assert resp.status == 405
            assert resp.headers["Allow"] == "GET"
            assert "X-Request-Id" in resp.headers
