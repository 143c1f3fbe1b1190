"""The request's path: each path parameter checked and sent as one percent-encoded segment."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final, cast
from urllib.parse import quote

from openapi._http.endpoint import Endpoint
from openapi.models.errors import InvalidRequestError

__all__ = ["MAX_PATH_PARAM_LENGTH", "render_path"]

MAX_PATH_PARAM_LENGTH: Final = 256
_PLAIN = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
"""Only RFC 3986 "unreserved" characters, not starting with a dot: sent as is."""
_UNSENDABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (Unicode category Cc: C0, DEL, C1) and lone surrogates."""


def check_segment(name: str, value: object) -> str | InvalidRequestError:
    """The percent-encoded segment for a path parameter, or why it is refused."""
    if not isinstance(value, str):
        return InvalidRequestError(f"{name} must be a string, got {type(value).__name__}")
    if len(value) <= MAX_PATH_PARAM_LENGTH and _PLAIN.fullmatch(value):
        return value  # the usual id: nothing to encode, nothing to refuse
    if not value:
        return InvalidRequestError(f"{name} must not be empty")
    if len(value) > MAX_PATH_PARAM_LENGTH:
        return InvalidRequestError(
            f"{name} is {len(value)} characters long; the API allows at most "
            f"{MAX_PATH_PARAM_LENGTH}"
        )
    if value in (".", ".."):
        return InvalidRequestError(f"{name} must not be {value!r}: it is a relative path step")
    unsendable = _UNSENDABLE.search(value)
    if unsendable is not None:
        if unsendable.group() < "\ud800":
            return InvalidRequestError(f"{name} must not contain control characters")
        # A lone surrogate has no UTF-8 form, so it cannot be percent-encoded.
        return InvalidRequestError(f"{name} must be valid Unicode text (it has a lone surrogate)")
    # safe="" encodes everything outside RFC 3986 "unreserved", "/" included.
    return quote(value, safe="")


def render_path(endpoint: Endpoint[Any, Any, Any], request: Any) -> str | InvalidRequestError:
    """The request's path, from the request model or a mapping with exactly its fields."""
    # ``request`` is Any on purpose: callers may pass anything, and each branch checks.
    lookup: Callable[[str], object]
    if isinstance(request, endpoint.request):
        lookup = request.__getattribute__
    elif type(request) is dict or isinstance(request, Mapping):  # dict: skip the ABC check
        given = cast(Mapping[str, object], request)
        if given.keys() != endpoint.field_names:  # pyright: ignore[reportUnnecessaryComparison]
            return InvalidRequestError(
                f"{endpoint.name} takes a request with exactly the keys "
                f"{sorted(endpoint.field_names)}, got {list(given)}"
            )
        lookup = given.__getitem__
    else:
        return InvalidRequestError(
            f"{endpoint.name} takes a {endpoint.request.__name__} or a mapping, "
            f"got {type(request).__name__}"
        )
    parts = list(endpoint.segments)
    for i in range(1, len(parts), 2):
        segment = check_segment(parts[i], lookup(parts[i]))
        if isinstance(segment, InvalidRequestError):
            return segment
        parts[i] = segment
    return "".join(parts)
