"""The commands: ``get`` and ``cancel`` (one call each), and the session they run in.

``run`` builds one ``SDKCore`` over the command's own aiohttp session (whose trace hooks
feed the summary and the retry notices), checks the configuration the way the SDK would,
in the command's words, and runs the command. ``wait`` lives in ``openapi.cli.wait``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Final, Protocol, TextIO

import aiohttp

from openapi._advice import missing_api_key
from openapi.cli.arguments import SPELLING, Settings
from openapi.cli.context import Context
from openapi.cli.exit_codes import ExitCode, Failure
from openapi.cli.progress import RequestTrace, RetryNotices
from openapi.cli.render import Output
from openapi.core import DEFAULT_TIMEOUT, SDKCore, parse_server_url
from openapi.funcs.operations_cancel_operation import operations_cancel_operation
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.models.components import HTTPMetadata, Operation
from openapi.models.errors import CallError
from openapi.types import Err, Result

__all__ = ["check_configuration", "run"]


class _Response(Protocol):
    @property
    def operation(self) -> Operation: ...

    @property
    def http_meta(self) -> HTTPMetadata: ...


_Call = Callable[[SDKCore, Mapping[str, str]], Awaitable[Result[_Response, CallError]]]

_CALLS: Final[Mapping[str, _Call]] = {
    "get": operations_get_operation,
    "cancel": operations_cancel_operation,
}
"""The commands that are one API call: each prints the operation its response carries."""


def check_configuration(core: SDKCore) -> None:
    """Refuse, before anything is sent, what the SDK would refuse at the first call."""
    if core.fixed_authorization() is None:  # the command passes a string key or none
        raise Failure(missing_api_key(SPELLING), ExitCode.USAGE)
    checked = parse_server_url(
        core.config.server_url,
        allow_insecure_http=core.config.allow_insecure_http,
        spelling=SPELLING,
    )
    if isinstance(checked, Err):
        raise Failure(checked.error.message, ExitCode.USAGE)


async def _call(context: Context, call: _Call) -> ExitCode:
    res = await call(context.core, {"operation_id": context.settings.operation_id})
    if isinstance(res, Err):
        raise context.failure(res.error)
    context.out.operation(res.value.operation, res.value.http_meta.request_id)
    return ExitCode.OK


async def run(
    settings: Settings, stdout: TextIO, stderr: TextIO, notices: RetryNotices | None
) -> ExitCode:
    """Run ``get``, ``cancel`` or ``wait``; a ``Failure`` says how it failed."""
    trace = notices.trace if notices is not None else RequestTrace()
    async with (
        aiohttp.ClientSession(trace_configs=[trace.config()]) as session,
        SDKCore(
            api_key=settings.api_key,
            server_url=settings.server_url,
            allow_insecure_http=settings.allow_insecure_http,
            timeout=settings.request_timeout or DEFAULT_TIMEOUT,
            retry_config=settings.retry_config,
            session=session,
        ) as core,
    ):
        check_configuration(core)
        context = Context(
            settings, core, Output(stdout, as_json=settings.json), stderr, trace, notices
        )
        call = _CALLS.get(settings.command)
        if call is not None:
            return await _call(context, call)
        from openapi.cli.wait import wait

        return await wait(context)
