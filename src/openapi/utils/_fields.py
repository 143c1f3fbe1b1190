"""Converters and validators shared by the configuration classes (seconds, factors, counts).

Every numeric setting is a finite number (``bool`` is not one, nor ``None`` or a string)
within its bounds; anything else raises ``ValueError`` at construction, naming the argument
as the caller spelled it (``'timeout' must be > 0: -1.0``), never an internal class.

The bounds are attrs' own validators (``gt``, ``ge``, ``lt``). The two checks written here are
what attrs has no validator for: a finite float, and a whole number that is not a ``bool``,
refused with ``ValueError`` (attrs' ``instance_of`` raises ``TypeError``, which the contract
does not allow for a bad setting).

The converter is a Python function rather than the ``float`` builtin: attrs reads a
converter's signature when it builds the class, and for a builtin that means parsing its
text signature, about a millisecond per field at import. It converts only what is a number
and leaves the rest to the validators, which know the argument's name.
"""

from __future__ import annotations

import math
from typing import Any, Final, cast

import attrs

__all__ = [
    "COUNT",
    "FACTOR",
    "FRACTION",
    "POSITIVE_COUNT",
    "POSITIVE_SECONDS",
    "finite_number",
    "to_float",
]


def to_float(value: float) -> float:
    """Ints become floats; a value that is not a number is left for the validator to refuse."""
    given = cast(object, value)  # callers may pass anything: the validators check it
    if isinstance(given, int | float) and not isinstance(given, bool):
        return float(given)
    return value


def finite_number(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a float that is neither NaN nor infinite (``to_float`` made ints floats)."""
    if not isinstance(value, float) or not math.isfinite(value):
        raise ValueError(f"'{attribute.name}' must be a finite number, got {value!r}")


def _whole_number(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"'{attribute.name}' must be a whole number, got {value!r}")


POSITIVE_SECONDS: Final = attrs.validators.and_(finite_number, attrs.validators.gt(0))
"""A duration: finite and ``> 0`` (``timeout``, intervals, budgets)."""
FACTOR: Final = attrs.validators.and_(finite_number, attrs.validators.ge(1))
"""A growth factor: finite and ``>= 1``, so intervals never shrink towards zero."""
FRACTION: Final = attrs.validators.and_(
    finite_number, attrs.validators.ge(0), attrs.validators.lt(1)
)
"""A fraction in ``[0, 1)`` (jitter)."""
POSITIVE_COUNT: Final = attrs.validators.and_(_whole_number, attrs.validators.gt(0))
"""A count: an ``int`` ``> 0`` (``connection_limit``)."""
COUNT: Final = attrs.validators.and_(_whole_number, attrs.validators.ge(0))
"""A count that may be zero: an ``int`` ``>= 0`` (``max_retries``)."""
