"""The command line: options, their parsing, and the ``Settings`` a command runs with.

The API key is taken out of the arguments before ``argparse`` sees them (``take_api_key``),
so no usage error can echo it. Nothing here reads the environment or restates a default:
an option not given is ``None``, and ``SDKCore`` applies ``$OPENAPI_API_KEY``,
``$OPENAPI_SERVER_URL`` and its own defaults.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, NoReturn

import attrs

from openapi._advice import API_KEY_ENV, SERVER_URL_ENV, Spelling
from openapi._version import __version__
from openapi.cli.exit_codes import ExitCode, help_table
from openapi.core import DEFAULT_TIMEOUT
from openapi.utils.retries import BackoffStrategy, RetryConfig

__all__ = [
    "ERROR_PREFIX",
    "PROG",
    "SPELLING",
    "MockServerArgs",
    "Settings",
    "build_parser",
    "parse",
    "take_api_key",
]

PROG: Final = "openapi"
"""The command's name, as ``--help`` and every error line show it."""
ERROR_PREFIX: Final = f"{PROG}: error: "
"""The start of every error line the command prints on stderr (argparse's own form)."""
MOCK_SERVER: Final = "mock-server"

SPELLING: Final = Spelling(
    api_key="--api-key",
    server_url="--server-url",
    allow_insecure_http="--allow-insecure-http",
    timeout="--request-timeout",
    retries="--retry-time",
    wait_timeout="--timeout",
    cancel_on_timeout="--cancel-on-timeout",
)
"""The SDK's advice in the words of this command (see ``openapi._advice``)."""

_RETRY_TIME: Final = BackoffStrategy().max_elapsed_time

EPILOG: Final = f"""\
configuration:
  --api-key       or ${API_KEY_ENV}     (prefer the variable: arguments show up in `ps`)
  --server-url    or ${SERVER_URL_ENV}  (http:// only to localhost unless --allow-insecure-http)

output formats:
  default   a summary for people; `wait` draws a progress bar on a terminal, else prints one
            line per state change; on a terminal, stderr shows each retry as it happens
  --json    stdout is exactly one JSON document, the operation as the API returns it (for
            `wait`: the last state seen, also on timeout and interrupt), or empty when the
            call failed; errors are always one line on stderr starting with "{ERROR_PREFIX}"

exit status:
{help_table()}
"""


class _Parser(argparse.ArgumentParser):
    """argparse with the ``openapi: error:`` prefix and exit status 2 for usage errors."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{ERROR_PREFIX}{message}\n")


def _seconds(*, allow_zero: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds, got {text!r}"
            ) from None
        if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
            bound = ">= 0" if allow_zero else "> 0"
            raise argparse.ArgumentTypeError(f"expected seconds {bound}, got {text!r}")
        return value

    return parse


_FLAG: Final[Mapping[str, Any]] = {"action": "store_true", "default": False}
_COMMON: Final[tuple[tuple[str, tuple[str, ...], Mapping[str, Any]], ...]] = (
    (
        "connection",
        ("--api-key",),
        {"metavar": "KEY", "help": f"API key (default: ${API_KEY_ENV}; never printed)"},
    ),
    (
        "connection",
        ("--server-url",),
        {"metavar": "URL", "help": f"API base URL (default: ${SERVER_URL_ENV})"},
    ),
    (
        "connection",
        ("--allow-insecure-http",),
        {
            **_FLAG,
            "help": "allow http:// to a host other than localhost (the key travels in clear text)",
        },
    ),
    (
        "connection",
        ("--request-timeout",),
        {
            "metavar": "S",
            "type": _seconds(allow_zero=False),
            "help": f"seconds allowed for each HTTP attempt (default: {DEFAULT_TIMEOUT:g})",
        },
    ),
    (
        "connection",
        ("--retry-time",),
        {
            "metavar": "S",
            "type": _seconds(allow_zero=True),
            "help": "seconds to keep retrying a call on connection errors, timeouts, 429 and 5XX "
            f"(default: {_RETRY_TIME:g}; 0 disables retries)",
        },
    ),
    ("output", ("--json",), {**_FLAG, "help": "print the operation as one JSON document"}),
    ("output", ("-v", "--verbose"), {**_FLAG, "help": "debug logging of requests to stderr"}),
)
"""The options every command takes: (group, names, ``add_argument`` keywords)."""


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the command name.

    The copies after the command have no defaults of their own (``SUPPRESS``), so they
    override what came before the command only when they are given.
    """
    groups = {name: parser.add_argument_group(name) for name in ("connection", "output")}
    for group, names, options in _COMMON:
        keywords: dict[str, Any] = {**options, "default": options.get("default")}
        if not top:
            keywords["default"] = argparse.SUPPRESS
        groups[group].add_argument(*names, **keywords)


