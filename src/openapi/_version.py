"""The package version."""

__version__ = "0.1.0"
"""The version of this package (``openapi.__version__``), as in ``pyproject.toml``."""
