"""One table: what the transport raised during an attempt -> the contract's error for it.

aiohttp's exceptions are never chained as they are: ``ClientResponseError`` and its kin
carry ``request_info`` (the request's headers, ``Authorization`` included) and ``history``
(every redirect's response, each with its own ``request_info``), and any raised exception's
traceback keeps the frames that held the request alive. An error the SDK returns chains
``detached(exc)`` instead: a fresh copy of the same type, never raised (so it has no
traceback and no ``__context__``), built only from what says what went wrong.
"""

from __future__ import annotations

import contextlib
import traceback
from typing import Final

import aiohttp
from aiohttp import http_exceptions
from aiohttp.client_reqrep import ConnectionKey
from multidict import CIMultiDict, CIMultiDictProxy

from openapi._proxies import Proxy
from openapi.models.errors import ConnectionError, UnexpectedClientError

__all__ = ["detached", "transport_error"]

_PLAIN: Final = (str, int, float, bool, type(None))
_NO_HEADERS: Final = CIMultiDictProxy(CIMultiDict[str]())
_LINK_DEPTH: Final = 8
_REASON_LENGTH: Final = 300
"""A 100 KB header line is quoted in aiohttp's message: the SDK's keeps its start."""

# --- the table ---------------------------------------------------------------------------

_UNREADABLE: Final = (
    "the server (or a proxy in between) sent a response that is not valid HTTP; "
    "check server_url, and report it to whoever runs the server"
)
_UNDECODABLE_ENCODING: Final = (
    "the server compressed the response in a way this installation cannot decode; install "
    "the package named above, or have the server send gzip"
)
_PROXY_ADVICE: Final = (
    "check the proxy's address and credentials (proxy=, or HTTPS_PROXY / HTTP_PROXY; "
    "NO_PROXY lists the hosts reached directly)"
)
_TABLE: Final[tuple[tuple[type[BaseException], bool, str], ...]] = (
    # (what was raised, retried as a connection error?, what to do) - first match wins.
    # The proxy's: it could not be reached, or it refused to open the tunnel.
    (aiohttp.ClientProxyConnectionError, True, _PROXY_ADVICE),
    (aiohttp.ClientHttpProxyError, False, _PROXY_ADVICE),
    (
        aiohttp.ClientConnectorCertificateError,
        False,  # permanent: retrying cannot make the certificate valid
        "fix the certificate, or pass ca_bundle= the PEM file of the CA that signed it "
        "(or verify_ssl= an ssl.SSLContext that trusts it)",
    ),
    # A response head aiohttp could not parse (bad status line, a 100 KB header line, 2,000
    # headers, a Content-Encoding it cannot decode): the same server will say the same again.
    (aiohttp.ClientResponseError, False, _UNREADABLE),
    (http_exceptions.HttpProcessingError, False, _UNREADABLE),
    # The body broke off or its framing did (a reset, a Content-Length longer than what came,
    # a bad chunk): what a flaky network or an overloaded proxy does too, so it is retried.
    (aiohttp.ClientPayloadError, True, "check server_url and the network"),
    (aiohttp.ClientConnectionError, True, "check server_url and the network"),
    (aiohttp.ClientError, False, "check server_url and the network"),
)


def transport_error(
    exc: Exception, where: str, attempt: int, proxy: Proxy | None = None
) -> tuple[ConnectionError | UnexpectedClientError, bool]:
    """The error for an attempt that raised ``exc`` (through ``proxy``, if not ``None``),
    and whether it may be retried."""
    name: str = type(exc).__name__
    row = next((row for row in _TABLE if isinstance(exc, row[0])), None)
    error: ConnectionError | UnexpectedClientError
    if row is None:
        retryable = False
        error = UnexpectedClientError(f"{where} failed unexpectedly: {name}: {exc}")
    else:
        kind, retryable, advice = row
        if _is_encoding_error(exc):
            advice = _UNDECODABLE_ENCODING
        if kind is aiohttp.ClientConnectorCertificateError:
            text = f"the server's TLS certificate is not trusted ({exc}); {advice}"
        elif _at_proxy(exc, proxy):
            text = _proxy_text(exc, proxy, attempt, _PROXY_ADVICE)
            # A proxy's 5XX (it could not reach the server, or is overloaded) may pass.
            retryable = retryable or getattr(exc, "status", 0) >= 500
        else:
            text = f"{name}: {_reason(exc)} (attempt {attempt}); {advice}"
        error = ConnectionError(f"{where} failed: {text}")
    error.__cause__ = detached(exc)
    return error, retryable


def _at_proxy(exc: Exception, proxy: Proxy | None) -> bool:
    """Whether ``exc`` is about the proxy rather than the server (aiohttp raises its plain
    ``ClientConnectorDNSError`` when the proxy's name does not resolve)."""
    if isinstance(exc, aiohttp.ClientProxyConnectionError | aiohttp.ClientHttpProxyError):
        return True
    return (
        proxy is not None
        and isinstance(exc, aiohttp.ClientConnectorError)
        and (exc.host, exc.port) == (proxy.url.host, proxy.url.port)
    )


