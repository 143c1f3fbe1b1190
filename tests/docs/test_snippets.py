"""Every Python snippet of README.md and docs/ runs against the embedded mock server.

See ``tests/docs/snippets.py`` for how a snippet is found and run (the placeholders, the
names given to it, the ``raises=`` marker). A failure names the snippet as ``file:line``.
"""

from __future__ import annotations

import asyncio
import builtins
import textwrap
import traceback
from pathlib import Path

import pytest

import openapi.errors
from openapi.testing import MockServer
from tests.docs.snippets import (
    API_KEY,
    ROOT,
    Snippet,
    all_snippets,
    prepare,
    run_snippet,
    snippets_in,
)

SNIPPETS = all_snippets()
SNIPPET_TIMEOUT = 120  # seconds: a snippet sleeps a few seconds at most; slack for a busy box


def _exception_class(name: str) -> type[BaseException]:
    found = getattr(openapi.errors, name, None) or getattr(builtins, name, None)
    assert isinstance(found, type), f"raises={name!r} names no SDK error nor builtin exception"
    assert issubclass(found, BaseException)
    return found


async def check(snippet: Snippet, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``snippet`` on a fresh mock; fail, naming it, unless it ends as it should."""
    async with MockServer(api_key=API_KEY, poll_hint=None, cancel_delay=0) as server:
        monkeypatch.setenv("OPENAPI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAPI_SERVER_URL", server.url)
        prepared = await prepare(server)
        expected = snippet.attributes.get("raises")
        work = asyncio.to_thread(run_snippet, snippet, server.url, prepared)
        try:
            await asyncio.wait_for(work, SNIPPET_TIMEOUT)
        except TimeoutError:
            pytest.fail(f"{snippet.where}: the snippet did not end within {SNIPPET_TIMEOUT} s")
        except Exception as error:
            if expected is not None and isinstance(error, _exception_class(expected)):
                return
            frames = traceback.extract_tb(error.__traceback__)
            lines = [frame.lineno for frame in frames if frame.filename == str(snippet.path)]
            at = f" at line {lines[-1]}" if lines else ""
            raise AssertionError(
                f"{snippet.where}: the snippet raised {type(error).__name__}{at}: {error}\n"
                + textwrap.indent(snippet.code, "    ")
            ) from error
        if expected is not None:
            pytest.fail(f"{snippet.where}: the snippet is marked raises={expected!r} but ended")


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[snippet.where for snippet in SNIPPETS])
async def test_the_snippet_runs(snippet: Snippet, monkeypatch: pytest.MonkeyPatch) -> None:
    await check(snippet, monkeypatch)


def test_snippets_are_found_in_the_readme_and_docs() -> None:
    where = {snippet.path.relative_to(ROOT).parts[0] for snippet in SNIPPETS}
    assert where == {"README.md", "docs"}
    assert (
        sum(
            snippet.path.name == "README.md" and snippet.path.parent == ROOT for snippet in SNIPPETS
        )
        >= 5
    )


def _document(tmp_path: Path, body: str) -> list[Snippet]:
    page = tmp_path / "rotten.md"
    page.write_text(body, encoding="utf-8")
    return list(snippets_in(page))


async def test_a_rotten_snippet_fails_naming_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (snippet,) = _document(
        tmp_path,
        "# A page\n\nProse.\n\n```python\nfrom openapi import SDK\n\n"
        'async with SDK(api_key="...", server_url="https://ops.example.com") as sdk:\n'
        '    await sdk.operations.get_operation(operation_id="no-such-op")\n```\n',
    )
    assert snippet.line == 6
    with pytest.raises(
        AssertionError, match=r"rotten\.md:6: the snippet raised ApiError at line 9"
    ):
        await check(snippet, monkeypatch)


async def test_a_failure_snippet_must_fail_as_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, wrong, clean = _document(
        tmp_path,
        '<!-- snippet raises="ApiError" -->\n```python\n'
        'await sdk.operations.get_operation(operation_id="missing")\n```\n\n'
        '<!-- snippet raises="WaitTimeoutError" -->\n```python\n'
        'await sdk.operations.get_operation(operation_id="missing")\n```\n\n'
        '<!-- snippet raises="ApiError" -->\n```python\n'
        "await sdk.operations.get_operation(operation_id=op_id)\n```\n",
    )
    await check(good, monkeypatch)
    with pytest.raises(AssertionError, match="raised ApiError"):
        await check(wrong, monkeypatch)
    with pytest.raises(pytest.fail.Exception, match="marked raises='ApiError' but ended"):
        await check(clean, monkeypatch)
