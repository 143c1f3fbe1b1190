"""Converters and validators shared by the configuration classes (seconds and factors).

The converter is a Python function rather than the ``float`` builtin: attrs reads a
converter's signature when it builds the class, and for a builtin that means parsing its
text signature, about a millisecond per field at import.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "at_least_one",
    "fraction",
    "non_negative",
    "positive",
    "positive_seconds",
    "to_float",
]


def to_float(value: float) -> float:
    """Accept ints (and numeric strings) where seconds or factors are expected."""
    return float(value)


def _refuse(instance: Any, attribute: attrs.Attribute[float], rule: str, value: float) -> None:
    raise ValueError(f"{type(instance).__name__}.{attribute.name} must be {rule}, got {value!r}")


def positive(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    """Validator: ``value > 0`` (NaN refused)."""
    if not value > 0:
        _refuse(instance, attribute, "> 0", value)


def positive_seconds(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    """Validator: a duration ``> 0`` seconds (NaN refused)."""
    if not value > 0:
        _refuse(instance, attribute, "> 0 seconds", value)


def non_negative(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    """Validator: ``value >= 0`` (NaN refused)."""
    if not value >= 0:
        _refuse(instance, attribute, ">= 0", value)


def at_least_one(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    """Validator: ``value >= 1`` (NaN refused)."""
    if not value >= 1:
        _refuse(instance, attribute, ">= 1", value)


def fraction(instance: Any, attribute: attrs.Attribute[float], value: float) -> None:
    """Validator: ``0 <= value < 1``."""
    if not 0 <= value < 1:
        _refuse(instance, attribute, "in [0, 1)", value)
