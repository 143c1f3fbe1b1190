"""One response -> an ``Outcome``: status matching, capped reads and decoding.

A 2XX JSON body is read whole when it may be (``openapi._http.bodies``) and structured into
the endpoint's ``success`` model by the converter (``openapi.models._converter``); anything
else becomes the error ``openapi._http.failures`` builds for it.
"""

from __future__ import annotations

from typing import TypeVar

import aiohttp

from openapi._http import failures
from openapi._http.bodies import BodyTooLarge, content_type, fits_whole, read_capped, read_success
from openapi._http.state import Call, Outcome
from openapi.models._converter import decode_json
from openapi.types import Err, Ok
from openapi.utils.retries import parse_retry_after

# parse_retry_after is named here too: the one rule (openapi.utils.retries) reads both hints.
__all__ = ["decode", "is_json", "parse_retry_after", "receive"]

RespT = TypeVar("RespT")


def is_json(media_type: str) -> bool:
    """Whether a ``Content-Type``'s media type is JSON (``application/json``, ``*+json``)."""
    return media_type == "application/json" or media_type.endswith("+json")


async def receive(call: Call[RespT], response: aiohttp.ClientResponse) -> Outcome[RespT]:
    """Read the body within its cap (see ``openapi._http.bodies``) and decode it."""
    json_body = is_json(content_type(response))
    try:
        if 200 <= response.status < 300 and json_body:
            # Whole when it may be (the usual case: one read, no copies), else in chunks.
            raw = await response.read() if fits_whole(response) else await read_success(response)
        else:
            raw = await read_capped(response)
    except BodyTooLarge as exc:
        meta = call.meta(response, None)
        schema = call.endpoint.success.__name__
        return Outcome(Err(failures.body_too_large(call.where(), meta, exc.preview, schema)))
    try:
        return decode(call, response, raw, json_body)
    except Exception as exc:  # RecursionError, or whatever else a hostile body finds
        meta = call.meta(response, None)
        return Outcome(Err(failures.undecodable(call.where(), meta, raw, exc)))


def decode(
    call: Call[RespT], response: aiohttp.ClientResponse, raw: bytes, json_body: bool
) -> Outcome[RespT]:
    """Match the status to the endpoint's documented responses and decode the body.

    ``raw`` is the body as ``receive`` read it: whole for a 2XX JSON response, else capped;
    ``json_body`` says whether its content type is JSON.
    """
    status = response.status
    headers = response.headers
    # On a 2XX it is the server's poll hint; on an error, when to retry.
    try:
        retry_after = parse_retry_after(headers.get("Retry-After"))
    except (ValueError, OverflowError):  # "²": str.isdigit() says yes, float() says no
        retry_after = None
    meta = call.meta(response, retry_after)
    endpoint = call.endpoint
    if 200 <= status < 300:
        if not json_body:
            kind = headers.get("Content-Type")
            return Outcome(Err(failures.not_json(call.where(), meta, raw, kind)))
        try:
            value = decode_json(raw, endpoint.success)
        except Exception as exc:
            schema = endpoint.success.__name__
            return Outcome(Err(failures.invalid_body(call.where(), meta, raw, exc, schema)))
        return Outcome(Ok(endpoint.response(value, meta)))
    failure = failures.status_error(
        call.where(), meta, raw, json_body, reason=response.reason or "", documented=endpoint.errors
    )
    retryable = status in call.retries.status_codes
    return Outcome(Err(failure), retryable=retryable, retry_after=retry_after)
