"""Request paths: splitting the raw request target and decoding an operation id.

The server works on the raw, still percent-encoded path (``request.raw_path``) rather than
on aiohttp's decoded ``request.path``: an id such as ``a/b`` arrives as ``a%2Fb`` and must
stay one path segment, so segments are split *before* anything is decoded, and each is
decoded exactly once.
"""

from __future__ import annotations

import fnmatch
from urllib.parse import unquote

__all__ = [
    "MAX_OPERATION_ID_LENGTH",
    "decode_segment",
    "display_path",
    "path_matches",
    "split_target",
]

#: The longest operation id the API accepts (contract section 1).
MAX_OPERATION_ID_LENGTH = 256


def split_target(raw_target: str) -> str:
    """Return the path part of a raw request target, without its query string."""
    # A fragment is never sent by a client, so only the query needs removing.
    return raw_target.split("?", 1)[0]


def decode_segment(raw_segment: str) -> str | None:
    """Percent-decode one raw path segment exactly once.

    Returns ``None`` when the bytes are not valid UTF-8, which no client could have meant.
    ``+`` stays ``+``: only the query-string convention turns it into a space.
    """
    try:
        return unquote(raw_segment, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return None


def display_path(raw_path: str) -> str:
    """Decode a whole raw path for display and matching (invalid bytes are replaced)."""
    return unquote(raw_path, encoding="utf-8", errors="replace")


def path_matches(pattern: str, raw_path: str, decoded_path: str) -> bool:
    """Whether a glob ``pattern`` matches the raw (encoded) or the decoded form of a path.

    Matching either form lets a test write ``/operations/a%2Fb`` or ``/operations/a/b``;
    ``*`` matches any characters, ``/`` included.
    """
    return fnmatch.fnmatchcase(raw_path, pattern) or fnmatch.fnmatchcase(decoded_path, pattern)
