"""``SDKCore``: configuration, the aiohttp session, and auth. No endpoint knowledge.

Create one per event loop and share it across your application::

    async with SDKCore(api_key="...", server_url="https://ops.example.com") as core:
        res = await operations_get_operation(core, {"operation_id": "op_123"})

Configuration problems (no key, no server URL, an ``http://`` URL to a remote host) do not
raise here: every call returns them as ``Err(InvalidRequestError)`` and sends nothing. A
setting that cannot be one does raise: a misspelt name is a ``TypeError``, a ``timeout`` or
``connection_limit`` that is not a positive finite number a ``ValueError``.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import os
import ssl
import warnings
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, Unpack, cast

import aiohttp
import attrs

from openapi import _owned_session
from openapi._advice import API_KEY_ENV as API_KEY_ENV
from openapi._advice import SERVER_URL_ENV as SERVER_URL_ENV
from openapi._advice import missing_api_key
from openapi._closing import AsyncClosing as AsyncClosing
from openapi._http.deadlines import DeadlineKeeper
from openapi._http.fleet import Fleet
from openapi._proxies import ProxyRoutes, redacted
from openapi._server_url import parse_server_url as parse_server_url
from openapi._settings import CORE_SETTINGS, DEFAULT_CONNECTION_LIMIT, check_keywords
from openapi._settings import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from openapi._settings import ApiKey as ApiKey
from openapi._settings import CoreSettings as CoreSettings
from openapi._tls import tls_setting
from openapi._version import __version__
from openapi.models.errors import (
    CallError,
    ConnectionError,
    InvalidRequestError,
    UnexpectedClientError,
)
from openapi.types import Err, Ok, Result
from openapi.utils._fields import POSITIVE_COUNT, POSITIVE_SECONDS, to_float
from openapi.utils.retries import RetryConfig

if TYPE_CHECKING:
    from openapi.hooks import Hook, Hooks
    from openapi.utils.options import CallOptions

__all__ = ["ApiKey", "AsyncClosing", "CoreSettings", "SDKConfig", "SDKCore"]

USER_AGENT: Final = f"openapi-python/{__version__}"
UNCLOSED_MESSAGE: Final = (
    "SDKCore was garbage-collected without aclose(); use 'async with SDKCore(...)' "
    "or await core.aclose()"
)
ORIGIN_CLOSED: Final = (
    "the SDKCore this one was made from with with_options() was closed, and with it the "
    "connection pool they share; close the original only after its copies are done"
)
SERVER_URL_CACHE_SIZE: Final = 16
"""Checked server URLs a core remembers (the configured one and recent per-call ones)."""


@attrs.frozen(slots=True)
class SDKConfig:
    """The settings an ``SDKCore`` was made with (the API key is deliberately not here)."""

    server_url: str | None
    retry_config: RetryConfig = attrs.field(factory=RetryConfig)
    timeout: float = attrs.field(
        default=DEFAULT_TIMEOUT, converter=to_float, validator=POSITIVE_SECONDS
    )
    headers: Mapping[str, str] = attrs.field(factory=dict[str, str])
    allow_insecure_http: bool = False
    verify_ssl: bool | ssl.SSLContext = True
    connection_limit: int = attrs.field(default=DEFAULT_CONNECTION_LIMIT, validator=POSITIVE_COUNT)
    proxy: str | None = attrs.field(default=None, repr=lambda url: repr(url and redacted(url)))
    trust_env: bool = True
    ca_bundle: str | os.PathLike[str] | None = None
    hooks: tuple[Hook, ...] = ()


_T = TypeVar("_T")


def _retry_config(settings: CoreSettings) -> RetryConfig:
    """``retry_config`` (default ``RetryConfig()``) with the ``max_retries`` shortcut applied."""
    config = settings.get("retry_config") or RetryConfig()
    if "max_retries" in settings:
        config = attrs.evolve(config, max_retries=settings["max_retries"])
    return config


def _no_key_error() -> InvalidRequestError:
    return InvalidRequestError(missing_api_key())


class _Secret(Generic[_T]):
    """Holds the API key so that no repr, traceback local or log ever shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: _T) -> None:
        self._value = value

    def reveal(self) -> _T:
        return self._value

    def __repr__(self) -> str:
        return "'***'"


def _hooks(given: Sequence[Hook] | None) -> Hooks | None:
    if not given:
        return None
    from openapi.hooks import Hooks  # only a core given hooks loads them

    return Hooks.of(given)


