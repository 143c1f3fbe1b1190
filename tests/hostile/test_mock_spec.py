"""The mock server keeps its own spec: every response header ``openapi.yaml`` marks required
is on the mock's answers, faults included (a 429 without ``retry_after`` had no Retry-After).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from openapi.testing import MockServer

yaml = pytest.importorskip("yaml")

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
KEY = "spec-key"


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def required_headers(method: str, path: str, status: int) -> set[str]:
    """The response headers the spec requires for ``status`` (its own entry, or ``NXX``)."""
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    responses = spec["paths"][path][method]["responses"]
    documented = responses.get(str(status)) or responses[f"{str(status)[0]}XX"]
    headers = _resolve(spec, documented).get("headers", {})
    return {name for name, header in headers.items() if _resolve(spec, header).get("required")}


@pytest.mark.parametrize("status", [400, 401, 408, 429, 500, 503])
@pytest.mark.parametrize(
    ("method", "path", "url_path"),
    [
        ("get", "/operations/{operation_id}", "/operations/op"),
        ("post", "/operations/{operation_id}/cancel", "/operations/op/cancel"),
    ],
)
async def test_a_fault_carries_every_required_header(
    method: str, path: str, url_path: str, status: int
) -> None:
    required = required_headers(method, path, status)
    async with MockServer(api_key=KEY) as server, aiohttp.ClientSession() as http:
        server.create_operation("op", duration=None)
        server.inject(status=status, times=1)  # no retry_after given
        async with http.request(
            method, server.url + url_path, headers={"Authorization": f"Bearer {KEY}"}
        ) as response:
            assert response.status == status
            missing = {name for name in required if name not in response.headers}
            hint = response.headers.get("Retry-After")
    assert missing == set()
    if status == 429:
        assert "Retry-After" in required
        assert hint == "1"  # a usable hint (DEFAULT_429_RETRY_AFTER)
