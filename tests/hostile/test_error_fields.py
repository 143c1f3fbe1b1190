"""Every ``SDKError`` has ``code``, ``message`` and ``details``: the server's when its body is
an ``ApiError`` document, whatever the status; ``None`` (and the SDK's message) otherwise.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from openapi import Err
from openapi.models.errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    RateLimitError,
    ResponseValidationError,
    SDKDefaultError,
    SDKError,
)
from tests.hostile._calls import call_once
from tests.hostile._raw import RawRequest, RawServer, Script, answer, respond

DOCUMENT = {"code": "quota_exceeded", "message": "Too many operations.", "details": {"limit": 5}}


async def error_for(script: Script) -> SDKError:
    async with RawServer(script) as server:
        res = await call_once(server.url)
    assert isinstance(res, Err)
    assert isinstance(res.error, SDKError), res.error
    return res.error


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("400 Bad Request", BadRequestError),
        ("409 Conflict", ConflictError),
        ("429 Too Many Requests", RateLimitError),
        ("503 Service Unavailable", InternalServerError),
        ("418 I'm a teapot", SDKDefaultError),
        ("200 OK", ResponseValidationError),  # a document is not an Operation
        ("404 Not Found", ApiError),
    ],
)
async def test_an_api_error_document_fills_the_fields_whatever_the_status(
    status: str, expected: type[SDKError]
) -> None:
    body = json.dumps({**DOCUMENT, "request_id": "req_body"}).encode()
    error = await error_for(answer(body, status))
    assert type(error) is expected
    assert (error.code, error.message, error.details) == (
        "quota_exceeded",
        "Too many operations.",
        {"limit": 5},
    )
    assert error.request_id == "req_body", "the document's request id wins over the header's"
    assert "Too many operations." in str(error)
    if expected is not ApiError:
        assert str(error).startswith("GET http://"), "str() stays the SDK's full explanation"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<h1>busy</h1>", "text/html"),
        (b'{"code": 42, "message": "not a string code"}', "application/json"),
        (b'{"message": "no code"}', "application/json"),
        (json.dumps(DOCUMENT).encode(), "text/plain"),  # a document only as JSON
        (b"[1, 2]", "application/json"),
    ],
)
async def test_without_a_document_code_and_details_are_none(body: bytes, content_type: str) -> None:
    error = await error_for(answer(body, "400 Bad Request", **{"Content-Type": content_type}))
    assert type(error) is BadRequestError
    assert (error.code, error.details) == (None, None)
    assert error.message == str(error)
    assert "the request was refused as malformed" in error.message


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"id": 1}', "200 OK"),
        (b"[" * 5000, "200 OK"),
        (b"x" * 100, "503 Service Unavailable"),
        (b'{"code": "c", "message": "m"}', "500 Internal Server Error"),
    ],
)
async def test_no_message_says_request_id_none(body: bytes, status: str) -> None:
    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        head, _, rest = respond(body, status=status).partition(b"\r\n\r\n")
        # No X-Request-Id header at all.
        head = b"\r\n".join(line for line in head.split(b"\r\n") if b"X-Request-Id" not in line)
        writer.write(head + b"\r\n\r\n" + rest)

    error = await error_for(script)
    assert error.request_id is None
    assert "request id None" not in str(error)
    assert "request id None" not in repr(error)
