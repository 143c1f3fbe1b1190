"""Checking a server URL before anything is sent to it (``SDKCore`` and the ``openapi``
command): an absolute http(s) URL, no query, fragment or credentials, and no plain
``http://`` to a remote host unless the caller opts in."""

from __future__ import annotations

import yarl

from openapi._advice import (
    PYTHON,
    Spelling,
    bad_server_url,
    insecure_http,
    missing_server_url,
)
from openapi._proxies import is_loopback, redacted
from openapi.models.errors import InvalidRequestError
from openapi.types import Err, Ok, Result

__all__ = ["parse_server_url"]


def parse_server_url(
    url: str | None, *, allow_insecure_http: bool, spelling: Spelling = PYTHON
) -> Result[str, InvalidRequestError]:
    """Check a server URL and return it without a trailing slash, ready to prefix paths.

    ``spelling`` names the settings in the messages (the ``openapi`` command has its own).
    """
    if not url:
        return Err(InvalidRequestError(missing_server_url(spelling)))
    shown = redacted(url)  # a password in the URL must not reach a message
    try:
        parsed = yarl.URL(url)
    except (ValueError, TypeError):
        return Err(InvalidRequestError(bad_server_url(shown, "is not a valid URL", spelling)))
    if parsed.scheme not in ("http", "https") or not parsed.host:
        problem = "must be an absolute http(s) URL such as 'https://ops.example.com'"
        return Err(InvalidRequestError(bad_server_url(shown, problem, spelling)))
    if parsed.query_string or parsed.fragment or parsed.user:
        problem = "must not carry a query, fragment or credentials"
        return Err(InvalidRequestError(bad_server_url(shown, problem, spelling)))
    if parsed.scheme == "http" and not allow_insecure_http and not is_loopback(parsed.host):
        return Err(InvalidRequestError(insecure_http(parsed.host, spelling)))
    return Ok(str(parsed).rstrip("/"))
