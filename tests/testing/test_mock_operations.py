"""Operations: automatic progression, manual driving, cancel semantics, poll hints."""

from __future__ import annotations

from datetime import datetime

import aiohttp
import pytest

from openapi.testing import MockError, MockServer
from tests.events import until

from ._helpers import call, get_op
from .conftest import FakeClock, MakeServer


async def test_progresses_queued_running_succeeded(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    op = fake_server.create_operation("op1", duration=10.0, result={"rows": 3})
    assert op.status == "queued"

    body = await get_op(http, fake_server, "op1")
    assert body["status"] == "queued"
    assert body["progress"] == 0.0
    assert body["completed_at"] is None

    clock.advance(5.0)
    body = await get_op(http, fake_server, "op1")
    assert body["status"] == "running"
    assert body["progress"] == pytest.approx(0.5)
    assert body["result"] is None

    clock.advance(5.0)
    body = await get_op(http, fake_server, "op1")
    assert body["status"] == "succeeded"
    assert body["progress"] == 1.0
    assert body["result"] == {"rows": 3}
    assert body["error"] is None
    completed = datetime.fromisoformat(body["completed_at"])
    created = datetime.fromisoformat(body["created_at"])
    assert (completed - created).total_seconds() == pytest.approx(10.0, abs=0.01)


async def test_progress_rises_monotonically(fake_server: MockServer, clock: FakeClock) -> None:
    fake_server.create_operation("op", duration=1.0)
    seen: list[float] = []
    for _ in range(12):
        progress = fake_server.get_operation("op").progress
        assert progress is not None
        seen.append(progress)
        clock.advance(0.1)
    assert seen == sorted(seen)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert all(0.0 <= p <= 1.0 for p in seen)


async def test_failed_outcome_sets_error(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("bad", outcome="failed", duration=1.0, error=("quota", "Too big"))
    clock.advance(1.0)
    body = await get_op(http, fake_server, "bad")
    assert body["status"] == "failed"
    assert body["error"] == {"code": "quota", "message": "Too big"}
    assert body["result"] is None
    assert body["completed_at"] is not None


async def test_real_time_progression(make_server: MakeServer, http: aiohttp.ClientSession) -> None:
    server = await make_server()
    server.create_operation("quick", duration=0.3, result=1)
    server.create_operation("slow", duration=600)
    # Read without a request, so that no time passes that a busy machine could stretch.
    assert server.get_operation("quick").status in ("queued", "running")
    assert (await get_op(http, server, "slow"))["status"] in ("queued", "running")
    await until(lambda: server.get_operation("quick").done, "the 0.3 s to pass")
    body = await get_op(http, server, "quick")
    assert (body["status"], body["result"]) == ("succeeded", 1)


async def test_duration_zero_is_done_at_once(mock_server: MockServer) -> None:
    op = mock_server.create_operation(duration=0, result="x")
    assert (op.status, op.result, op.done) == ("succeeded", "x", True)


async def test_generated_ids_are_unique_uuids(mock_server: MockServer) -> None:
    ids = {mock_server.create_operation().id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


async def test_json_shape_has_every_field(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("shape", metadata={"owner": "me"})
    body = await get_op(http, mock_server, "shape")
    assert set(body) == {
        "id",
        "status",
        "created_at",
        "updated_at",
        "completed_at",
        "progress",
        "result",
        "error",
        "metadata",
    }
    assert body["metadata"] == {"owner": "me"}
    assert body["created_at"].endswith("Z")


async def test_manual_driving(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("m", duration=None)
    clock.advance(3600)
    assert (await get_op(http, fake_server, "m"))["status"] == "queued"

    fake_server.set_status("m", "running", progress=0.4)
    body = await get_op(http, fake_server, "m")
    assert (body["status"], body["progress"]) == ("running", 0.4)

    fake_server.complete("m", result={"ok": True})
    body = await get_op(http, fake_server, "m")
    assert (body["status"], body["result"], body["progress"]) == ("succeeded", {"ok": True}, 1.0)
    assert body["completed_at"] is not None

    fake_server.fail("m", code="boom", message="It broke", details={"line": 3})
    body = await get_op(http, fake_server, "m")
    assert body["status"] == "failed"
    assert body["error"] == {"code": "boom", "message": "It broke", "details": {"line": 3}}


async def test_manual_driving_stops_automatic_progress(
    fake_server: MockServer, clock: FakeClock
) -> None:
    fake_server.create_operation("auto", duration=1.0)
    fake_server.set_status("auto", "running", progress=0.1)
    clock.advance(10)
    assert fake_server.get_operation("auto").status == "running"


async def test_unknown_status_is_served_and_not_done(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    op = mock_server.create_operation("odd", status="paused_for_review")
    assert not op.done
    body = await get_op(http, mock_server, "odd")
    assert body["status"] == "paused_for_review"
    _, headers, _ = await call(http, mock_server, "GET", "/operations/odd")
    assert headers["Retry-After"] == "1"  # not done, so a poll hint is sent


async def test_created_pinned_at_terminal_status(mock_server: MockServer) -> None:
    op = mock_server.create_operation("done", status="succeeded", result=[1, 2])
    assert (op.status, op.result, op.progress) == ("succeeded", [1, 2], 1.0)
    assert op.completed_at is not None
    failed = mock_server.create_operation("f", status="failed", error=MockError("x", "y"))
    assert failed.error == MockError("x", "y")


async def test_duplicate_and_invalid_ids_are_refused(mock_server: MockServer) -> None:
    mock_server.create_operation("dup")
    with pytest.raises(ValueError, match="already exists"):
        mock_server.create_operation("dup")
    with pytest.raises(ValueError, match="1 to 256"):
        mock_server.create_operation("x" * 257)
    with pytest.raises(ValueError, match="1 to 256"):
        mock_server.create_operation("")


async def test_driving_unknown_id_raises_key_error(mock_server: MockServer) -> None:
    with pytest.raises(KeyError):
        mock_server.complete("missing")
    with pytest.raises(KeyError):
        mock_server.get_operation("missing")


# -- poll hint ------------------------------------------------------------------------


async def test_retry_after_only_while_unfinished(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("p", duration=1.0)
    _, headers, _ = await call(http, fake_server, "GET", "/operations/p")
    assert headers["Retry-After"] == "1"
    clock.advance(2)
    _, headers, _ = await call(http, fake_server, "GET", "/operations/p")
    assert "Retry-After" not in headers


async def test_poll_hint_configurable(make_server: MakeServer, http: aiohttp.ClientSession) -> None:
    server = await make_server(poll_hint=5)
    server.create_operation("p", duration=None)
    _, headers, _ = await call(http, server, "GET", "/operations/p")
    assert headers["Retry-After"] == "5"
    server.poll_hint = None
    _, headers, _ = await call(http, server, "GET", "/operations/p")
    assert "Retry-After" not in headers


# -- cancel ---------------------------------------------------------------------------


async def test_cancel_goes_cancelling_then_cancelled(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("c", duration=10.0)
    clock.advance(5)
    status, _, body = await call(http, fake_server, "POST", "/operations/c/cancel")
    assert status == 200
    assert body["status"] == "cancelling"
    assert body["completed_at"] is None
    assert body["progress"] == pytest.approx(0.5)

    clock.advance(0.1)
    assert (await get_op(http, fake_server, "c"))["status"] == "cancelling"

    clock.advance(0.2)  # past the default cancel_delay of 0.2 s
    body = await get_op(http, fake_server, "c")
    assert body["status"] == "cancelled"
    assert body["error"]["code"] == "cancelled"
    assert body["completed_at"] is not None

    # The original timeline no longer applies: it never "succeeds" later.
    clock.advance(100)
    assert (await get_op(http, fake_server, "c"))["status"] == "cancelled"


async def test_cancel_is_idempotent(fake_server: MockServer, http: aiohttp.ClientSession) -> None:
    fake_server.create_operation("c", duration=None)
    _, _, first = await call(http, fake_server, "POST", "/operations/c/cancel")
    _, _, second = await call(http, fake_server, "POST", "/operations/c/cancel")
    assert first == second  # a second cancel neither restarts nor changes anything
    assert second["status"] == "cancelling"


async def test_cancel_terminal_returns_it_unchanged(
    mock_server: MockServer, http: aiohttp.ClientSession
) -> None:
    mock_server.create_operation("d", duration=0, result=7)
    before = await get_op(http, mock_server, "d")
    status, _, body = await call(http, mock_server, "POST", "/operations/d/cancel")
    assert status == 200
    assert body == before
    assert body["status"] == "succeeded"


async def test_cancel_delay_zero_cancels_at_once(
    make_server: MakeServer, http: aiohttp.ClientSession
) -> None:
    server = await make_server(cancel_delay=0)
    server.create_operation("z", duration=None)
    _, _, body = await call(http, server, "POST", "/operations/z/cancel")
    assert body["status"] == "cancelled"
    assert body["error"] == {"code": "cancelled", "message": "The operation was cancelled."}


async def test_cancel_from_python(fake_server: MockServer, clock: FakeClock) -> None:
    fake_server.create_operation("py", duration=None)
    assert fake_server.cancel("py").status == "cancelling"
    clock.advance(1)
    assert fake_server.get_operation("py").status == "cancelled"


async def test_cancel_unknown_is_404(mock_server: MockServer, http: aiohttp.ClientSession) -> None:
    status, _, body = await call(http, mock_server, "POST", "/operations/nope/cancel")
    assert status == 404
    assert body["code"] == "not_found"


async def test_polls_advance_one_step_per_get_whatever_the_clock(
    fake_server: MockServer, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("by-polls", polls=3, result={"n": 1}, duration=0.0)
    clock.advance(1000.0)  # time alone never moves it
    assert fake_server.get_operation("by-polls").status == "queued"
    seen = [await get_op(http, fake_server, "by-polls") for _ in range(4)]
    assert [(b["status"], b["progress"]) for b in seen] == [
        ("running", 0.3333),
        ("running", 0.6667),
        ("succeeded", 1.0),
        ("succeeded", 1.0),
    ]
    assert seen[-1]["result"] == {"n": 1}
    # Reading it from Python, or cancelling it once done, does not move it.
    assert fake_server.get_operation("by-polls").status == "succeeded"


async def test_polls_failed_outcome_and_cancel(
    fake_server: MockServer, http: aiohttp.ClientSession
) -> None:
    fake_server.create_operation("pf", polls=1, outcome="failed", error=("bad", "Broke"))
    body = await get_op(http, fake_server, "pf")
    assert body["status"] == "failed"
    assert body["error"] == {"code": "bad", "message": "Broke"}

    fake_server.create_operation("pc", polls=5)
    await get_op(http, fake_server, "pc")
    fake_server.cancel("pc")
    body = await get_op(http, fake_server, "pc")
    assert body["status"] in ("cancelling", "cancelled")


@pytest.mark.parametrize("polls", [0, -1, 1.5, True])
def test_polls_must_be_a_positive_whole_number(polls: object) -> None:
    server = MockServer()
    with pytest.raises(ValueError, match="polls"):
        server.create_operation(polls=polls)  # type: ignore[arg-type]
