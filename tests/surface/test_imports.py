"""Tree-shaking, the Python way: one function loads nothing it does not need."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_blocking_functions_load_neither_facade() -> None:
    loaded = loaded_after("from openapi.funcs.sync import operations_get_operation")
    assert "openapi.sync_core" in loaded
    for unwanted in ("openapi.sdk", "openapi.sync", "openapi.cli", "openapi.testing"):
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


LAZY_PACKAGES = ("openapi", "openapi.utils", "openapi.models.operations")


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_exports_are_listed_once(package: str) -> None:
    # The ``if TYPE_CHECKING:`` imports are the list: no ``__all__`` or name-to-module table
    # restates them, and ``__all__`` (built on demand) is exactly those names.
    import ast
    import importlib

    module = importlib.import_module(package)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        for target in (target.elts if isinstance(target, ast.Tuple) else [target])
        if isinstance(target, ast.Name)
    }
    assert assigned == {"__getattr__", "__dir__"}
    listed = [
        alias.asname
        for node in tree.body
        if isinstance(node, ast.If)
        for statement in node.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    ]
    assert listed == [alias for alias in listed if alias]  # every one ``name as name``
    assert module.__all__ == sorted(str(name) for name in listed)


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_exports_read_alike_from_source_and_from_bytecode(package: str) -> None:
    from openapi._lazy import lazy_homes

    assert lazy_homes(package) == lazy_homes(package, from_source=False)


def test_exports_work_without_sources(tmp_path: Path) -> None:
    # Some bundlers ship bytecode only: the exports are then read from the compiled module.
    import compileall

    import openapi

    copy = tmp_path / "openapi"
    shutil.copytree(Path(openapi.__file__).parent, copy)
    assert compileall.compile_dir(copy, quiet=1, legacy=True)
    for source in copy.rglob("*.py"):
        source.unlink()
    script = (
        "import openapi.utils\n"
        "from openapi import SDK, Ok, HTTPMetadata\n"
        "assert openapi.__file__.endswith('.pyc'), openapi.__file__\n"
        "assert openapi.utils.PollPolicy.__name__ == 'PollPolicy'\n"
        "assert 'RetryConfig' in openapi.__all__\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_plain_call_loads_no_hooks_machinery_and_no_opentelemetry() -> None:
    # A whole call against the mock server, without hooks or instrumentation: neither the
    # hooks nor anything of OpenTelemetry is imported (the extra may not even be installed).
    script = (
        "import asyncio, sys, json\n"
        "from openapi import SDK\n"
        "from openapi.testing import MockServer\n"
        "async def main():\n"
        "    async with MockServer(api_key='k') as server:\n"
        "        op = server.create_operation(duration=0)\n"
        "        async with SDK(api_key='k', server_url=server.url) as sdk:\n"
        "            await sdk.operations.get_operation(operation_id=op.id)\n"
        "            await sdk.operations.wait(operation_id=op.id, timeout=30)\n"
        "asyncio.run(main())\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert "openapi.sdk" in loaded
    assert not {"openapi.hooks", "openapi._http.hooked", "openapi.contrib"} & loaded
    assert not [name for name in loaded if name.split(".")[0] == "opentelemetry"]
