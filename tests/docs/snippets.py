"""The Python snippets of README.md and docs/, found and run as a reader would run them.

A snippet is a fenced block opened with ```` ```python ```` (or ```` ```py ````). The
HTML comment on the line just above it, if any, is its marker: ``<!-- UsageSnippet
operationID="getOperation" ... -->`` names the API operation it shows, and
``<!-- snippet raises="ApiError" -->`` says the snippet is meant to end with that exception
(any other ending, a clean one included, fails); ``<!-- snippet run="pytest" -->`` says it
is a test module: it is run by pytest in a fresh directory whose ``conftest.py`` enables
``openapi.testing.pytest_plugin``, and every test in it must pass; ``<!-- snippet
run="tests/path.py" -->`` says it needs more than the mock (a real proxy) and that test
file runs it. A snippet that shows a
failure otherwise asserts it itself (``match``/``except`` and ``assert``).

Every snippet runs, in its own thread and (if it awaits) its own event loop, against a fresh
embedded mock server, with:

- the placeholders of ``placeholders()`` replaced (the key, the server URL), the line
  numbers kept, so a traceback names the Markdown file and line;
- ``OPENAPI_API_KEY`` and ``OPENAPI_SERVER_URL`` set, so ``SDK()`` finds the mock;
- the names of ``GIVEN`` already defined (``sdk``, ``op_id``, ``ids``, ...), as the prose
  around a snippet assumes;
- the operations of ``KNOWN_IDS`` on the mock, each done after two polls.

A sync snippet runs outside any event loop (so ``asyncio.run(...)`` and blocking clients
work); one with a top-level ``await``/``async with``/``async for`` runs as a coroutine.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from openapi import SDK
from openapi.core import SDKCore
from openapi.testing import MockServer
from tests.environment import child_env

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

API_KEY = "docs-snippet-key"
EXAMPLE_URL = "https://ops.example.com"
KNOWN_IDS = (
    "8a63466b-...",
    "8a63466b-cd76-44b5-b740-4b9a794a42f3",
    "4b5432e8-9681-4ca2-8911-3e219c2c90d8",
    "op-42",
)
"""Operation ids the snippets may use as they are: each exists on the mock, done after two
polls with ``{"rows": 3}`` as its result."""

_FENCE = re.compile(r"^```(?:python|py)\s*$")
_MARKER = re.compile(r"^<!--\s*(UsageSnippet|snippet)\b(?P<attrs>.*?)-->\s*$")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@attrs.frozen
class Snippet:
    """One fenced Python block: where it is, its code, the attributes of its marker."""

    path: Path
    line: int  # 1-based line of the first line of code
    code: str
    marker: str | None = None
    attributes: Mapping[str, str] = attrs.field(factory=dict[str, str])

    @property
    def where(self) -> str:
        """``README.md:123``: the file (relative to the repository) and the first code line."""
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}"


def snippets_in(path: Path) -> Iterator[Snippet]:
    """The Python blocks of one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        if not _FENCE.match(lines[index].strip()):
            index += 1
            continue
        indent = len(lines[index]) - len(lines[index].lstrip())
        above = lines[index - 1].strip() if index else ""
        marker = _MARKER.match(above)
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"{path}:{index + 1}: an unclosed ``` block"
        body = [line[indent:] for line in lines[index + 1 : end]]
        yield Snippet(
            path=path,
            line=index + 2,
            code="\n".join(body) + "\n",
            marker=marker.group(1) if marker else None,
            attributes=dict(_ATTR.findall(marker.group("attrs"))) if marker else {},
        )
        index = end + 1


def all_snippets() -> list[Snippet]:
    """Every Python block of README.md and docs/**/*.md."""
    return [snippet for path in DOCUMENTS for snippet in snippets_in(path)]


def substituted(code: str, url: str) -> str:
    """The snippet with its placeholders replaced by the mock's key and URL."""
    for placeholder, value in placeholders(url).items():
        code = code.replace(placeholder, value)
    return code


