"""Running the ``openapi`` command as a real subprocess, on pipes or on a terminal (pty).

Every run checks that the API key never shows up in stdout or stderr.
"""

from __future__ import annotations

import asyncio
import os
import pty
import sys
import tty
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tests.environment import child_env

KEY = "sk-cli-UNMISTAKABLE-9f2e1d"
WRONG_KEY = "sk-cli-WRONG-KEY-4b7c0a"
SECRETS = (KEY, WRONG_KEY)
FAST = ("--interval", "0.05")
OPENAPI = (sys.executable, "-m", "openapi")


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli_env(url: str | None, key: str | None = KEY, **extra: str) -> dict[str, str]:
    """The environment for the command: ``src`` importable, no ``OPENAPI_*`` but these,
    and no secret-looking variable of the developer's."""
    settings = {"OPENAPI_SERVER_URL": url, "OPENAPI_API_KEY": key}
    chosen = {name: value for name, value in settings.items() if value is not None}
    return child_env(drop_prefix="OPENAPI_", **chosen, **extra)


def assert_no_secret(*texts: str, secrets: Sequence[str] = SECRETS) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text


async def run_cli(*args: str, env: Mapping[str, str], timeout: float = 30) -> Run:
    process = await asyncio.create_subprocess_exec(
        *OPENAPI,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    run = Run(process.returncode, out.decode(), err.decode())
    assert_no_secret(run.out, run.err)
    return run


def error_line(run: Run) -> str:
    """The single error line the command writes on stderr."""
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("openapi: error: "), run.err
    return lines[0]


class Terminal:
    """A pty for the command's stdout and/or stderr; ``text`` is everything written to it."""

    def __init__(self, master: int) -> None:
        self._master = master
        self._chunks: list[bytes] = []

    @property
    def text(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")

    def _read(self) -> bool:
        try:
            chunk = os.read(self._master, 4096)
        except OSError:  # EIO: the child closed its side
            return False
        self._chunks.append(chunk)
        return bool(chunk)

    async def read_until(self, needle: str, timeout: float = 30) -> str:
        """Read until ``needle`` has been written (or the command closed the terminal)."""

        def read() -> None:
            while needle not in self.text and self._read():
                pass

        await asyncio.wait_for(asyncio.to_thread(read), timeout)
        return self.text

    async def read_all(self, timeout: float = 30) -> str:
        def read() -> None:
            while self._read():
                pass

        await asyncio.wait_for(asyncio.to_thread(read), timeout)
        return self.text


@asynccontextmanager
async def on_terminal(
    *args: str, env: Mapping[str, str], stdout: bool, stderr: bool
) -> AsyncIterator[tuple[asyncio.subprocess.Process, Terminal]]:
    """Start the command with stdout and/or stderr on a pty (the others are pipes)."""
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\n" -> "\r\n" translation: every "\r" seen is the command's own
    try:
        process = await asyncio.create_subprocess_exec(
            *OPENAPI,
            *args,
            stdout=slave if stdout else asyncio.subprocess.PIPE,
            stderr=slave if stderr else asyncio.subprocess.PIPE,
            env=dict(env),
        )
    finally:
        os.close(slave)
    try:
        yield process, Terminal(master)
    finally:
        if process.returncode is None:
            process.kill()
        await process.communicate()
        os.close(master)
