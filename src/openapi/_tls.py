"""What the SDK-owned session trusts: ``verify_ssl`` and ``ca_bundle`` made into one setting.

Without either, aiohttp's default context applies: the system's CA store, which OpenSSL
locates through ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when they are set as the process starts
(aiohttp builds that context when it is imported). ``ca_bundle`` (a PEM file) replaces the
system's store for one core, as ``verify=path`` does in requests; it is loaded when the core
is made, so a path that is not a readable CA bundle is a ``ValueError`` there and then.
"""

from __future__ import annotations

import os
import ssl

__all__ = ["tls_setting"]


def tls_setting(
    verify_ssl: bool | ssl.SSLContext, ca_bundle: str | os.PathLike[str] | None
) -> bool | ssl.SSLContext:
    """The ``ssl=`` of the SDK-owned connector; ``ValueError`` naming what to fix."""
    if ca_bundle is None:
        return verify_ssl
    if verify_ssl is not True:
        raise ValueError(
            "pass either ca_bundle= or verify_ssl= (False or an ssl.SSLContext), not both: "
            "an SSLContext can load the bundle itself (load_verify_locations)"
        )
    path = os.fspath(ca_bundle)
    try:
        context = ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(
            f"'ca_bundle' {path!r} is not a readable file of PEM CA certificates "
            f"({type(exc).__name__}: {exc.strerror or exc})"
        ) from None
    context.set_alpn_protocols(("http/1.1",))  # as aiohttp's own contexts do
    return context
