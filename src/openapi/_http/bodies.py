"""Reading response bodies within their caps, counted in decompressed bytes.

A 2XX JSON body is read up to ``SUCCESS_BODY_LIMIT``, any other body up to
``ERROR_BODY_LIMIT``; nothing past a cap is buffered. aiohttp inflates ``gzip`` and
``deflate`` (``br`` and ``zstd`` when their packages are installed) as the body streams in,
a bounded piece at a time, so reading in chunks bounds both memory and the time one body can
hold the event loop: a 1 MB gzip that inflates to 1 GiB is refused after 16 MiB.
``Content-Length`` counts the bytes on the wire, not what they inflate to, so only an
uncompressed body it announces as within the cap is read whole.
"""

from __future__ import annotations

from typing import Final

import aiohttp
from aiohttp import hdrs

__all__ = [
    "ERROR_BODY_LIMIT",
    "SUCCESS_BODY_LIMIT",
    "BodyTooLarge",
    "content_type",
    "fits_whole",
    "read_capped",
    "read_success",
]

ERROR_BODY_LIMIT: Final = 16 * 1024
"""Bytes of an error response kept (and read: the rest is never buffered)."""
SUCCESS_BODY_LIMIT: Final = 16 * 1024 * 1024
"""Largest 2XX JSON body read; a larger one is refused, not buffered."""
_READ_SIZE: Final = 64 * 1024
"""Bytes asked of aiohttp per read. Not more: ``read(n)`` also tells aiohttp how much it may
inflate at once, so ``read(16 MiB)`` would inflate 16 MiB in one go, into a buffer of its own.
"""


class BodyTooLarge(Exception):
    """A 2XX body went past ``SUCCESS_BODY_LIMIT``; ``preview`` is its first 16 KiB."""

    def __init__(self, preview: bytes) -> None:
        super().__init__(f"the body is over {SUCCESS_BODY_LIMIT} bytes")
        self.preview = preview


def content_type(response: aiohttp.ClientResponse) -> str:
    """The response's media type, ``""`` when its ``Content-Type`` cannot be parsed."""
    try:
        return response.content_type
    except Exception:  # aiohttp's parser raises IndexError on some malformed values
        return ""


def fits_whole(response: aiohttp.ClientResponse) -> bool:
    """True when the body may be read whole with ``response.read()``: its ``Content-Length``
    is within the success cap and counts what the body decodes to (no ``Content-Encoding``).
    """
    try:
        length = response.content_length
    except ValueError:  # int() of a header aiohttp's parser let through
        return False
    return (
        length is not None
        and length <= SUCCESS_BODY_LIMIT
        and hdrs.CONTENT_ENCODING not in response.headers
    )


async def read_success(response: aiohttp.ClientResponse) -> bytes:
    """The whole body of a 2XX JSON response that ``fits_whole`` refused, read in chunks up
    to the cap; ``BodyTooLarge`` past it."""
    chunks: list[bytes] = []
    size = 0
    while size <= SUCCESS_BODY_LIMIT:
        chunk = await response.content.read(min(_READ_SIZE, SUCCESS_BODY_LIMIT + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    # Only the preview is joined: the chunks read so far go as soon as this returns.
    raise BodyTooLarge(_prefix(chunks, ERROR_BODY_LIMIT))


async def read_capped(response: aiohttp.ClientResponse, limit: int = ERROR_BODY_LIMIT) -> bytes:
    """Read at most ``limit`` bytes: a huge error page is never held in memory."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = await response.content.read(min(_READ_SIZE, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _prefix(chunks: list[bytes], limit: int) -> bytes:
    out: list[bytes] = []
    size = 0
    for chunk in chunks:
        if size >= limit:
            break
        out.append(chunk[: limit - size])
        size += len(out[-1])
    return b"".join(out)
