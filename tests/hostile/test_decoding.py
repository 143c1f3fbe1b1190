"""Bodies and headers the decoder chokes on map to the contract's classes, never further.

``ResponseValidationError`` on a 2XX, the status's class (``SDKDefaultError``/``ApiError``)
otherwise; a ``Retry-After`` that is not a delay is no hint.
"""

from __future__ import annotations

import asyncio

import pytest

from openapi import Err, Ok
from openapi.models.errors import (
    ApiError,
    InternalServerError,
    ResponseValidationError,
    SDKDefaultError,
)
from tests.hostile._calls import call_once, outcome
from tests.hostile._raw import RawRequest, RawServer, answer, operation, respond

DEEP = b"[" * 5000 + b"]" * 5000
HUGE_INT = b'{"code": "x", "message": "y", "details": ' + b"1" * 5000 + b"}"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        ("404 Not Found", DEEP, SDKDefaultError),  # RecursionError in the ApiError decoder
        ("200 OK", DEEP, ResponseValidationError),
        ("404 Not Found", b'{"code": "x", "message": ' + DEEP + b"}", SDKDefaultError),
        ("500 Internal Server Error", DEEP, InternalServerError),
        ("404 Not Found", HUGE_INT, SDKDefaultError),  # int() refuses 5,000 digits
        ("200 OK", HUGE_INT, ResponseValidationError),
        ("404 Not Found", b'{"code": "x", "message": "\xff\xfe"}', SDKDefaultError),
        ("200 OK", b"\xff\xfe\x00{", ResponseValidationError),
    ],
)
async def test_a_body_the_decoder_chokes_on_is_the_statuss_class(
    status: str, body: bytes, expected: type[Exception]
) -> None:
    error = await outcome(answer(body, status))
    assert type(error) is expected, error
    # Each of these has its own path; the catch-all "could not be decoded" is for the unforeseen.
    assert "could not be decoded" not in str(error)


@pytest.mark.parametrize("value", ["\u00b2", "\u2460", "\u0663", "\uff11", "1e3", "nan", "-5"])
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        ("503 Service Unavailable", b"busy", InternalServerError),
        ("404 Not Found", b'{"code": "not_found", "message": "gone"}', ApiError),
        ("200 OK", operation(), Ok),
    ],
    ids=["503", "404", "200"],
)
async def test_a_retry_after_that_is_no_delay_is_no_hint(
    value: str, status: str, body: bytes, expected: type[object]
) -> None:
    # "²" and "①" are str.isdigit() but not float(): they used to escape the decoder.
    async def script(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        head, _, rest = respond(body, status=status).partition(b"\r\n\r\n")
        writer.write(head + b"\r\nRetry-After: " + value.encode() + b"\r\n\r\n" + rest)

    async with RawServer(script) as server:
        res = await call_once(server.url)
    if expected is Ok:
        assert isinstance(res, Ok), res
    else:
        assert isinstance(res, Err)
        assert type(res.error) is expected, res.error


@pytest.mark.parametrize("content_type", ["/j?s;n*", "[\\*%+){+=;a]];", 'a/"b;c'])
@pytest.mark.parametrize("status", ["200 OK", "500 Internal Server Error"])
async def test_an_unparseable_content_type_is_not_json(content_type: str, status: str) -> None:
    # aiohttp's Content-Type parser raises IndexError on some values.
    error = await outcome(answer(operation(), status, **{"Content-Type": content_type}))
    assert type(error) is (SDKDefaultError if status.startswith("200") else InternalServerError)
    if status.startswith("200"):
        assert repr(content_type) in str(error)
        assert "instead of JSON" in str(error)
