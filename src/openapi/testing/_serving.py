"""What every server of the toolkit is: started and closed, or used as ``async with``."""

from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

__all__ = ["Serving"]


class Serving(abc.ABC):
    """``start()`` and ``close()``, and ``async with`` calling them."""

    @abc.abstractmethod
    async def start(self) -> None:
        """Bind the socket and start serving."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Stop serving and close every connection."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
