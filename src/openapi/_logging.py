"""The ``openapi`` logger, its records' fields, and ``OPENAPI_LOG``.

Each attempt is one record: DEBUG when it got a usable answer, INFO when it failed (an error
status, a transport error, a timeout); a retry's delay is a DEBUG record. Every record
carries the same fields as attributes (``extra=``), so a JSON formatter emits them:
``endpoint``, ``operation_id``, ``method``, ``url``, ``attempt``, ``status``, ``elapsed``
(seconds), ``request_id``, ``error_type``, ``proxy``. No header is ever logged (the API key
travels only in ``Authorization``) and a proxy is shown without its credentials.

``OPENAPI_LOG=debug`` (or ``info``, ``warning``, ``error``) in the environment sets the
logger's level when the SDK's request pipeline is imported, and adds a handler printing to
stderr, which stays silent once the application has configured logging itself (a handler
on the root logger): the records then reach the application's handlers, printed once.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from openapi._http.state import Call

__all__ = ["LOG_ENV", "configure_from_env", "log_attempt", "log_fields", "logger"]

logger = logging.getLogger("openapi")

LOG_ENV: Final = "OPENAPI_LOG"
"""The environment variable that turns the SDK's logging on without code."""
_LEVELS: Final = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
_FORMAT: Final = "[%(asctime)s %(levelname)s %(name)s] %(message)s"


class _EnvHandler(logging.StreamHandler[Any]):
    """Prints to stderr until the application puts a handler on the root logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not logging.getLogger().handlers and super().filter(record)


def configure_from_env(environ: Mapping[str, str] = os.environ) -> logging.Handler | None:
    """Apply ``OPENAPI_LOG`` from ``environ``: the handler added, or ``None`` (unset, or
    already applied). An unknown level is a ``RuntimeWarning`` and changes nothing."""
    value = environ.get(LOG_ENV, "").strip().lower()
    if not value:
        return None
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"${LOG_ENV}={value!r} is not a level; use one of {', '.join(_LEVELS)}",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    logger.setLevel(level)
    if any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        return None
    handler = _EnvHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    return handler


def _request_id(result: object) -> object:
    # Ok(response): its HTTPMetadata; Err(SDKError): the error's own; else none.
    value = getattr(result, "value", None)
    meta = getattr(value, "http_meta", None)
    if meta is not None:
        return getattr(meta, "request_id", None)
    return getattr(getattr(result, "error", None), "request_id", None)


def log_fields(call: Call[Any]) -> dict[str, object]:
    """The fields every record about ``call`` carries (``extra=``)."""
    return {
        "endpoint": call.endpoint.name,
        "operation_id": call.operation_id,
        "method": call.endpoint.method,
        "url": str(call.url),
        "attempt": call.attempts,
        "proxy": None if call.proxy is None else call.proxy.shown,
    }


def log_attempt(call: Call[Any], status: object, result: object, elapsed: float) -> None:
    """One record for the attempt that just ended with ``result`` (``status``: the HTTP
    status, or what the transport raised); INFO if it failed, else DEBUG."""
    error = getattr(result, "error", None)
    level = logging.DEBUG if error is None else logging.INFO
    if not logger.isEnabledFor(level):
        return
    fields = log_fields(call)
    fields.update(
        status=status,
        elapsed=elapsed,
        request_id=_request_id(result),
        error_type=None if error is None else type(error).__name__,
    )
    logger.log(
        level,
        "%s -> %s (attempt %d, %.1f ms)",
        call.where(),
        status,
        call.attempts,
        elapsed * 1000,
        extra=fields,
    )


configure_from_env()
