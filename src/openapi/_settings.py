"""``CoreSettings``: the keyword arguments of ``SDKCore`` (and so of ``SDK``), declared once.

Both constructors take ``**settings: Unpack[CoreSettings]``: type checkers and IDEs show and
check each setting, and at run time ``check_keywords`` refuses a name the ``TypedDict`` does
not declare with the ``TypeError`` a misspelt parameter gets.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, TypeAlias, TypedDict

import aiohttp

from openapi.utils.retries import RetryConfig

if TYPE_CHECKING:  # loaded only by a core given hooks
    from openapi.hooks import Hook

__all__ = [
    "CORE_SETTINGS",
    "DEFAULT_CONNECTION_LIMIT",
    "DEFAULT_TIMEOUT",
    "ApiKey",
    "CoreSettings",
    "check_facade_keywords",
    "check_keywords",
]

ApiKey: TypeAlias = str | Callable[[], str] | Callable[[], Awaitable[str]]
"""An API key, or a (sync or async) callable returning the current one, called per request."""

DEFAULT_TIMEOUT: Final = 30.0
"""Seconds allowed for each attempt unless ``timeout=`` says otherwise."""

DEFAULT_CONNECTION_LIMIT: Final = 100
"""Connections the SDK-owned pool opens at most unless ``connection_limit=`` says otherwise."""


class CoreSettings(TypedDict, total=False):
    """The settings of an ``SDKCore`` (or ``SDK``), all optional, as keyword arguments.

    A numeric setting that is not a positive finite number raises ``ValueError`` naming it;
    a missing key or server URL is not raised: each call returns it as
    ``Err(InvalidRequestError)`` and sends nothing.
    """

    api_key: ApiKey | None
    """A string, or a sync/async callable returning one (called once per attempt, inside the
    attempt's deadline, so keys can rotate; a sync one runs on the event loop and must be
    quick). Default: ``$OPENAPI_API_KEY``."""
    server_url: str | None
    """The API's base URL. Default: ``$OPENAPI_SERVER_URL``."""
    session: aiohttp.ClientSession | None
    """An ``aiohttp.ClientSession`` of yours, used as is and never closed by the SDK. Without
    one, the core creates its own on first use, inside the running loop, and closes it in
    ``aclose()`` / ``async with``."""
    retry_config: RetryConfig | None
    """The retry policy of every call (``RequestOptions.retries`` overrides it per call).
    Default: ``RetryConfig()``."""
    max_retries: int | None
    """Shortcut for ``retry_config``'s ``max_retries``: retry each call at most this many
    times (``0``: never), within the time budget; it overrides the count of a
    ``retry_config`` given too. A per-call ``RequestOptions.retries`` replaces both."""
    timeout: float
    """Seconds per attempt, a positive finite number; the retry budget may cut it
    (``RequestOptions.timeout`` overrides it per call). Default: ``DEFAULT_TIMEOUT``, 30."""
    headers: Mapping[str, str] | None
    """Headers added to every request (``RequestOptions.headers`` add to them per call)."""
    allow_insecure_http: bool
    """Permit ``http://`` to a non-loopback host. Default off: the key would travel in
    clear text."""
    verify_ssl: bool | ssl.SSLContext
    """``False`` turns TLS verification off (don't), or pass an ``ssl.SSLContext``.
    Default: ``True``."""
    connection_limit: int
    """Size of the SDK-owned connection pool, a positive int. Default: 100."""
    proxy: str | None
    """A proxy for every request: ``http://[user:pass@]host:port`` (or ``https://``; a bare
    ``host:port`` means ``http://``), on the SDK's session or yours. Its credentials travel
    as ``Proxy-Authorization`` and are shown as ``***``. A malformed one is a ``ValueError``.
    Default: none (see ``trust_env``)."""
    trust_env: bool
    """Let the session the SDK creates follow ``HTTPS_PROXY`` / ``HTTP_PROXY`` /
    ``NO_PROXY`` (read when the core is made). ``~/.netrc`` is never read. Default: ``True``."""
    ca_bundle: str | os.PathLike[str] | None
    """A PEM file of CA certificates the SDK's session trusts instead of the system's store
    (loaded at once: a bad path is a ``ValueError``). Default: none."""
    hooks: Sequence[Hook] | None
    """Objects with ``before_request``, ``after_success`` and/or ``after_error`` methods,
    run around every attempt, retries included (see ``openapi.hooks``). An object with
    none of them is a ``TypeError``."""


def check_keywords(given: Iterable[str], declared: frozenset[str], owner: str) -> None:
    """Raise the ``TypeError`` Python raises for a misspelt parameter when a keyword in
    ``given`` is not one of ``declared`` (a ``TypedDict``'s keys): ``**kwargs`` typed with
    ``Unpack`` is checked by type checkers only."""
    for name in given:
        if name not in declared:
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")


CORE_SETTINGS: Final = CoreSettings.__optional_keys__
"""The names ``CoreSettings`` declares."""


def check_facade_keywords(
    settings: Mapping[str, object], *, core_given: bool, owner: str, core_owner: str
) -> None:
    """A facade's (``SDK``, ``SyncSDK``) keywords: each a setting ``CoreSettings`` declares,
    and none beside ``core=`` (the core has its own): else the ``TypeError`` saying which."""
    check_keywords(settings, CORE_SETTINGS, owner)
    if core_given and settings:
        raise TypeError(
            f"{owner}(core=...) takes no other setting (got {', '.join(sorted(settings))}): "
            f"the core has its own; give them to {core_owner}(...), or drop core="
        )