class SDKCore(AsyncClosing):
    """Configuration, transport (one shared ``aiohttp.ClientSession``) and auth.

    Takes the keyword arguments ``CoreSettings`` declares, each documented there: the API
    key and server URL (by default from the environment), a session of yours or none, and
    the defaults of every call (``RequestOptions`` overrides them per call).
    """

    def __init__(self, **settings: Unpack[CoreSettings]) -> None:
        check_keywords(settings, CORE_SETTINGS, "SDKCore")
        api_key = settings.get("api_key")
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV) or None
        self._api_key = _Secret(key) if key is not None else None
        self.config = SDKConfig(
            server_url=settings.get("server_url") or os.environ.get(SERVER_URL_ENV) or None,
            retry_config=_retry_config(settings),
            timeout=settings.get("timeout", DEFAULT_TIMEOUT),
            headers=dict(settings.get("headers") or {}),
            allow_insecure_http=settings.get("allow_insecure_http", False),
            verify_ssl=settings.get("verify_ssl", True),
            connection_limit=settings.get("connection_limit", DEFAULT_CONNECTION_LIMIT),
            proxy=settings.get("proxy"),
            trust_env=settings.get("trust_env", True),
            ca_bundle=settings.get("ca_bundle"),
            hooks=tuple(settings.get("hooks") or ()),
        )
        session = settings.get("session")
        config = self.config
        self.proxies = ProxyRoutes.from_settings(
            config.proxy, config.trust_env, session is None, config.allow_insecure_http
        )
        """The proxy of each request (see ``openapi._proxies``)."""
        self._ssl = tls_setting(config.verify_ssl, config.ca_bundle)
        self._session = session
        self._owns_session = session is None
        self._watch: AsyncGenerator[None, None] | None = None
        """Closes the session this core made if its loop shuts down first (see aclose)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        # Bounded: a per-call ``server_url`` may differ on every call. Only checked URLs
        # are kept; a refusal is built afresh each time (an exception is mutable).
        self._server_urls: dict[str, Ok[str]] = {}
        self._session_ok: Ok[aiohttp.ClientSession] | None = None
        self._deadlines: DeadlineKeeper | None = None
        self.fleet = Fleet()
        """What this core's calls share to stay fleet-safe: retry quota, rate-limit gate,
        poll window (see ``openapi._http.fleet``)."""
        self.base_headers: Mapping[str, str] = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **self.config.headers,
        }
        # The session the core creates carries ``base_headers`` itself; a caller's session
        # does not, so then every request carries them.
        self.request_headers: Mapping[str, str] = {} if session is None else self.base_headers
        """Headers each request must add to its session's own."""
        self._bearer = _Secret("Bearer " + key) if isinstance(key, str) and key else None
        self._origin: SDKCore | None = None
        """The core whose session (pool) and deadlines a ``with_options`` copy uses."""
        self.hooks: Hooks | None = _hooks(self.config.hooks)
        """The hooks every call runs around each attempt (``openapi.hooks``), if any."""

    def __repr__(self) -> str:
        key = "***" if self._api_key is not None else None
        return f"SDKCore(server_url={self.config.server_url!r}, api_key={key!r})"

    # --- configuration ---------------------------------------------------------------------

    def server_url(self, override: str | None = None) -> Result[str, InvalidRequestError]:
        """The checked base URL for a call (``override`` is ``RequestOptions.server_url``)."""
        url = override or self.config.server_url or ""
        cached = self._server_urls.get(url)
        if cached is not None:
            return cached
        checked = parse_server_url(url, allow_insecure_http=self.config.allow_insecure_http)
        if isinstance(checked, Ok):
            if len(self._server_urls) >= SERVER_URL_CACHE_SIZE:
                del self._server_urls[next(iter(self._server_urls))]  # the oldest
            self._server_urls[url] = checked
        return checked

    def timeout(self, seconds: float | None = None) -> float:
        """The per-attempt timeout in seconds (``seconds`` is ``RequestOptions.timeout``)."""
        return self.config.timeout if seconds is None else seconds

    def with_options(self, **options: Unpack[CallOptions]) -> SDKCore:
        """A light copy with other defaults that shares this core's connection pool.

        ``timeout``, ``retries`` and ``server_url`` replace this core's; ``headers`` are
        added to its own (a name given here wins). The key, the pool and the other settings
        are shared. Closing the copy leaves the pool open; closing this core (its owner)
        closes it, and the copy's calls then end with ``InvalidRequestError`` saying so.
        """
        # Imported here: a core that is never copied does not load the options module.
        from openapi.utils.options import RequestOptions, call_options

        given = call_options(options, "with_options") or RequestOptions()
        made = copy.copy(self)  # every setting (and any attribute added later) carried over
        made._origin = self._origin or self
        extra = dict(given.headers or {})
        made.config = attrs.evolve(
            self.config,
            server_url=given.server_url or self.config.server_url,
            retry_config=given.retries or self.config.retry_config,
            timeout=self.timeout(given.timeout),
            headers={**self.config.headers, **extra},
        )
        made.base_headers = {**self.base_headers, **extra}
        made.request_headers = made.base_headers  # the pool's session carries the original's
        made._server_urls = {}
        made._session = made._session_ok = made._watch = None
        made._owns_session = made._closed = False
        return made

    # --- auth --------------------------------------------------------------------------------

    def fixed_authorization(self) -> str | None:
        """The ``Authorization`` value when the key is a fixed string, else ``None``.

        Lets a call skip awaiting ``authorization()`` in the common case; ``None`` means the
        key is a callable (or missing) and ``authorization()`` must be awaited.
        """
        bearer = self._bearer
        return None if bearer is None else bearer.reveal()

    def missing_key(self) -> InvalidRequestError | None:
        """Why no request can carry a key (none configured), or ``None``: checked before a
        call sends anything, without calling a key callable."""
        return _no_key_error() if self._api_key is None else None

    async def authorization(self) -> Result[str, InvalidRequestError | UnexpectedClientError]:
        """The ``Authorization`` header value for the next request.

        A key callable is called on each call, once per attempt (so a key rotated between
        two attempts reaches the retry); the pipeline runs it inside the attempt's deadline.
        """
        if self._api_key is None:
            return Err(_no_key_error())
        key = cast(object, self._api_key.reveal())  # checked below: callables may lie
        if callable(key):
            try:
                produced = key()
                if inspect.isawaitable(produced):
                    produced = await produced
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # The provider's exception is kept only by type: its text might hold the key.
                return Err(
                    UnexpectedClientError(
                        f"the api_key callable raised {type(exc).__name__}; fix the key provider"
                    )
                )
            key = produced
        if not isinstance(key, str) or not key:
            return Err(
                InvalidRequestError(
                    f"the API key is empty or not a string: check api_key= or ${API_KEY_ENV}"
                )
            )
        return Ok("Bearer " + key)

    # --- transport ---------------------------------------------------------------------------

    def session(self) -> Result[aiohttp.ClientSession, InvalidRequestError]:
        """The shared session; created on first use, inside the running event loop."""
        if self._origin is not None and not self._closed:  # a with_options copy
            if self._origin.closed:
                return Err(InvalidRequestError(ORIGIN_CLOSED))
            return self._origin.session()
        if self._closed:
            return Err(
                InvalidRequestError(
                    "this SDKCore was closed (aclose() or the end of `async with`); "
                    "create a new one"
                )
            )
        loop = asyncio.get_running_loop()
        if loop is self._loop and self._session_ok is not None:
            return self._session_ok
        if self._loop is None:
            self._loop = loop
            self._deadlines = DeadlineKeeper(loop)
        elif self._loop is not loop:
            return Err(
                InvalidRequestError(
                    "this SDKCore is bound to the event loop it was first used in; create one "
                    "SDKCore per event loop (for example inside the coroutine asyncio.run runs)"
                )
            )
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.config.connection_limit,
                ssl=self._ssl,
            )
            self._session = aiohttp.ClientSession(connector=connector, headers=self.base_headers)
            self._watch = _owned_session.start_watch(self._session)
        self._session_ok = Ok(self._session)
        return self._session_ok

    @property
    def deadlines(self) -> DeadlineKeeper:
        """The per-attempt deadlines of this core's event loop (bound by ``session()``)."""
        if self._origin is not None:
            return self._origin.deadlines
        if self._deadlines is None:
            raise RuntimeError("SDKCore.deadlines is bound by the first session() call")
        return self._deadlines

    @property
    def closed(self) -> bool:
        """True after ``aclose()`` (of a ``with_options`` copy: of it or of its original)."""
        return self._closed or (self._origin is not None and self._origin.closed)

    def closed_under(self, result: Result[_T, CallError]) -> Result[_T, CallError]:
        """``result`` of a call in flight when ``aclose()`` ran: the failure the closed
        session caused says so (as a call after ``aclose()`` does), instead of looking like
        a network or SDK fault. A call on a caller's session is untouched: its result stands.
        """
        if self._origin is not None:  # a copy's calls run on its original's session
            return self._origin.closed_under(result)
        if (
            not self._closed
            or not self._owns_session
            or not isinstance(result, Err)
            or not isinstance(result.error, ConnectionError | UnexpectedClientError)
        ):
            return result
        return Err(
            InvalidRequestError(
                "the SDKCore was closed while this call was in flight (aclose() or the end "
                "of `async with`); close it only after its calls are done, or create a new one"
            )
        )

    async def aclose(self) -> None:
        """Close the session this core created (a session you passed in stays open).

        Calls still in flight on that session end with ``InvalidRequestError`` saying the
        core was closed (see ``closed_under``).
        """
        self._closed = True
        self._session_ok = None
        # The deadline keeper is left alone: attempts still in flight (on a session of the
        # caller's) keep their deadlines, and its timer stops once nothing is left to watch.
        session, self._session = self._session, None
        watch, self._watch = self._watch, None
        if session is not None and self._owns_session and not session.closed:
            await session.close()
        if watch is not None:
            _owned_session.finish(watch)

    def __del__(self, _warnings: Any = warnings) -> None:
        # One clear warning, and nothing else (see openapi._owned_session). Never raises:
        # this may run at interpreter shutdown (hence ``_warnings`` bound at definition
        # time) or with warnings turned into errors.
        try:
            session = getattr(self, "_session", None)
            if session is None or not getattr(self, "_owns_session", False):
                return  # closed with aclose(), never used, or the session is the caller's
            self._session = None
            if self._loop is not None:
                _owned_session.release(session, self._watch, self._loop)
            _warnings.warn(UNCLOSED_MESSAGE, ResourceWarning, source=self, stacklevel=2)
        except Exception:  # nothing may escape a finalizer
            pass
