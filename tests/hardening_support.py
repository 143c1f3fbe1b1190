"""Helpers shared by the reliability and security hardening tests."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

import aiohttp

from openapi.core import SDKCore

#: A distinctive key: if any of it shows up in a repr, a message or a log line, it leaked.
SECRET_KEY = "sk-live-HARDENING-9f8e7d6c5b4a-DO-NOT-LEAK"


def everything_about(value: object, _depth: int = 0) -> str:
    """Every text a user might print or log of a value: repr, str, args, traceback, causes."""
    texts = [repr(value), str(value)]
    if isinstance(value, BaseException):
        texts.append("".join(traceback.format_exception(value)))
        texts.extend(repr(arg) for arg in value.args)
        texts.extend(str(arg) for arg in value.args)
        for linked in (value.__cause__, value.__context__):
            if linked is not None and _depth < 10:
                texts.append(everything_about(linked, _depth + 1))
    return "\n".join(texts)


def log_texts(records: Iterable[logging.LogRecord]) -> str:
    """Every rendered log line, with its exception text, and its raw arguments."""
    lines: list[str] = []
    for record in records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            lines.append(everything_about(record.exc_info[1]))
    return "\n".join(lines)


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
