"""The command-line transcripts of the README and of docs/guides/cli.md, run as written
against a fresh mock server.

Each ``$`` line is run (``openapi`` as ``python -m openapi``, ``curl`` as the same request
made with aiohttp, ``export`` into the environment); what follows it up to the next ``$``
line must be what the command printed, stdout and stderr together in the order written.
Dates, request ids, elapsed seconds and the port differ from run to run and are compared
as placeholders; ``...`` stands for any text within a line, or for any lines on its own.
The mock server is the one the transcript starts (``openapi mock-server``, on a free port).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import shlex
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args, get_type_hints

import aiohttp
import pytest

from openapi.cli.exit_codes import MEANINGS
from openapi.testing import MockServer
from tests.cli.support import OPENAPI, cli_env

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CLI_GUIDE = ROOT / "docs" / "guides" / "cli.md"
DOCUMENTS = [README, CLI_GUIDE]
ECHO_STATUS = '; echo "exit $?"'
_VARYING = (
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00"), "<date>"),
    (re.compile(r"req_[0-9a-f]{32}"), "<request id>"),
    (re.compile(r"\(\d+\.\d s\)"), "(<seconds> s)"),
)


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list[str])


def _read(document: Path) -> str:
    return document.read_text()


def transcript(document: Path = README) -> list[Step]:
    """The first ``console`` block of the README's "Command line" section (or of the CLI
    guide), as steps."""
    text = _read(document)
    section = (
        text.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0] if document == README else text
    )
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    steps: list[Step] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append(Step(line[2:]))
        else:
            steps[-1].expected.append(line)
    return steps


def normalized(text: str) -> str:
    for pattern, placeholder in _VARYING:
        text = pattern.sub(placeholder, text)
    return text


def assert_printed(actual: list[str], expected: list[str], command: str) -> None:
    pattern = ""
    for line in expected:
        if line == "...":
            pattern += r"(?:.*\n)*?"
        else:
            pattern += ".*".join(map(re.escape, normalized(line).split("..."))) + r"\n"
    text = "".join(normalized(line) + "\n" for line in actual)
    assert re.fullmatch(pattern, text), f"$ {command}\n--- printed:\n{text}--- README:\n" + (
        "\n".join(expected)
    )


async def curl(tokens: list[str]) -> list[str]:
    """``curl -s URL -d BODY -o /dev/null``, the only form the README uses."""
    url, body = None, None
    rest = iter(tokens[1:])
    for token in rest:
        if token == "-s":
            continue
        if token == "-d":
            body = next(rest)
        elif token == "-o":
            assert next(rest) == "/dev/null"
        else:
            assert not token.startswith("-"), f"curl option {token} is not known to this test"
            url = token
    assert url is not None
    assert body is not None
    async with aiohttp.ClientSession() as session, session.post(url, data=body) as response:
        assert response.status == 201, await response.text()
        json.loads(await response.text())
    return []  # -o /dev/null: nothing printed


async def openapi(command: str, env: dict[str, str]) -> list[str]:
    echo = command.endswith(ECHO_STATUS)
    tokens = shlex.split(command.removesuffix(ECHO_STATUS), comments=True)
    process = await asyncio.create_subprocess_exec(
        *OPENAPI,
        *tokens[1:],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,  # one stream: the order the lines were written in
        env=env,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    printed = out.decode().splitlines()
    if echo:
        printed.append(f"exit {process.returncode}")
    else:
        assert process.returncode == 0, out.decode()
    return printed


@asynccontextmanager
async def mock_server(step: Step) -> AsyncIterator[str]:
    """Start the mock as the transcript's first step does, on a free port; yield its URL."""
    tokens = shlex.split(step.command, comments=True)
    assert tokens[:2] == ["openapi", "mock-server"]
    assert tokens[-1] == "&"
    args = tokens[1:-1]
    args[args.index("--port") + 1] = "0"
    process = await asyncio.create_subprocess_exec(
        *OPENAPI, *args, stdout=asyncio.subprocess.PIPE, env=cli_env(None, key=None)
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().rstrip("\n")
        url = line.rsplit(" ", 1)[1]
        yield url
        assert_printed([line.replace(url, _readme_url(step))], step.expected, step.command)
    finally:
        process.terminate()
        await process.communicate()


def _readme_url(step: Step) -> str:
    return step.expected[0].rsplit(" ", 1)[1]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
async def test_the_transcript_is_true(document: Path) -> None:
    first, *steps = transcript(document)
    readme_url = _readme_url(first)
    env = cli_env(None, key=None)
    async with mock_server(first) as url:
        for step in steps:
            command = step.command.replace(readme_url, url)
            tokens = shlex.split(command, comments=True)
            if tokens[0] == "export":
                for token in tokens[1:]:
                    name, _, value = token.partition("=")
                    env[name] = value
                printed: list[str] = []
            elif tokens[0] == "curl":
                printed = await curl(tokens)
            else:
                assert tokens[0] == "openapi", f"the test does not know how to run {command!r}"
                printed = await openapi(command, env)
            shown = [line.replace(url, readme_url) for line in printed]
            assert_printed(shown, step.expected, step.command)


SAMPLES: dict[str, object] = {
    "id": "op-doc",
    "polls": 2,
    "duration": None,
    "outcome": "failed",
    "result": {"rows": 3},
    "error": {"code": "boom", "message": "It broke"},
    "metadata": {"team": "x"},
    "status": "running",
    "progress": 0.5,
}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
async def test_the_body_of_post_mock_operations_is_documented(document: Path) -> None:
    # The same keys as MockServer.create_operation's parameters, each accepted over HTTP.
    section = _read(document).split("`POST /_mock/operations` creates an operation", 1)[1]
    documented = re.findall(r"^\| `(\w+)` \|", section.split("\n\n", 2)[1], re.MULTILINE)
    signature = inspect.signature(MockServer.create_operation)
    parameters = {
        name for name, p in signature.parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD
    }
    # The keywords are declared once, as a TypedDict behind ``**options: Unpack[...]``.
    (options,) = get_args(get_type_hints(MockServer.create_operation)["options"])
    parameters = (parameters - {"self"}) | options.__optional_keys__
    assert set(documented) == parameters == set(SAMPLES)
    async with MockServer(api_key=None) as server, aiohttp.ClientSession() as session:
        for key in documented:
            body = {key: SAMPLES[key]} | ({"status": "running"} if key == "progress" else {})
            async with session.post(f"{server.url}/_mock/operations", json=body) as response:
                assert response.status == 201, (key, await response.text())
        async with session.post(f"{server.url}/_mock/operations", json={"bogus": 1}) as response:
            assert response.status == 400


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_the_exit_statuses_are_those_help_lists(document: Path) -> None:
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", document.read_text(), re.MULTILINE)
    assert {int(code): meaning for code, meaning in rows} == {
        int(code): meaning for code, meaning in MEANINGS.items()
    }
