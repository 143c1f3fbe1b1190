"""What a response that is not the endpoint's success becomes: the ``SDKError`` to return.

The one table of which error status gets which ``SDKDefaultError`` subclass is here
(``status_class``): 400 ``BadRequestError``, 401 ``AuthenticationError``, 403
``PermissionDeniedError``, 409 ``ConflictError``, 422 ``UnprocessableEntityError``, 429
``RateLimitError``, 500..599 ``InternalServerError``; any other status ``SDKDefaultError``.

Each function builds one kind of error with the fields the contract promises (``code``,
``message``, ``details`` from an ``ApiError`` body whatever the status) and a message that
says what happened and what to do. ``where`` is ``"GET http://..."``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeVar

from openapi._advice import status_advice
from openapi._http.bodies import ERROR_BODY_LIMIT, SUCCESS_BODY_LIMIT
from openapi._http.transport_errors import detached
from openapi.models._converter import ApiErrorBody, decode_api_error, describe
from openapi.models.components import HTTPMetadata
from openapi.models.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    SDKDefaultError,
    UnprocessableEntityError,
)

__all__ = [
    "advice",
    "body_too_large",
    "invalid_body",
    "not_json",
    "preview",
    "redirect_refused",
    "status_class",
    "status_error",
    "undecodable",
]

_MESSAGE_BODY_PREVIEW: Final = 200

_STATUS_CLASSES: Final[Mapping[int, type[SDKDefaultError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_class(status: int) -> type[SDKDefaultError]:
    """The class of an error status that is not the endpoint's documented ``ApiError``:
    its own ``SDKDefaultError`` subclass when it has one, else ``SDKDefaultError``."""
    if 500 <= status <= 599:
        return InternalServerError
    return _STATUS_CLASSES.get(status, SDKDefaultError)


def advice(status: int) -> str:
    """What to do about an error status, in a few words (one source: ``openapi._advice``)."""
    return status_advice(status)


def preview(body: str) -> str:
    """The body on one line, cut to 200 characters, for a message."""
    body = " ".join(body.split())
    if len(body) > _MESSAGE_BODY_PREVIEW:
        return body[:_MESSAGE_BODY_PREVIEW] + "..."
    return body


def _text(raw: bytes) -> str:
    return raw[:ERROR_BODY_LIMIT].decode("utf-8", "replace")


def _document(raw: bytes, is_json: bool) -> ApiErrorBody | None:
    # A document past the error cap was cut short by the read, or is no error document.
    return decode_api_error(raw) if is_json and len(raw) <= ERROR_BODY_LIMIT else None


def _said(document: ApiErrorBody | None, body: str) -> str:
    if document is not None:
        return f"The server said: {document.code}: {preview(document.message)}"
    return f"Body: {preview(body) or '(empty)'}"


def _report(meta: HTTPMetadata, document: ApiErrorBody | None = None) -> str:
    request_id = (document.request_id if document else None) or meta.request_id
    return f"report it with request id {request_id}" if request_id else "report it"


def status_error(
    where: str,
    meta: HTTPMetadata,
    raw: bytes,
    is_json: bool,
    *,
    reason: str,
    documented: frozenset[int],
) -> ApiError | SDKDefaultError:
    """An error status: ``ApiError`` for a documented status with its document, else the
    status's ``SDKDefaultError`` class (``status_class``; with the document's fields when the
    body is one)."""
    status = meta.status_code
    body = _text(raw)
    document = _document(raw, is_json)
    if document is not None and status in documented:
        return ApiError(
            document.message,
            code=document.code,
            details=document.details,
            request_id=document.request_id,
            http_meta=meta,
            body=body,
        )
    tries = f" after {meta.attempts} attempts" if meta.attempts > 1 else ""
    explanation = (
        f"{where} answered HTTP {status} {reason}{tries}: {advice(status)}. {_said(document, body)}"
    )
    return _default(status_class(status), explanation, meta, body, document)


def not_json(
    where: str, meta: HTTPMetadata, raw: bytes, content_type: str | None
) -> SDKDefaultError:
    """A 2XX whose content type is not JSON (a login page, a proxy's banner)."""
    body = _text(raw)
    return SDKDefaultError(
        f"{where} answered HTTP {meta.status_code} with content type {content_type!r} instead "
        f"of JSON; check that server_url points at the Operations API. Body: {preview(body)}",
        http_meta=meta,
        body=body,
    )


def body_too_large(
    where: str, meta: HTTPMetadata, head: bytes, schema: str
) -> ResponseValidationError:
    """A 2XX JSON body past ``SUCCESS_BODY_LIMIT`` (decompressed); ``schema`` names the
    success model (``"Operation"``)."""
    return ResponseValidationError(
        f"{where} answered HTTP {meta.status_code} with a body over "
        f"{SUCCESS_BODY_LIMIT // (1024 * 1024)} MiB, more than any {schema} should be; it "
        f"was not read further. This is a server bug: {_report(meta)}",
        http_meta=meta,
        body=_text(head),
    )


def invalid_body(
    where: str, meta: HTTPMetadata, raw: bytes, exc: Exception, schema: str
) -> ResponseValidationError:
    """A 2XX JSON body that is not a valid ``schema`` (the success model's name, such as
    ``"Operation"``); ``exc`` says why (and is chained)."""
    document = _document(raw, True)
    explanation = (
        f"{where} answered HTTP {meta.status_code} with a body that is not a valid {schema}: "
        f"{describe(exc)}. "
        + (f"{_said(document, '')}. " if document else "")
        + f"This is a server bug: {_report(meta, document)}"
    )
    error = _default(ResponseValidationError, explanation, meta, _text(raw), document)
    error.__cause__ = detached(exc)
    return error


def undecodable(
    where: str, meta: HTTPMetadata, raw: bytes, exc: Exception
) -> ResponseValidationError | SDKDefaultError:
    """A body or header the decoder choked on (whatever it raised): the status's class."""
    status = meta.status_code
    kind = ResponseValidationError if 200 <= status < 300 else status_class(status)
    error: ResponseValidationError | SDKDefaultError = kind(
        f"{where} answered HTTP {meta.status_code} with a response that could not be decoded "
        f"({type(exc).__name__}: {preview(str(exc))}); this is a server bug: {_report(meta)}",
        http_meta=meta,
        body=_text(raw),
    )
    error.__cause__ = detached(exc)
    return error


def redirect_refused(where: str, meta: HTTPMetadata, location: str, why: str) -> SDKDefaultError:
    """A redirect the SDK does not follow; ``why`` is a sentence from ``_http.redirects``."""
    return SDKDefaultError(
        f"{where} answered HTTP {meta.status_code} redirecting to {location}: {why}",
        http_meta=meta,
    )


_E = TypeVar("_E", SDKDefaultError, ResponseValidationError)


def _default(
    kind: type[_E],
    explanation: str,
    meta: HTTPMetadata,
    body: str,
    document: ApiErrorBody | None,
) -> _E:
    if document is None:
        return kind(explanation, http_meta=meta, body=body)
    return kind(
        document.message,
        http_meta=meta,
        body=body,
        code=document.code,
        details=document.details,
        request_id=document.request_id,
        explanation=explanation,
    )
