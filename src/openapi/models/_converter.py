"""The one cattrs converter: JSON bodies into models (``decode_json``), models into JSON.

The rules for JSON's own types live here (strings, numbers, RFC 3339 date-times, objects,
``null``), with the helpers a model's rules are built from (``open_enum``, ``optional``,
``fraction``); each model registers its own rules beside its class
(``openapi.models.components``), so that a model can use the converter for its JSON methods
(``Operation.to_dict``) without the two modules importing each other. The pipeline
(``openapi._http``) knows none of them.

Decoding is strict about types (a number is not a string) and lenient about evolution:
unknown fields are ignored and an unknown ``status`` is kept as its string.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import cattrs
from cattrs.v import format_exception

__all__ = [
    "ApiErrorBody",
    "converter",
    "decode_api_error",
    "decode_json",
    "describe",
    "fraction",
    "open_enum",
    "optional",
]

T = TypeVar("T")
Hook = Callable[[Any, Any], Any]

converter = cattrs.Converter(forbid_extra_keys=False)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _str(value: Any, _: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {_type_name(value)}")


def _float(value: Any, _: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, got {_type_name(value)}")


_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _datetime(value: Any, _: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"expected an RFC 3339 date-time string, got {_type_name(value)}")
    try:
        return datetime.fromisoformat(value)  # the usual form, fast
    except ValueError:
        pass
    # RFC 3339 forms fromisoformat refuses: a lower-case "z", a leap second.
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {value[:64]!r}")
    date, hour_minute, second, fraction, offset = match.groups()
    if second == "60":  # datetime has no leap second: the last instant before it stands in
        second, fraction = "59", ".999999"
    offset = "+00:00" if offset in ("Z", "z") else offset
    return datetime.fromisoformat(f"{date}T{hour_minute}:{second}{fraction or ''}{offset}")


def fraction(name: str) -> Hook:
    """The hook of a field ``name`` that is a number from 0 to 1, or null."""

    def structure(value: Any, _: object) -> float | None:
        # json.loads accepts NaN and Infinity, and 1e999 becomes inf: all refused.
        if value is None:
            return None
        number = _float(value, None)
        if not 0.0 <= number <= 1.0:  # also false for NaN
            raise ValueError(f"{name} must be a number from 0 to 1, got {value!r}")
        return number

    return structure


E = TypeVar("E", bound=enum.Enum)


def open_enum(kind: type[E], what: str) -> Hook:
    """The hook of an open enum: a known value is its ``kind`` member, any other string is
    kept as the string (servers may add values); anything else is refused."""
    known: dict[object, E] = {member.value: member for member in kind}

    def structure(value: Any, _: object) -> E | str:
        if not isinstance(value, str):
            raise TypeError(f"expected a {what} string, got {_type_name(value)}")
        return known.get(value, value)

    return structure


def _metadata(value: Any, _: object) -> dict[str, Any]:
    if value is None:  # tolerated: the schema's default is {}
        return {}
    if isinstance(value, dict):
        return cast(dict[str, Any], value)
    raise TypeError(f"expected an object, got {_type_name(value)}")


converter.register_structure_hook(str, _str)
converter.register_structure_hook(float, _float)
converter.register_structure_hook(datetime, _datetime)
converter.register_structure_hook_func(lambda t: t == dict[str, Any], _metadata)


def optional(hook: Hook) -> Hook:
    """``hook`` for ``X | None``: ``null`` is ``None``, anything else goes to ``hook``."""

    # cattrs' generic Optional hook dispatches on the inner type on every call; these
    # fields are decoded on every poll, so they get their inner hook bound once.
    def structure(value: Any, _: object) -> Any:
        return None if value is None else hook(value, None)

    return structure


converter.register_structure_hook(str | None, optional(_str))
converter.register_structure_hook(float | None, optional(_float))
converter.register_structure_hook(datetime | None, optional(_datetime))
# RFC 3339 for an aware datetime, its offset kept. A naive one (a server that sent no offset,
# which datetime.fromisoformat accepts) is written as it came: the round trip stays exact.
converter.register_unstructure_hook(datetime, lambda dt: dt.isoformat())


_HOOKS: dict[type[Any], Callable[[Any, Any], Any]] = {}
"""Each success model's hook, looked up once: cattrs' dispatch per call costs more."""


def decode_json(body: bytes, model: type[T]) -> T:
    """Parse a JSON object into ``model`` (an attrs class); raises ``ValueError`` or a cattrs
    error saying why the body is not one."""
    # JSON is UTF-8 (RFC 8259): decoding first skips json's encoding sniffing. A BOM is
    # tolerated, as the RFC allows, without the slower "utf-8-sig" codec.
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    data = json.loads(body.decode())
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {_type_name(data)}")
    hook = _HOOKS.get(model)
    if hook is None:
        hook = _HOOKS[model] = converter.get_structure_hook(model)
    value: T = hook(data, model)
    return value


class ApiErrorBody:
    """The fields of an ``ApiError`` document (``code``, ``message``, ...)."""

    __slots__ = ("code", "details", "message", "request_id")

    def __init__(self, code: str, message: str, request_id: str | None, details: Any) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details = details


def decode_api_error(body: bytes) -> ApiErrorBody | None:
    """Parse an ``ApiError`` document, or return ``None`` when the body is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: arrays 5,000 deep
        return None
    if not isinstance(data, dict):
        return None
    data = cast(dict[str, Any], data)
    code, message, request_id = data.get("code"), data.get("message"), data.get("request_id")
    if not isinstance(code, str) or not isinstance(message, str):
        return None
    return ApiErrorBody(
        code, message, request_id if isinstance(request_id, str) else None, data.get("details")
    )


def _why(exc: BaseException, expected: type | None) -> str:
    # The hooks above say what they expected and what came; cattrs' default text does not.
    if isinstance(exc, TypeError | ValueError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return format_exception(exc, expected)


def describe(exc: BaseException) -> str:
    """One readable line for why a body did not decode (with JSON paths from cattrs)."""
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc, path="$", format_exception=_why))
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    return str(exc)
