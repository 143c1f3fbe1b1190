"""One attempt: the key callable, one HTTP exchange and its redirects, under one deadline,
once the core's rate-limit gate lets it through; its outcome is reported to the core.

What the transport raises becomes the contract's error through one table
(``openapi._http.transport_errors``); a response, through ``openapi._http.decode``. The
response is released when the attempt returns, on every path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Final, TypedDict, TypeVar

import aiohttp
import yarl

from openapi._http import failures
from openapi._http.decode import receive
from openapi._http.fleet import Fleet
from openapi._http.redirects import REDIRECT_STATUSES, next_hop, shown, without_credentials
from openapi._http.state import Call, Outcome
from openapi._http.transport_errors import transport_error
from openapi._logging import log_attempt, logger
from openapi.models.errors import RequestTimeoutError
from openapi.types import Err

__all__ = ["attempt"]

RespT = TypeVar("RespT")


class _ProxyArgs(TypedDict, total=False):
    proxy: yarl.URL
    proxy_auth: aiohttp.BasicAuth | None


_NO_TIMEOUT: Final = aiohttp.ClientTimeout(total=None)
"""aiohttp's own timers are off; the core's deadlines bound each attempt (see ``attempt``)."""


async def attempt(call: Call[RespT], fleet: Fleet) -> Outcome[RespT]:
    """One attempt, once the core's rate-limit gate lets it through (``fleet.gate``): the key
    if it is a callable, then one HTTP exchange, all within the attempt's deadline (its
    timeout, cut to what is left of the retry budget). The core's hooks and the telemetry,
    if any, run around it (``openapi._http.hooked``); what it got is reported to the core
    (``Fleet.observe``) before it is returned."""
    if fleet.gate.holding and call.retries.rate_limit_gate:
        refused = await fleet.gate.wait(call)
        if refused is not None:
            return refused
    call.attempts += 1
    if call.hooks is not None:
        outcome = await call.hooks.run(call, _exchange)
    else:
        outcome = await _exchange(call, call.headers)
    fleet.observe(call, outcome)
    return outcome


async def _exchange(call: Call[RespT], headers: Mapping[str, str]) -> Outcome[RespT]:
    """The attempt itself, with ``headers`` (``Authorization`` included unless the key is a
    callable)."""
    seconds = call.attempt_seconds(call.timeout)
    if seconds <= 0:
        return Outcome(Err(call.spent(call.where(), call.attempts, "could not start")))
    if call.authorize is not None:
        keyed = await _keyed(call, headers, seconds)
        if isinstance(keyed, Outcome):
            return keyed
        headers, seconds = keyed
    logged = logger.isEnabledFor(logging.INFO)
    began = time.monotonic() if logged else 0.0
    outcome: Outcome[RespT]
    try:
        # The per-attempt deadline is the core's (one timer for all calls, see
        # openapi._http.deadlines), not aiohttp's: besides a timer per request, aiohttp 3.14
        # enters its timer twice per request and so, when the deadline and a caller's
        # cancel() race, uncancels twice and turns the cancel into a TimeoutError.
        with call.deadlines.deadline(seconds):
            async with call.session.request(
                call.endpoint.method,
                call.url,
                headers=headers,
                timeout=_NO_TIMEOUT,
                allow_redirects=False,  # followed by hand: see openapi._http.redirects
                **_via(call),
            ) as response:
                status: object = response.status
                if response.status in REDIRECT_STATUSES:
                    outcome = await _follow(call, response, headers, 0)
                else:
                    outcome = await receive(call, response)
    except asyncio.CancelledError:
        raise
    except TimeoutError:
        outcome = timed_out(call, "got no response", "raise timeout= or check the server")
        status = "timeout"
    except Exception as exc:  # the transport's: one table, in openapi._http.transport_errors
        error, retryable = transport_error(exc, call.where(), call.attempts, call.proxy)
        outcome = Outcome(Err(error), retryable and call.retries.retry_connection_errors)
        status = type(exc).__name__
    if logged:
        log_attempt(call, status, outcome.result, time.monotonic() - began)
    return outcome


def _via(call: Call[RespT]) -> _ProxyArgs:
    """The request's proxy arguments: none on the direct path (aiohttp's defaults then)."""
    proxy = call.proxy
    if proxy is None:
        return {}
    return {"proxy": proxy.url, "proxy_auth": proxy.auth}


async def _keyed(
    call: Call[RespT], headers: Mapping[str, str], seconds: float
) -> tuple[Mapping[str, str], float] | Outcome[RespT]:
    """This attempt's headers with the key callable's current key, and the time left.

    The callable runs inside the attempt's deadline: a slow or stuck key provider ends
    the attempt like a slow server, and a key rotated meanwhile reaches the retry.
    """
    assert call.authorize is not None
    began = time.monotonic()
    try:
        with call.deadlines.deadline(seconds):
            authorization = await call.authorize()
    except TimeoutError:
        return timed_out(call, "got no key from the api_key callable", "fix the key provider")
    if isinstance(authorization, Err):
        return Outcome(authorization)
    keyed = dict(headers)
    keyed["Authorization"] = authorization.value
    return keyed, seconds - (time.monotonic() - began)


def timed_out(call: Call[RespT], what: str, advice: str) -> Outcome[RespT]:
    """The outcome of an attempt that reached its deadline while it ``what``."""
    if call.cut:  # the budget ran out: see CallBudget.spent
        return Outcome(Err(call.spent(call.where(), call.attempts, what)))
    error = RequestTimeoutError(
        f"{call.where()} {what} within {call.timeout:g} s (attempt {call.attempts}); {advice}"
    )
    return Outcome(Err(error), retryable=call.retries.retry_timeouts)


async def _follow(
    call: Call[RespT], response: aiohttp.ClientResponse, headers: Mapping[str, str], hops: int
) -> Outcome[RespT]:
    """Follow a redirect if ``openapi._http.redirects`` allows it, releasing ``response`` first.

    ``headers`` are the ones the redirected request went with; ``hops`` how many
    redirects led to it. Runs inside the attempt's deadline, like the first request.
    """
    location = response.headers.get("Location")
    if location is None:  # a 3XX without a target is just an undocumented status
        return await receive(call, response)
    method, current = call.endpoint.method, response.url
    target = next_hop(method, response.status, current, location, hops, call.session.headers)
    if isinstance(target, str):
        where = call.where() if hops == 0 else f"{call.where()} (redirected to {current})"
        meta = call.meta(response, None)
        return Outcome(Err(failures.redirect_refused(where, meta, shown(location), target)))
    if target.origin() != current.origin():
        headers = without_credentials(headers)
    response.release()
    async with call.session.request(
        method, target, headers=headers, timeout=_NO_TIMEOUT, allow_redirects=False, **_via(call)
    ) as next_response:
        if next_response.status in REDIRECT_STATUSES:
            return await _follow(call, next_response, headers, hops + 1)
        return await receive(call, next_response)
