"""``AsyncClosing``: ``async with`` over ``aclose()``, for everything that holds resources."""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncClosing"]


class AsyncClosing:
    """``async with obj`` gives ``obj`` and awaits ``obj.aclose()`` on the way out.

    Shared by everything in the SDK that holds resources: ``SDKCore``, ``SDK``, ``WaitMany``.
    """

    async def aclose(self) -> None:
        """Release what the object holds; safe to call more than once."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
