"""Reading the JSON body of a ``/_mock`` admin request, strictly.

An unknown field or a value of the wrong type is refused with a 400 rather than ignored,
so a typo in a test's setup fails loudly instead of silently changing nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import cast

from aiohttp import web

from ._operation import MockError

__all__ = [
    "AdminError",
    "get_dict",
    "get_error",
    "get_number",
    "get_polls",
    "get_str",
    "json_object",
    "only",
]


class AdminError(Exception):
    """An admin request that cannot be served; becomes an ``ApiError`` response."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


async def json_object(request: web.Request) -> dict[str, object]:
    """The body as a JSON object; an empty body is ``{}``."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data: object = json.loads(raw)
    except ValueError:
        raise AdminError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise AdminError(400, "invalid_request", "The request body must be a JSON object.")
    return cast(dict[str, object], data)


def only(body: Mapping[str, object], *allowed: str) -> None:
    """Refuse a body with any field not in ``allowed``."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise AdminError(400, "invalid_request", f"unknown field(s): {', '.join(unknown)}")


def _check(body: Mapping[str, object], key: str, kind: type | tuple[type, ...]) -> object:
    value = body.get(key)
    # bool is an int subclass, but ``"duration": true`` is certainly a mistake.
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
        raise AdminError(400, "invalid_request", f"{key!r} has the wrong type")
    return value


def get_str(body: Mapping[str, object], key: str) -> str | None:
    """``body[key]`` if it is a string, ``None`` if absent or null."""
    return cast("str | None", _check(body, key, str))


def get_number(body: Mapping[str, object], key: str) -> float | None:
    """``body[key]`` as a float if it is a number, ``None`` if absent or null."""
    value = cast("int | float | None", _check(body, key, (int, float)))
    return None if value is None else float(value)


def get_dict(body: Mapping[str, object], key: str) -> dict[str, object] | None:
    """``body[key]`` if it is an object, ``None`` if absent or null."""
    return cast("dict[str, object] | None", _check(body, key, dict))


def get_polls(body: Mapping[str, object]) -> int | None:
    """``body["polls"]`` if it is a whole number (the store checks it is >= 1)."""
    polls = body.get("polls")
    if polls is None:
        return None
    if isinstance(polls, bool) or not isinstance(polls, int):
        raise AdminError(400, "invalid_request", "polls must be a whole number >= 1")
    return polls


def get_error(value: object) -> MockError | None:
    """An operation error from JSON: ``{"code", "message", "details"?}`` or ``[code, msg]``."""
    if value is None:
        return None
    if isinstance(value, list):
        pair = cast(list[object], value)
        if len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], str):
            return MockError(pair[0], pair[1])
    if isinstance(value, dict):
        data = cast(dict[str, object], value)
        code, message = data.get("code"), data.get("message")
        if isinstance(code, str) and isinstance(message, str):
            return MockError(code, message, data.get("details"))
    raise AdminError(400, "invalid_request", "error must be {code, message, details?}")
