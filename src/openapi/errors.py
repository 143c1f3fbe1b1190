"""The error tree, also importable as ``openapi.errors`` (see ``openapi.models.errors``)."""

from openapi.models.errors import *  # noqa: F403
from openapi.models.errors import __all__ as __all__