def _proxy_text(exc: Exception, proxy: Proxy | None, attempt: int, advice: str) -> str:
    where = "the proxy" if proxy is None else f"the proxy {proxy.describe()}"
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        # Its text quotes the proxy's reason phrase only; the URL it holds is not shown.
        return (
            f"{where} refused to open a tunnel to the server: {exc.status} {exc.message} "
            f"(attempt {attempt}); {advice}"
        )
    error = getattr(exc, "os_error", None)
    reason = getattr(error, "strerror", None) or type(error).__name__
    return f"could not connect to {where}: {reason} (attempt {attempt}); {advice}"


def _is_encoding_error(exc: BaseException) -> bool:
    # aiohttp re-wraps the parser's ContentEncodingError in a plain HttpProcessingError
    # before raising a ClientResponseError from it: only the text says what it was.
    text = exc.message if isinstance(exc, aiohttp.ClientResponseError) else str(exc)
    return isinstance(exc, http_exceptions.ContentEncodingError) or (
        "content-encoding" in text.lower()
    )


def _reason(exc: BaseException) -> str:
    # A ClientResponseError's str() adds the URL, which the SDK's message already has.
    text = exc.message if isinstance(exc, aiohttp.ClientResponseError) else str(exc)
    text = " ".join(text.split())
    return text if len(text) <= _REASON_LENGTH else text[:_REASON_LENGTH] + "..."


# --- sanitized copies --------------------------------------------------------------------


def detached(exc: BaseException) -> BaseException:
    """A copy of ``exc`` that holds nothing of the request: see the module docstring.

    An aiohttp exception becomes a fresh one of the same type (so ``except`` clauses and
    ``type(cause).__name__`` still work). Any other exception is kept (it is the SDK's own
    or the standard library's, and its traceback is what a bug report needs), with the
    aiohttp exceptions chained to it detached in turn.
    """
    if isinstance(exc, aiohttp.ClientError | http_exceptions.HttpProcessingError):
        return _copy(exc)
    if exc.__traceback__ is not None:
        # The first entry is the frame that caught ``exc``, still running (so its locals
        # cannot be cleared): the SDK's, holding the request. The rest have returned.
        exc.__traceback__ = exc.__traceback__.tb_next
    _forget_locals(exc)
    _detach_links(exc, _LINK_DEPTH)
    return exc


def _forget_locals(exc: BaseException) -> None:
    # A traceback keeps each frame's locals alive: the request and its headers, the body
    # (up to 16 MiB). File and line survive; the locals go.
    if exc.__traceback__ is not None:
        traceback.clear_frames(exc.__traceback__)


def _detach_links(exc: BaseException, depth: int) -> None:
    if depth == 0:
        exc.__cause__ = exc.__context__ = None
        return
    for name in ("__cause__", "__context__"):
        linked = getattr(exc, name)
        if linked is None:
            continue
        if isinstance(linked, aiohttp.ClientError | http_exceptions.HttpProcessingError):
            setattr(exc, name, _copy(linked))
        else:
            _forget_locals(linked)
            _detach_links(linked, depth - 1)


def _copy(exc: BaseException) -> BaseException:
    kind = type(exc)
    try:
        if isinstance(exc, aiohttp.ClientResponseError):
            info = exc.request_info
            bare = aiohttp.RequestInfo(info.url, info.method, _NO_HEADERS, info.real_url)
            return type(exc)(bare, (), status=exc.status, message=exc.message, headers=exc.headers)
        if isinstance(exc, aiohttp.ClientConnectorCertificateError):
            return kind(_bare_key(exc), _os_copy(exc.certificate_error))
        if isinstance(exc, aiohttp.ClientConnectorError):
            return kind(_bare_key(exc), _os_copy(exc.os_error))
        if isinstance(exc, aiohttp.ServerDisconnectedError):
            # Its message may be the half-parsed response (a RawResponseMessage).
            return kind(exc.message if isinstance(exc.message, str) else None)
        if exc.args and all(isinstance(arg, _PLAIN) for arg in exc.args):
            return kind(*exc.args)
        if isinstance(exc, http_exceptions.HttpProcessingError):
            return type(exc)(code=exc.code, message=exc.message)  # the base's signature
        return kind()
    except Exception:  # an exotic subclass with another constructor: fall through
        pass
    return aiohttp.ClientError(f"{kind.__module__}.{kind.__qualname__}: {exc}")


def _bare_key(exc: aiohttp.ClientConnectorError) -> ConnectionKey:
    # The connection key's proxy credentials are a secret of their own. The key is the
    # exception's first argument (its public ``args``; the attribute is private).
    key = exc.args[0] if exc.args else None
    if isinstance(key, ConnectionKey):
        return key._replace(proxy_auth=None, proxy_headers_hash=None)
    return ConnectionKey(exc.host, exc.port, exc.ssl is not False, exc.ssl, None, None, None, None)


def _os_copy(error: BaseException) -> OSError:
    copy = OSError(*error.args) if not isinstance(error, OSError) else type(error)(*error.args)
    for name in ("verify_code", "verify_message", "library", "reason"):
        if hasattr(error, name):
            with contextlib.suppress(AttributeError):  # read-only on some ssl error types
                setattr(copy, name, getattr(error, name))
    return copy