def _add_wait_options(wait: argparse.ArgumentParser) -> None:
    seconds = _seconds(allow_zero=False)
    wait.add_argument(
        "--timeout",
        metavar="S",
        type=seconds,
        help="give up after S seconds (exit 4); default: wait as long as it takes",
    )
    wait.add_argument(
        "--interval",
        metavar="S",
        type=seconds,
        help="poll about every S seconds (a longer Retry-After from the server wins); "
        "default: about 1 s growing to 30 s",
    )
    flags = {
        "--cancel-on-timeout": "when --timeout passes, ask the server to cancel the operation",
        "--cancel-on-interrupt": "on Ctrl-C, ask the server to cancel the operation "
        "(default: leave it running)",
        "--no-progress": "no progress bar or progress lines, only the final result",
    }
    for flag, text in flags.items():
        wait.add_argument(flag, action="store_true", help=text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``openapi`` command (exposed for documentation tools)."""
    common = _Parser(add_help=False)
    _add_common(common, top=False)
    parser = _Parser(
        prog=PROG,
        description="Get, cancel and wait for long-running operations of the Operations API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, text in (
        ("get", "show an operation"),
        ("cancel", "ask the server to cancel an operation (idempotent)"),
        ("wait", "wait for an operation to finish, showing its progress"),
    ):
        sub = commands.add_parser(
            name,
            help=text,
            description=text,
            parents=[common],
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("operation_id", metavar="ID", help="the operation id")
        if name == "wait":
            _add_wait_options(sub)
    commands.add_parser(
        MOCK_SERVER,
        help="serve the embedded mock API (python -m openapi.testing; see mock-server --help); "
        "--api-key, --server-url (its address) and -v given before it apply to it",
        add_help=False,
    )
    return parser


@attrs.frozen(slots=True)
class Settings:
    """What one ``get``, ``cancel`` or ``wait`` runs with; ``None`` is the SDK's default."""

    command: str
    operation_id: str
    api_key: str | None = attrs.field(repr=False)
    """From ``--api-key``; ``None`` lets ``SDKCore`` read ``$OPENAPI_API_KEY``."""
    server_url: str | None
    allow_insecure_http: bool
    request_timeout: float | None
    retry_time: float | None
    json: bool
    verbose: bool
    timeout: float | None = None
    interval: float | None = None
    cancel_on_timeout: bool = False
    cancel_on_interrupt: bool = False
    progress: bool = True

    @property
    def retry_config(self) -> RetryConfig | None:
        """The ``--retry-time`` budget as a policy; ``None`` keeps the SDK's default."""
        if self.retry_time is None:
            return None
        if self.retry_time == 0:
            return RetryConfig.none()
        return RetryConfig(backoff=BackoffStrategy(max_elapsed_time=self.retry_time))


@attrs.frozen(slots=True)
class MockServerArgs:
    """``openapi [OPTIONS] mock-server ARGS``: what the mock server's own parser gets."""

    api_key: str | None = attrs.field(repr=False)
    server_url: str | None
    verbose: bool
    rest: list[str]


_KEY_OPTION: Final = "--api-key"
_SHORTEST_KEY_PREFIX: Final = len("--ap")
"""argparse takes any unique prefix of an option; "--a" could be --allow-insecure-http."""


def take_api_key(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """``argv`` without the ``--api-key`` options, and the key they gave (the last one wins).

    Whatever argparse reports about the other arguments, it cannot echo the key: it never
    sees it. Arguments after ``--`` are left alone.
    """
    rest: list[str] = []
    key: str | None = None
    tokens: Iterator[str] = iter(argv)
    for token in tokens:
        if token == "--":
            rest += [token, *tokens]
            break
        name, equals, value = token.partition("=")
        if len(name) < _SHORTEST_KEY_PREFIX or not _KEY_OPTION.startswith(name):
            rest.append(token)
        elif equals:
            key = value
        else:
            given = next(tokens, None)
            if given is None:
                rest.append(token)  # argparse says that --api-key needs a value
            else:
                key = given
    return rest, key


def parse(argv: Sequence[str]) -> Settings | MockServerArgs:
    """Parse the command line (``--help`` and usage errors exit here, as argparse does)."""
    arguments, key = take_api_key(argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(arguments)
    if args.command == MOCK_SERVER:
        return MockServerArgs(
            api_key=key, server_url=args.server_url, verbose=args.verbose, rest=extra
        )
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    is_wait = args.command == "wait"
    return Settings(
        command=args.command,
        operation_id=args.operation_id,
        api_key=key or None,
        server_url=args.server_url or None,
        allow_insecure_http=args.allow_insecure_http,
        request_timeout=args.request_timeout,
        retry_time=args.retry_time,
        json=args.json,
        verbose=args.verbose,
        timeout=args.timeout if is_wait else None,
        interval=args.interval if is_wait else None,
        cancel_on_timeout=bool(args.cancel_on_timeout) if is_wait else False,
        cancel_on_interrupt=bool(args.cancel_on_interrupt) if is_wait else False,
        progress=not args.no_progress if is_wait else False,
    )