def placeholders(url: str) -> dict[str, str]:
    """Placeholder text in snippets -> what it becomes when the snippet runs, against the
    mock at ``url``. A new placeholder is a new row here."""
    return {
        'api_key="..."': f"api_key={API_KEY!r}",
        '"<YOUR_API_KEY_HERE>"': repr(API_KEY),
        f'"{EXAMPLE_URL}"': repr(url),
    }


async def prepare(server: MockServer) -> dict[str, str]:
    """Create the ``KNOWN_IDS`` and a few more on the mock; the ids ``GIVEN`` refers to."""
    for operation_id in KNOWN_IDS:
        server.create_operation(operation_id, polls=2, result={"rows": 3})
    ids = [server.create_operation(f"job-{n}", polls=2, result={"n": n}).id for n in range(5)]
    return {"op_id": KNOWN_IDS[0], "ids": ",".join(ids)}


async def _given(namespace: dict[str, Any], prepared: Mapping[str, str]) -> list[Any]:
    """``GIVEN``: the names a snippet may use without defining them. Returns what to close."""
    core = SDKCore()
    sdk = SDK()
    namespace.update(sdk=sdk, core=core, **_ids(prepared))
    return [sdk, core]


def _ids(prepared: Mapping[str, str]) -> dict[str, Any]:
    """The ids of ``GIVEN``: ``op_id`` (also as ``operation_id``) and the list ``ids``."""
    return {
        "op_id": prepared["op_id"],
        "ids": prepared["ids"].split(","),
        "operation_id": prepared["op_id"],
    }


GIVEN = ("sdk", "core", "op_id", "ids", "operation_id")
"""Names defined before an async snippet runs: an open ``SDK`` and ``SDKCore`` on the mock
(from the environment), an operation id and a list of five (a blocking snippet: the ids)."""


def _compile(snippet: Snippet, url: str) -> Any:
    # Padding keeps the Markdown line numbers, and the Markdown path as the file name lets
    # a traceback show the very line of the document.
    source = "\n" * (snippet.line - 1) + substituted(snippet.code, url)
    return compile(
        source, str(snippet.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
    )


def run_snippet(snippet: Snippet, url: str, prepared: Mapping[str, str]) -> None:
    """Run one snippet to its end (blocking: call it in a thread). Raises what it raises."""
    if snippet.attributes.get("run") == "pytest":
        run_pytest_snippet(snippet, url)
        return
    elsewhere = snippet.attributes.get("run", "")
    if elsewhere.startswith("tests/"):  # it needs more than the mock (a proxy, say)
        assert (ROOT / elsewhere).is_file(), f"{elsewhere}, which should run this, is missing"
        return
    code = _compile(snippet, url)
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    if not code.co_flags & inspect.CO_COROUTINE:
        # Blocking code (SyncSDK) makes its own clients: it is given the ids only.
        namespace.update(_ids(prepared))
        exec(code, namespace)
        return

    async def main() -> None:
        to_close = await _given(namespace, prepared)
        try:
            await eval(code, namespace)
        finally:
            for closable in to_close:
                await closable.aclose()

    asyncio.run(main())


_PYTEST_INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
addopts = --strict-markers -p no:cacheprovider
filterwarnings =
    error
"""


def run_pytest_snippet(snippet: Snippet, url: str) -> None:
    """Run a ``run="pytest"`` snippet as a test module in a fresh directory (blocking)."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / "conftest.py").write_text('pytest_plugins = ["openapi.testing.pytest_plugin"]\n')
        (folder / "pytest.ini").write_text(_PYTEST_INI)
        padded = "\n" * (snippet.line - 1) + substituted(snippet.code, url)
        (folder / "test_snippet.py").write_text(padded)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", str(folder)],
            cwd=folder,
            env=child_env(OPENAPI_API_KEY=API_KEY, OPENAPI_SERVER_URL=url),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    summary = done.stdout.strip().splitlines()[-1:] or [""]
    if done.returncode != 0 or " passed" not in summary[0] or "failed" in summary[0]:
        raise AssertionError(
            f"pytest on the snippet (line numbers are the document's):\n{done.stdout}{done.stderr}"
        )
