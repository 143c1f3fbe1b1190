"""Where a redirect may lead, decided by the SDK rather than by aiohttp.

aiohttp's own redirect handling re-sends a POST as GET on 301/302/303 (as browsers do), which
turns a cancel into a poll that cancels nothing. So every request goes out with
``allow_redirects=False`` and the pipeline follows a redirect only when this module says so:

- GET follows 301/302/303/307/308, at most ``MAX_REDIRECTS`` in a row;
- POST follows 307/308 only (they keep the method); a 301/302/303 is an error naming the
  ``Location``, never a silent method change;
- the target must be an absolute http(s) URL once resolved against the current one;
- credentials (``Authorization``, ``Cookie``, ``Proxy-Authorization``) never cross origins:
  once a hop leaves the origin they are dropped for the rest of the chain, as aiohttp does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import yarl

__all__ = [
    "CREDENTIAL_HEADERS",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "next_hop",
    "redirect_target",
    "shown",
    "without_credentials",
]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
METHOD_KEEPING: Final = frozenset({307, 308})
"""The redirects that RFC 9110 says keep the method (and body): the only ones a POST follows."""
MAX_REDIRECTS: Final = 10
CREDENTIAL_HEADERS: Final = frozenset({"authorization", "cookie", "proxy-authorization"})
_SHOWN_LENGTH: Final = 200


def shown(location: str) -> str:
    """``location`` as an error message may quote it: printable and at most 200 characters."""
    text = "".join(c if c.isprintable() else "?" for c in location[:_SHOWN_LENGTH])
    return repr(text + ("..." if len(location) > _SHOWN_LENGTH else ""))


def redirect_target(method: str, status: int, current: yarl.URL, location: str) -> yarl.URL | str:
    """The URL a redirect leads to, or a sentence saying why it is not followed."""
    if method != "GET" and status not in METHOD_KEEPING:
        return (
            f"a {method} is never re-sent as GET (aiohttp would, and the server would then "
            "do nothing it was asked); point server_url at the address the API really has"
        )
    try:
        parsed = yarl.URL(location)
        # Only a reference without a scheme is relative: "http:/x" names no host, and is
        # refused rather than resolved against the current URL as browsers do.
        target = current.join(parsed) if not parsed.scheme else parsed
        valid = target.scheme in ("http", "https") and bool(target.host) and target.port != 0
    except ValueError as exc:  # yarl: "Port out of range", "Invalid IPv6 URL", ...
        return f"the Location is not a valid URL ({exc}), so it is not followed"
    if not valid:
        return "the Location is not an http(s) URL with a host, so it is not followed"
    return target


def next_hop(
    method: str,
    status: int,
    current: yarl.URL,
    location: str,
    hops: int,
    session_headers: Iterable[str],
) -> yarl.URL | str:
    """Where to follow a redirect to, or a sentence saying why it is not followed.

    ``hops`` is how many redirects led to ``current``; ``session_headers`` the names of the
    aiohttp session's default headers, which aiohttp adds to every request it sends.
    """
    target = redirect_target(method, status, current, location)
    if isinstance(target, str):
        return target
    if hops == MAX_REDIRECTS:
        return f"that is more than {MAX_REDIRECTS} redirects in a row; fix server_url"
    if target.origin() != current.origin() and any(
        name.lower() in CREDENTIAL_HEADERS for name in session_headers
    ):
        return (
            "another origin, and the aiohttp session's default headers carry credentials "
            "that would go with the request; pass a session without them"
        )
    return target


def without_credentials(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` minus the ones that must not reach another origin."""
    return {
        name: value for name, value in headers.items() if name.lower() not in CREDENTIAL_HEADERS
    }
