"""``openapi.testing.scripted``: queued answers in order, every request recorded unredacted."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from types import CodeType
from typing import cast

import aiohttp
import pytest
from aiohttp import web

from openapi.testing.scripted import (
    ScriptedServer,
    delay,
    drop_connection,
    json_response,
    raw_response,
)
from tests.events import until

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
async def scripted() -> AsyncIterator[ScriptedServer]:
    async with ScriptedServer() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _get(http: aiohttp.ClientSession, url: str, **headers: str) -> tuple[int, str]:
    async with http.get(url, headers=headers) as response:
        return response.status, await response.text()


async def test_handlers_answer_in_order_and_the_last_one_repeats(
    scripted: ScriptedServer, http: aiohttp.ClientSession
) -> None:
    scripted.then(json_response({"n": 1}, 503), raw_response(b"two", content_type="text/plain"))
    answers = [await _get(http, f"{scripted.url}/any/path") for _ in range(4)]
    assert answers == [(503, '{"n": 1}'), (200, "two"), (200, "two"), (200, "two")]


async def test_every_request_is_recorded_with_its_headers_unredacted(
    scripted: ScriptedServer, http: aiohttp.ClientSession
) -> None:
    scripted.then(json_response({}))
    await _get(http, f"{scripted.url}/operations/a%2Fb?x=1", Authorization="Bearer sk-real")
    (seen,) = scripted.requests
    assert (seen.method, seen.raw_path, seen.path) == (
        "GET",
        "/operations/a%2Fb?x=1",
        "/operations/a/b",
    )
    assert seen.headers["Authorization"] == "Bearer sk-real"


async def test_a_request_is_recorded_before_it_is_answered(
    scripted: ScriptedServer, http: aiohttp.ClientSession
) -> None:
    release = asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response(text="late")

    scripted.then(held)
    pending = asyncio.ensure_future(_get(http, scripted.url))
    await asyncio.wait_for(scripted.received(1), 30)
    assert not pending.done()
    release.set()
    assert await pending == (200, "late")


async def test_nothing_queued_is_a_500_saying_what_to_do(
    scripted: ScriptedServer, http: aiohttp.ClientSession
) -> None:
    status, text = await _get(http, scripted.url)
    assert status == 500
    assert "then()" in text


async def test_drop_connection_is_a_disconnect_and_delay_answers_later(
    scripted: ScriptedServer, http: aiohttp.ClientSession
) -> None:
    scripted.then(drop_connection(), delay(0.01, json_response({"ok": True})))
    # A POST, which aiohttp never re-sends by itself after a disconnect (a GET it may).
    with pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(scripted.url) as response:
            await response.read()
    assert await _get(http, scripted.url) == (200, '{"ok": true}')
    await until(lambda: len(scripted.requests) == 2, "both requests recorded")


def _readme_snippet() -> CodeType:
    section = README.read_text(encoding="utf-8").split("\n### Scripted responses", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "the README's Scripted responses section lost its snippet"
    return compile(match.group(1), "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


async def test_the_readme_snippet_runs_as_written() -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = eval(_readme_snippet(), {})  # the README's own code, run as written
        await cast("asyncio.Future[None]", result)
    assert printed.getvalue().startswith("refused: "), printed.getvalue()
