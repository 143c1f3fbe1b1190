"""Failure reports never show environment values that look secret, nor an environment dump.

pytest prints a failing test's assertion (with the values compared), the arguments of the
frames it shows, their locals with ``-l``, and what the test printed. Any of these can hold
``os.environ`` or a value read from it. These hooks (registered in tests/conftest.py) scrub
every report before anything is written: the values of secret-looking variables (also
where ``saferepr`` cut them short), and every ``'NAME': 'value'`` / ``NAME=value`` pair of
the environment (a dumped environment keeps its names, not its values).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Generator

import pytest

from tests.environment import secret_values

HIDDEN = "***"
_CUT = "..."  # saferepr's mark where it shortened a long repr
_MIN_FRAGMENT = 6


def scrubber() -> Callable[[str], str]:
    """A function that hides what the environment holds now, in any text."""
    secrets = secret_values()
    pairs: list[tuple[str, str]] = []
    for name, value in os.environ.items():
        if value:
            pairs.append((f"{name!r}: {value!r}", f"{name!r}: {HIDDEN!r}"))
            pairs.append((f"{name}={value}", f"{name}={HIDDEN}"))

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, HIDDEN)
            text = _scrub_fragments(text, secret)
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    return scrub


def _scrub_fragments(text: str, secret: str) -> str:
    """The longest start or end of ``secret`` next to a ``...`` cut, hidden too."""
    if _CUT not in text:
        return text
    for size in range(len(secret) - 1, _MIN_FRAGMENT - 1, -1):
        head, tail = secret[:size] + _CUT, _CUT + secret[-size:]
        if head in text or tail in text:
            return text.replace(head, HIDDEN + _CUT).replace(tail, _CUT + HIDDEN)
    return text


def _scrub_value(value: object, scrub: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        value[:] = [_scrub_value(item, scrub) for item in value]
        return value
    if isinstance(value, tuple):
        return tuple(_scrub_value(item, scrub) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # pytest's TerminalRepr classes are (mutable) dataclasses of strings and lists.
        for field in dataclasses.fields(value):
            current = getattr(value, field.name)
            scrubbed = _scrub_value(current, scrub)
            if scrubbed is not current:
                setattr(value, field.name, scrubbed)
    return value


def redact(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Scrub a report's traceback, messages and captured output in place."""
    scrub = scrubber()
    report.sections = [(title, scrub(content)) for title, content in report.sections]
    longrepr = report.longrepr
    if longrepr is None:
        return
    scrubbed = _scrub_value(longrepr, scrub)
    # Anything the walk could not reach (a plugin's own repr class): keep only its text.
    if str(scrubbed) != scrub(str(scrubbed)):
        scrubbed = scrub(str(scrubbed))
    report.longrepr = scrubbed  # type: ignore[assignment]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Redact every test report (setup, call, teardown) as it is made."""
    report = yield
    # A report's text is shown when it failed, or for every test with -rP / -rA.
    shown = report.failed or (report.sections and {"P", "A"} & set(_report_chars(item)))
    if shown:
        redact(report)
    return report


def _report_chars(item: pytest.Item) -> str:
    chars = item.config.getoption("reportchars", "")
    return chars if isinstance(chars, str) else ""


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Redact collection reports too (an import error can show a value)."""
    report = yield
    if report.failed:
        redact(report)
    return report
