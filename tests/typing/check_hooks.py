"""Hooks of either kind (plain or ``async`` methods) type-check as ``SDKCore(hooks=...)``.

Checked by mypy --strict and pyright strict (``make typecheck``); never run.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from openapi import SDK, Hook, HookContext
from openapi.core import SDKCore
from openapi.errors import CallError
from openapi.models.http_metadata import HTTPMetadata


class Tagger:
    def before_request(self, context: HookContext, headers: MutableMapping[str, str]) -> None:
        headers["X-Attempt"] = str(context.attempt)


class Pager:
    async def after_error(self, context: HookContext, error: CallError) -> None:
        print(context.endpoint, error.message)

    def after_success(self, context: HookContext, response: HTTPMetadata) -> None:
        print(response.status_code)


def build() -> tuple[SDKCore, SDK]:
    hooks: list[Hook] = [Tagger(), Pager()]
    return SDKCore(hooks=hooks), SDK(hooks=[Tagger()])
