"""Looking for the API key where it must never be: a distinctive key, and every text a user
might print or log of a value or of log records.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

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
