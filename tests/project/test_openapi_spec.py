"""``openapi.yaml`` is a valid OpenAPI 3.1 document describing the two endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")
openapi_spec_validator = pytest.importorskip("openapi_spec_validator")

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    openapi_spec_validator.validate(spec)


def test_paths_and_operation_ids(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    get = paths["/operations/{operation_id}"]["get"]
    cancel = paths["/operations/{operation_id}/cancel"]["post"]
    assert get["operationId"] == "getOperation"
    assert cancel["operationId"] == "cancelOperation"
    assert get["summary"] == "Poll an async operation"
    assert cancel["summary"] == "Cancel a running async operation"
    assert get["tags"] == cancel["tags"] == ["operations"]
    assert not any(path.startswith("/_mock") for path in paths)


def test_every_operation_requires_bearer_auth(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for item in spec["paths"].values():
        for method in ("get", "post"):
            if method in item:
                assert item[method]["security"] == [{"bearerAuth": []}]


def test_every_response_declares_x_request_id(spec: dict[str, Any]) -> None:
    components = spec["components"]["responses"]
    for item in spec["paths"].values():
        for method in ("get", "post"):
            if method not in item:
                continue
            for code, response in item[method]["responses"].items():
                if "$ref" in response:
                    response = components[response["$ref"].rsplit("/", 1)[1]]
                assert "X-Request-Id" in response["headers"], code


def test_operation_id_parameter_bounds(spec: dict[str, Any]) -> None:
    schema = spec["components"]["parameters"]["OperationId"]["schema"]
    assert (schema["type"], schema["minLength"], schema["maxLength"]) == ("string", 1, 256)


def test_status_is_an_open_set(spec: dict[str, Any]) -> None:
    status = spec["components"]["schemas"]["Operation"]["properties"]["status"]
    assert "enum" not in status  # clients must accept statuses added later
    assert set(status["examples"]) == {
        "queued",
        "running",
        "succeeded",
        "failed",
        "cancelling",
        "cancelled",
    }


def test_error_schemas(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ApiError"]["required"] == ["code", "message"]
    assert schemas["OperationError"]["required"] == ["code", "message"]
    assert set(schemas["ApiError"]["properties"]) == {"code", "message", "request_id", "details"}
