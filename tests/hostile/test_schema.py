"""The ``Operation`` schema's edges: ``progress`` outside 0..1 or not finite is refused (the
JSON decoder accepts ``NaN`` and ``Infinity``, and ``1e999`` is infinite); ``created_at`` is
accepted in every RFC 3339 form (lower-case ``t``/``z``, offsets, any fraction, leap second).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from openapi.models.errors import ResponseValidationError
from tests.hostile._calls import outcome
from tests.hostile._raw import answer, operation


@pytest.mark.parametrize("progress", ["NaN", "Infinity", "-Infinity", "1e999", "5.0", "-1", "1.01"])
async def test_progress_outside_0_to_1_is_refused(progress: str) -> None:
    error = await outcome(answer(operation(progress=progress)))
    assert type(error) is ResponseValidationError, error
    assert "$.progress" in str(error)
    assert "from 0 to 1" in str(error)


@pytest.mark.parametrize(
    ("progress", "value"), [("0", 0.0), ("1", 1.0), ("0.5", 0.5), ("null", None)]
)
async def test_progress_within_0_to_1_is_kept(progress: str, value: float | None) -> None:
    response = await outcome(answer(operation(progress=progress)))
    assert response.operation.progress == value


PLUS_0530 = timezone(timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T10:00:00Z", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28t10:00:00z", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28T10:00:00z", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28t10:00:00Z", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28 10:00:00Z", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28T10:00:00+05:30", datetime(2026, 11, 28, 10, tzinfo=PLUS_0530)),
        ("2026-11-28T10:00:00-00:00", datetime(2026, 11, 28, 10, tzinfo=UTC)),
        ("2026-11-28T10:00:00.5Z", datetime(2026, 11, 28, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-11-28t10:00:00.123456789z", datetime(2026, 11, 28, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-12-31T23:59:60Z", datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
async def test_every_rfc_3339_form_is_accepted(text: str, expected: datetime) -> None:
    response = await outcome(answer(operation(created_at=f'"{text}"')))
    assert response.operation.created_at == expected


@pytest.mark.parametrize("text", ["2026-11-28T10:00:00Q", "yesterday", "2026-13-01T00:00:00z"])
async def test_a_created_at_that_is_no_date_time_is_refused(text: str) -> None:
    error = await outcome(answer(operation(created_at=f'"{text}"')))
    assert type(error) is ResponseValidationError
    assert "$.created_at" in str(error)
