"""Which proxy, if any, each request of a core goes through, and how a proxy is shown.

- ``proxy=`` (a setting) is used for every request of the core, on any session: it is an
  argument of each request, not a property of the session.
- Otherwise, with ``trust_env`` (on by default), the session the SDK creates follows
  ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` (either case; read when the core is made,
  by ``urllib.request``; ``NO_PROXY`` as curl reads it). A session of yours is used as is:
  its own ``trust_env`` decides.
- ``~/.netrc`` is never read. aiohttp's own ``trust_env`` would read it for the server's
  host (and refuse every request that carries the API key, or one day replace the key) and
  for the proxy's, on a thread, per request: the SDK keeps the session's ``trust_env`` off
  and resolves proxies itself, once per host.
- An ``https://`` server is reached through a ``CONNECT`` tunnel: the proxy sees the host
  and port, never the key. An ``http://`` request goes to the proxy as it is, key included,
  so it is sent only to a proxy on this machine, unless ``allow_insecure_http=True``.
- A loopback server is reached directly when the proxy from the environment is elsewhere
  (a proxy on another machine cannot reach this one's loopback; Go's rule too).
- Credentials in a proxy URL (``http://user:pass@proxy:3128``) travel as
  ``Proxy-Authorization`` and are shown as ``http://***@proxy:3128``, everywhere.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.request
from collections.abc import Mapping
from typing import Final

import aiohttp
import attrs
import yarl

from openapi.models.errors import InvalidRequestError

__all__ = ["Proxy", "ProxyRoutes", "is_loopback", "no_proxy_matches", "parse_proxy", "redacted"]

_ENV_NAMES: Final = {"http": "HTTP_PROXY", "https": "HTTPS_PROXY"}
_USERINFO: Final = re.compile(r"//[^/?#]*@")
_CACHE_SIZE: Final = 16


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this machine's loopback (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host is None:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redacted(url: str) -> str:
    """``url`` with any credentials replaced by ``***``, for messages and reprs."""
    return _USERINFO.sub("//***@", url, count=1)


@attrs.frozen(slots=True)
class Proxy:
    """A proxy to send requests through: its URL without credentials, and those apart."""

    url: yarl.URL
    auth: aiohttp.BasicAuth | None = attrs.field(repr=False)
    source: str
    """Where it was configured: ``proxy=`` or the environment variable's name."""
    shown: str
    """The URL as messages show it: ``http://***@proxy:3128`` when it carries credentials."""

    def describe(self) -> str:
        """``"http://***@proxy:3128 (from HTTPS_PROXY)"``, for messages."""
        return f"{self.shown} (from {self.source})"


def parse_proxy(text: str, source: str) -> Proxy | str:
    """The ``Proxy`` that ``text`` (a URL, or ``host:port`` meaning ``http://host:port``)
    names, or a sentence saying what is wrong with it (without its credentials)."""
    if "://" not in text:
        text = "http://" + text  # as curl and requests read "proxy.corp:3128"
    shown = redacted(text)
    problem = f"{source} {shown!r} is not an http:// or https:// proxy URL with a host"
    try:
        url = yarl.URL(text)
        valid = url.scheme in ("http", "https") and bool(url.host) and url.port != 0
    except (ValueError, TypeError):
        return problem
    if not valid:
        return problem
    auth = None
    if url.user is not None or url.password is not None:
        auth = aiohttp.BasicAuth(url.user or "", url.password or "")
    bare = url.with_user(None).with_path("").with_query(None).with_fragment(None)
    return Proxy(bare, auth, source, redacted(str(url.with_path(""))).rstrip("/"))


