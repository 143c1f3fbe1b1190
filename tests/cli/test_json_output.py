"""``--json`` prints ``Operation.to_json()``: the model's one JSON form, which
``Operation.from_json`` reads back to the very operation the SDK returns."""

from __future__ import annotations

from openapi import SDK, Operation
from openapi.cli import ExitCode
from openapi.testing import MockServer
from tests.cli.support import KEY, run_cli


async def test_json_output_is_the_models_json_form(server: MockServer, env: dict[str, str]) -> None:
    server.create_operation("op-j", duration=0, result={"rows": 3}, metadata={"team": "a"})
    server.create_operation("op-new", status="paused-by-ops", progress=0.5)
    async with SDK(api_key=KEY, server_url=server.url) as sdk:
        for operation_id in ("op-j", "op-new"):
            run = await run_cli("get", operation_id, "--json", env=env)
            assert run.code == ExitCode.OK, run.err
            got = await sdk.operations.get_operation(operation_id=operation_id)
            assert run.out == got.operation.to_json() + "\n"
            assert Operation.from_json(run.out) == got.operation
