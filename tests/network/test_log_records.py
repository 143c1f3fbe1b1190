"""Each attempt is one log record whose fields (``extra=``) a JSON formatter picks up, and
no record of a retried or failed call holds the key or a proxy's credentials."""

from __future__ import annotations

import json
import logging

import pytest

from openapi import Err, Ok
from openapi.core import SDKCore
from openapi.funcs.operations_get_operation import operations_get_operation
from openapi.testing.scripted import ScriptedServer, json_response
from openapi.utils.retries import BackoffStrategy, RetryConfig
from tests.network.conftest import PROXY_PASSWORD, Tap, proxy_url
from tests.secret_support import SECRET_KEY, log_texts
from tests.support import operation

FIELDS = ("endpoint", "operation_id", "method", "url", "attempt", "status", "elapsed")
QUICK = RetryConfig(backoff=BackoffStrategy(initial_interval=0.01, max_interval=0.01))


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record of the ``openapi`` logger, from DEBUG up."""
    caplog.set_level(logging.DEBUG, logger="openapi")
    return caplog


def attempts(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if hasattr(r, "status")]


async def test_a_retried_then_failed_call_logs_each_attempt_with_fields_and_no_secret(
    captured: pytest.LogCaptureFixture, tls_server: ScriptedServer, tap: Tap, ca_bundle: str
) -> None:
    error = {"code": "not_found", "message": "no such operation"}
    tls_server.then(
        json_response({}, 503, **{"X-Request-Id": "req-1"}),
        json_response(operation(), 200, **{"X-Request-Id": "req-2"}),
        json_response(error, 404, **{"X-Request-Id": "req-3"}),
    )
    async with SDKCore(
        api_key=SECRET_KEY,
        server_url=tls_server.url,
        ca_bundle=ca_bundle,
        proxy=proxy_url(tap.port),
        retry_config=QUICK,
    ) as core:
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_1"}), Ok)
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_2"}), Err)

    records = attempts(captured.records)
    seen = [(r.levelname, r.operation_id, r.attempt, r.status, r.request_id) for r in records]  # type: ignore[attr-defined]
    assert seen == [
        ("INFO", "op_1", 1, 503, "req-1"),
        ("DEBUG", "op_1", 2, 200, "req-2"),
        ("INFO", "op_2", 1, 404, "req-3"),
    ]
    for record in records:
        fields = {name: getattr(record, name) for name in FIELDS}
        assert fields["endpoint"] == "getOperation"
        assert fields["method"] == "GET"
        assert fields["url"].startswith(tls_server.url + "/operations/op_")
        assert isinstance(fields["elapsed"], float)
        assert fields["elapsed"] >= 0
        assert record.proxy == f"http://***@127.0.0.1:{tap.port}"  # type: ignore[attr-defined]
        json.dumps(fields)  # plain values, as a JSON formatter needs
    assert [r.error_type for r in records] == ["InternalServerError", None, "ApiError"]  # type: ignore[attr-defined]
    retry = [r for r in captured.records if r.getMessage().startswith("retrying in")]
    assert len(retry) == 1
    assert retry[0].operation_id == "op_1"  # type: ignore[attr-defined]

    everything = log_texts(captured.records) + "".join(
        repr(vars(record)) for record in captured.records
    )
    assert SECRET_KEY not in everything
    assert PROXY_PASSWORD not in everything


async def test_a_transport_failure_is_an_info_record_naming_what_was_raised(
    captured: pytest.LogCaptureFixture, server: ScriptedServer
) -> None:
    async with SDKCore(
        api_key=SECRET_KEY, server_url="http://127.0.0.1:1", retry_config=RetryConfig("none")
    ) as core:
        assert isinstance(await operations_get_operation(core, {"operation_id": "op_9"}), Err)
    (record,) = attempts(captured.records)
    assert record.levelno == logging.INFO
    assert record.status == "ClientConnectorError"  # type: ignore[attr-defined]
    assert record.error_type == "ConnectionError"  # type: ignore[attr-defined]
    assert record.request_id is None  # type: ignore[attr-defined]
