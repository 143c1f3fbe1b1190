"""Start ``python -m openapi.testing`` in a subprocess and read the URL it prints."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from tests.environment import child_env

_URL = re.compile(r"^Mock Operations server listening on (http://\S+)$")


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child, ``src`` importable, no secret-looking variables."""
    return child_env(**extra)


@asynccontextmanager
async def cli_server(*args: str) -> AsyncGenerator[tuple[str, asyncio.subprocess.Process]]:
    """Run the CLI with ``args``; yield (url, process); SIGTERM it on exit."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "openapi.testing",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=subprocess_env(),
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode().strip()
        match = _URL.match(line)
        assert match, f"unexpected first line: {line!r}"
        yield match[1], process
    finally:
        if process.returncode is None:
            process.terminate()
        await process.communicate()  # drains the pipes and closes their transports
