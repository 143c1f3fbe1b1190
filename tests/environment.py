"""The environment a test hands to a child process, and which of its variables look secret.

A developer's environment may hold credentials (cloud keys, tokens). A child started by a
test needs none of them: :func:`child_env` leaves out every variable whose name looks
secret. (It is a plain ``dict``: uvloop's ``subprocess_exec`` takes nothing else. What a
failing test's report shows of it is redacted by tests/redaction.py.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import openapi

#: Names of variables that usually hold a credential.
_SECRET_NAME = re.compile(
    r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|SIGNATURE|DSN",
    re.IGNORECASE,
)
#: The project's ``src`` (the package may not be installed in the child's environment).
SRC = str(Path(openapi.__file__).resolve().parents[1])


def looks_secret(name: str) -> bool:
    """Whether a variable's name says it holds a credential (``AWS_SECRET_ACCESS_KEY``...)."""
    return _SECRET_NAME.search(name) is not None


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of the variables that look secret, longest first (short ones are noise)."""
    env = os.environ if environ is None else environ
    values = {value for name, value in env.items() if looks_secret(name) and len(value) >= 6}
    return sorted(values, key=len, reverse=True)


def child_env(*, drop_prefix: str | None = None, **extra: str) -> dict[str, str]:
    """This process's environment without secret-looking variables (nor, if given, those
    named ``drop_prefix...``), ``src`` importable, plus ``extra``: a test's own variables,
    secret-looking or not (they are its fakes)."""
    variables = {
        name: value
        for name, value in os.environ.items()
        if not looks_secret(name) and not (drop_prefix and name.startswith(drop_prefix))
    }
    path = variables.get("PYTHONPATH")
    variables["PYTHONPATH"] = SRC if not path else SRC + os.pathsep + path
    variables.update(extra)
    return variables
