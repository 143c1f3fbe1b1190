"""Looking into a core's connection pool: what is checked out of it, and its connector."""

from __future__ import annotations

import aiohttp

from openapi.core import SDKCore


def connector_of(core: SDKCore) -> aiohttp.BaseConnector:
    """The connector of the session the core made (fails if the core has none yet)."""
    session = core._session
    assert session is not None, "the core has not created its session yet"
    connector = session.connector
    assert connector is not None
    return connector


def acquired(core: SDKCore) -> int:
    """Connections currently checked out of the core's pool (0 when nothing leaked)."""
    connector = connector_of(core)
    return len(connector._acquired) + sum(len(v) for v in connector._acquired_per_host.values())
