"""``SDKBaseError``, the root of the error tree, in a module that imports nothing.

Every error module builds on it: ``models.errors`` (the call errors) and ``models.components``
(the errors an ``Operation``'s own outcome is), without one importing the other's models.
The tree is documented, and all of it importable, in ``openapi.models.errors``.
"""

from __future__ import annotations

__all__ = ["SDKBaseError"]


class SDKBaseError(Exception):
    """Root of every error the SDK returns or raises. ``message`` says what to do."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extend_message(self, note: str) -> None:
        """Append ``note`` to what ``str(error)`` says (the pipeline uses it to say why a
        call stopped retrying, such as a spent retry budget or quota)."""
        self.message += note
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"
