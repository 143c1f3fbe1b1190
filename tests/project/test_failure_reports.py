"""A failing test's report shows no secret from the environment, and no environment dump.

An inner pytest run (a subprocess, with the verbose flags a developer reaches for: ``-l``
shows every frame's locals, ``-vv`` keeps them whole, ``-ra``, JUnit XML) fails in each way a
value from ``os.environ`` reaches a report: an assertion comparing it, locals holding the
environment, a child's environment, printed output, a collection error. A control run
without the project's hooks shows that each of these does leak.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from _pytest._io.saferepr import saferepr

from tests import redaction
from tests.environment import child_env, looks_secret

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = "OPENAPI_TEST_CANARY_TOKEN"
PLAIN_NAME = "OPENAPI_TEST_CANARY_PLAIN"

INNER_CONFTEST = """
from tests.conftest import pytest_make_collect_report, pytest_runtest_makereport
"""

INNER_TESTS = """
import os

from tests.environment import child_env


def test_compares_a_secret():
    token = os.environ["OPENAPI_TEST_CANARY_TOKEN"]
    assert token == "the expected token"


def test_holds_the_environment():
    env = dict(os.environ)
    assert env.get("NOT_SET_ANYWHERE")


def test_holds_a_child_environment():
    env = child_env(EXTRA="1")
    assert "NOT_SET_ANYWHERE" in env


def test_prints_the_environment():
    print(os.environ["OPENAPI_TEST_CANARY_TOKEN"], dict(os.environ))
    assert False


def test_passes_the_environment_on(tmp_path):
    def spawn(env):
        raise RuntimeError("the child failed to start")

    spawn(dict(os.environ))
"""

INNER_BROKEN_MODULE = """
import os

raise RuntimeError("cannot configure: " + os.environ["OPENAPI_TEST_CANARY_TOKEN"])
"""


def run_inner(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *, with_hooks: bool
) -> str:
    """Run the failing inner tests; everything pytest wrote, JUnit XML included."""
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", str(ROOT) if not path else str(ROOT) + os.pathsep + path)
    pytester.makeconftest(INNER_CONFTEST if with_hooks else "")
    pytester.makepyfile(test_inner=INNER_TESTS, test_broken=INNER_BROKEN_MODULE)
    xml = pytester.path / "report.xml"
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_subprocess(
        *("-p", "no:cacheprovider", "--continue-on-collection-errors"),
        *("-l", "-vv", "-ra", f"--junitxml={xml}"),
    )
    result.assert_outcomes(failed=5, errors=1)
    return "\n".join([*result.outlines, *result.errlines, xml.read_text(encoding="utf-8")])


@pytest.fixture
def canaries(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A secret-looking variable and a plain one, with values found nowhere else."""
    token, plain = f"tok-{secrets.token_hex(12)}", f"plain-{secrets.token_hex(12)}"
    monkeypatch.setenv(SECRET_NAME, token)
    monkeypatch.setenv(PLAIN_NAME, plain)
    return token, plain


def test_failure_reports_show_no_secret_and_no_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, canaries: tuple[str, str]
) -> None:
    token, plain = canaries
    output = run_inner(pytester, monkeypatch, with_hooks=True)
    assert token not in output
    assert token[:8] not in output, "not even the start of it (saferepr cuts long reprs)"
    assert plain not in output, "an environment dump keeps its names, not its values"
    # The reports are still there, and still say what failed.
    assert "test_compares_a_secret" in output
    assert "the expected token" in output
    assert f"{SECRET_NAME!r}: '***'" in output
    assert "the child failed to start" in output
    assert "cannot configure: ***" in output


def test_without_the_hooks_each_inner_test_leaks(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, canaries: tuple[str, str]
) -> None:
    # The control: the inner tests are real leaks, so the test above can fail.
    token, plain = canaries
    output = run_inner(pytester, monkeypatch, with_hooks=False)
    assert output.count(token) >= 5
    assert plain in output


def test_a_child_gets_no_secret_looking_variable(canaries: tuple[str, str]) -> None:
    token, plain = canaries
    env = child_env(OPENAPI_API_KEY="sk-fake")
    assert token not in env.values()
    assert SECRET_NAME not in env
    assert env[PLAIN_NAME] == plain
    assert env["OPENAPI_API_KEY"] == "sk-fake"  # a test's own fake key is passed on
    assert not any(looks_secret(name) for name in env if name != "OPENAPI_API_KEY")
    assert type(env) is dict  # uvloop's subprocess_exec refuses anything else
    assert str(ROOT / "src") in env["PYTHONPATH"].split(os.pathsep)


def test_a_secret_cut_short_by_saferepr_is_hidden_too(monkeypatch: pytest.MonkeyPatch) -> None:
    token = f"tok-{secrets.token_hex(12)}"
    monkeypatch.setenv(SECRET_NAME, token)

    # Pad the dict so that saferepr's cut (it keeps 118 + 119 of 240 characters) falls
    # 10 characters into the token.
    def padded(size: int) -> dict[str, str]:
        return {"pad": "p" * size, SECRET_NAME: token, "z": "q" * 300}

    shown = saferepr(padded((240 - 3) // 2 - 10 - repr(padded(0)).index(token)))
    assert token[:10] + "..." in shown  # the cut really is inside the token
    scrubbed = redaction.scrubber()(shown)
    assert all(token[i : i + 6] not in scrubbed for i in range(len(token) - 5)), scrubbed
    assert "'pad': 'ppp" in scrubbed  # the rest stays readable
