"""The README's OpenTelemetry snippet runs as written; the extra is needed only by
``openapi.contrib.opentelemetry``, and its absence is reported with what to install."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _spans(printed: str) -> list[dict[str, object]]:
    decoder = json.JSONDecoder()
    spans: list[dict[str, object]] = []
    at = 0
    while (start := printed.find("{", at)) != -1:
        span, at = decoder.raw_decode(printed, start)
        spans.append(span)
    return spans


def test_the_opentelemetry_snippet_prints_a_wait_span_over_its_polls() -> None:
    section = README.read_text().split("\n## OpenTelemetry\n", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    done = _run(code)
    assert done.returncode == 0, done.stderr
    spans = _spans(done.stdout)
    names = [span["name"] for span in spans]
    assert names.count("getOperation") == 2
    assert names.count("GET /operations/{operation_id}") == 2
    assert names[-1] == "waitOperation"
    assert len({str(span["context"]["trace_id"]) for span in spans}) == 1  # type: ignore[index]


def test_without_the_extra_the_contrib_module_says_what_to_install() -> None:
    blocked = (
        "import sys\n"
        "sys.modules['opentelemetry'] = None  # as if the extra were not installed\n"
        "import openapi.core, openapi.sdk\n"
        "from openapi.funcs.operations_wait import operations_wait\n"
        "try:\n"
        "    import openapi.contrib.opentelemetry\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = _run(blocked)
    assert done.returncode == 0, done.stderr
    assert "pip install 'openapi-operations[otel]'" in done.stdout
