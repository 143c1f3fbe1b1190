"""Tree-shaking, the Python way: one function loads nothing it does not need."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_after(code: str) -> set[str]:
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules"
    script += " if m == 'openapi' or m.startswith('openapi.'))))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out))


def test_core_and_one_function_load_nothing_else() -> None:
    loaded = loaded_after(
        "import openapi.core\n"
        "from openapi.funcs.operations_get_operation import operations_get_operation"
    )
    assert "openapi.funcs.operations_get_operation" in loaded
    for unwanted in (
        "openapi.funcs.operations_cancel_operation",
        "openapi.models.operations.cancel_operation",
        "openapi.funcs.operations_wait",
        "openapi.utils.polling",
        "openapi.utils.options",
        "openapi.sdk",
        "openapi.cli",
        "openapi.testing",
    ):
        assert unwanted not in loaded


def test_cancel_function_does_not_load_get() -> None:
    loaded = loaded_after(
        "from openapi.funcs.operations_cancel_operation import operations_cancel_operation"
    )
    assert "openapi.funcs.operations_get_operation" not in loaded
    assert "openapi.models.operations.get_operation" not in loaded
    assert "openapi.sdk" not in loaded


def test_package_init_is_lazy() -> None:
    loaded = loaded_after("import openapi")
    assert loaded <= {"openapi", "openapi._version", "openapi._lazy"}
    loaded = loaded_after("from openapi import Ok, Err")
    assert "openapi.sdk" not in loaded
    assert "openapi.core" not in loaded


def test_lazy_subpackages_resolve() -> None:
    from openapi.models.operations import (
        CancelOperationRequest,
        GetOperationResponse,
        HTTPMetadata,
    )
    from openapi.utils import PollPolicy, RequestOptions

    assert CancelOperationRequest.__module__ == "openapi.models.operations.cancel_operation"
    assert GetOperationResponse.__module__ == "openapi.models.operations.get_operation"
    assert HTTPMetadata.__module__ == "openapi.models.http_metadata"
    assert PollPolicy.__module__ == "openapi.utils.polling"
    assert RequestOptions.__module__ == "openapi.utils.options"
    import openapi.utils

    with pytest.raises(AttributeError, match=r"'openapi\.utils' has no attribute 'Nope'"):
        getattr(openapi.utils, "Nope")  # noqa: B009


@pytest.mark.parametrize(
    "name", ["SDK", "SDKCore", "Ok", "ApiError", "RetryConfig", "HTTPMetadata", "PollPolicy"]
)
def test_lazy_names_resolve(name: str) -> None:
    import openapi

    assert getattr(openapi, name).__name__ == name
    assert name in dir(openapi)