class ProxyRoutes:
    """The proxy (or none) for each server URL of one core, decided once per URL."""

    __slots__ = ("_allow_insecure_http", "_cache", "_environ", "_explicit", "active")

    def __init__(
        self,
        explicit: Proxy | None,
        environ: Mapping[str, str],
        allow_insecure_http: bool,
    ) -> None:
        self._explicit = explicit
        self._environ = environ
        """``urllib.request.getproxies_environment()``: scheme -> URL, and ``no``."""
        self._allow_insecure_http = allow_insecure_http
        self._cache: dict[str, Proxy | None] = {}
        self.active = explicit is not None or any(k in environ for k in _ENV_NAMES)
        """Whether any request may go through a proxy (else ``route`` is always ``None``)."""

    @classmethod
    def from_settings(
        cls, proxy: str | None, trust_env: bool, owns_session: bool, allow_insecure_http: bool
    ) -> ProxyRoutes:
        """The routes of a core; ``ValueError`` (redacted) if ``proxy`` is not a proxy URL."""
        explicit = None
        if proxy is not None:
            parsed = parse_proxy(proxy, "proxy=")
            if isinstance(parsed, str):
                raise ValueError(f"{parsed}, such as 'http://proxy.example.com:3128'")
            explicit = parsed
        environ: Mapping[str, str] = {}
        if explicit is None and trust_env and owns_session:
            found = urllib.request.getproxies_environment()
            environ = {k: v for k, v in found.items() if k in ("http", "https", "no") and v}
        return cls(explicit, environ, allow_insecure_http)

    def route(self, server_url: str) -> Proxy | InvalidRequestError | None:
        """The proxy for requests to ``server_url`` (a checked one, as ``SDKCore.server_url``
        returns), ``None`` to go direct, or why they may not go."""
        if server_url in self._cache:
            return self._cache[server_url]
        chosen = self._choose(yarl.URL(server_url))
        if isinstance(chosen, InvalidRequestError):
            return chosen  # built afresh each time: an exception is mutable
        if len(self._cache) >= _CACHE_SIZE:
            del self._cache[next(iter(self._cache))]  # the oldest
        self._cache[server_url] = chosen
        return chosen

    def _choose(self, url: yarl.URL) -> Proxy | InvalidRequestError | None:
        proxy = self._explicit
        if proxy is None:
            text = self._environ.get(url.scheme)
            if text is None or self._bypassed(url):
                return None
            parsed = parse_proxy(text, _ENV_NAMES[url.scheme])
            if isinstance(parsed, str):
                return InvalidRequestError(
                    f"{parsed}; fix it (or unset it, or pass proxy= or trust_env=False)"
                )
            if is_loopback(url.host) and not is_loopback(parsed.url.host):
                return None  # that proxy cannot reach this machine's loopback
            proxy = parsed
        if url.scheme == "http" and not (self._allow_insecure_http or is_loopback(proxy.url.host)):
            return InvalidRequestError(
                f"the request to {url.host} is plain http://, so it (the API key included) "
                f"would reach the proxy {proxy.describe()} in clear text: use an https:// "
                "server_url or a proxy on this machine, or pass allow_insecure_http=True"
            )
        return proxy

    def _bypassed(self, url: yarl.URL) -> bool:
        """Whether ``NO_PROXY`` names ``url``'s host: see ``no_proxy_matches``."""
        entries = self._environ.get("no")
        return entries is not None and no_proxy_matches(entries, url.host or "", url.port)


def no_proxy_matches(entries: str, host: str, port: int | None) -> bool:
    """Whether a ``NO_PROXY`` value (comma-separated) names ``host``:``port``.

    As curl and requests read it: ``*`` is every host; ``example.com`` or ``.example.com``
    is that host and its subdomains; ``host:port`` only that port; ``10.0.0.0/8`` (or one
    address) an IP network.
    """
    host = host.lower().strip("[]").rstrip(".")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in entries.lower().split(","):
        entry = raw.strip()
        if entry == "*":
            return True
        name, _, wanted = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        if wanted and (port is None or str(port) != wanted):
            continue
        name = name.strip("[]").lstrip(".").rstrip(".")
        if not name:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


def _has_port(entry: str) -> bool:
    # "host:443" and "[::1]:443" carry a port; a bare IPv6 address ("::1") does not.
    head, sep, tail = entry.rpartition(":")
    return bool(sep) and tail.isdigit() and (head.endswith("]") or ":" not in head)
