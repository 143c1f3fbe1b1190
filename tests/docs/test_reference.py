"""The reference pages say what the code does: every table of settings, fields, errors and
routes in docs/ is checked against the code it describes, so a page cannot drift from it.

A table is tied to the code by the HTML comment on the line above it (``<!-- settings:
openapi.utils.retries.RetryConfig -->``); the model pages by their title; the error tree by
``openapi.errors``; the operations page by ``openapi.yaml``; the performance guide by
``benchmarks/README.md``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest

import openapi.errors
from openapi._advice import API_KEY_ENV, SERVER_URL_ENV
from openapi.core import SDKConfig
from openapi.models import components, http_metadata
from openapi.models.operations import cancel_operation, get_operation
from openapi.testing import MockServer
from tests.docs.snippets import ROOT, all_snippets

DOCS = ROOT / "docs"
_ROW = re.compile(r"^\|(.+)\|\s*$")
_NAME = re.compile(r"^`([\w.]+)`")
REQUIRED, OPTIONAL = "\u2714\ufe0f", "\u2796"  # the TypeScript pages' check and minus marks


def table_after(text: str, marker: str) -> list[list[str]]:
    """The rows (cells stripped, header and rule left out) of the table under ``marker``."""
    lines = text.split(marker, 1)[1].lstrip("\n").splitlines()
    rows: list[list[str]] = []
    for line in lines:
        match = _ROW.match(line)
        if match is None:
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", match.group(1))])
    assert len(rows) > 2, f"no table under {marker!r}"
    return rows[2:]


def markers(pattern: str) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for page in sorted(DOCS.rglob("*.md")):
        found += [(page, m) for m in re.findall(pattern, page.read_text(encoding="utf-8"))]
    return found


def _resolve(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError:
        return getattr(_resolve(module), name)


def _shown(value: object) -> set[str]:
    """How a page may write a default: its repr, ``30`` for ``30.0``, ``{}`` for a dict."""
    if value is attrs.NOTHING:
        return {"NOTHING"}  # required: no default to show (rows of such fields are not checked)
    if isinstance(value, attrs.Factory):
        factory: Any = value.factory
        origin = typing.get_origin(factory) or factory
        return {"{}"} if origin is dict else {f"{origin.__name__}()"}
    if isinstance(value, frozenset):
        return {"{" + ", ".join(map(repr, sorted(value))) + "}"}
    if callable(value):
        return {f"{value.__module__}.{value.__name__}"}
    return {repr(value)}


def declared(target: Any) -> dict[str, set[str] | None]:
    """Each setting ``target`` declares, and how its default may be written (``None``: any)."""
    if isinstance(target, type) and attrs.has(target):
        fields = attrs.fields(target)
        return {field.name: _shown(field.default) for field in fields}
    if typing.is_typeddict(target):
        # CoreSettings: the defaults live in SDKConfig (or the environment).
        config = {field.name: _shown(field.default) for field in attrs.fields(SDKConfig)}
        environment = {"api_key": {f"${API_KEY_ENV}"}, "server_url": {f"${SERVER_URL_ENV}"}}
        return {name: (config | environment).get(name) for name in target.__annotations__}
    parameters = inspect.signature(target).parameters.values()
    named = {
        p.name: None if p.default is p.empty else _shown(p.default)
        for p in parameters
        if p.name != "self" and p.kind is not p.VAR_KEYWORD
    }
    # ``**options: Unpack[SomeTypedDict]``: each key of the TypedDict is a setting too.
    hints = typing.get_type_hints(target, include_extras=True)
    for p in parameters:
        hint = hints.get(p.name)
        if p.kind is p.VAR_KEYWORD and typing.get_origin(hint) is typing.Unpack:
            (keywords,) = typing.get_args(hint)
            named.update(dict.fromkeys(typing.get_type_hints(keywords)))
    return named


SETTINGS_TABLES = markers(r"<!-- settings: ([\w.]+) -->")


@pytest.mark.parametrize(
    ("page", "target"), SETTINGS_TABLES, ids=[target for _, target in SETTINGS_TABLES]
)
def test_a_settings_table_lists_every_setting_and_its_default(page: Path, target: str) -> None:
    text = page.read_text(encoding="utf-8")
    rows = table_after(text, f"<!-- settings: {target} -->")
    header = text.split(f"<!-- settings: {target} -->", 1)[1].split("\n")[1]
    has_default = "| Default |" in header
    names = [_NAME.match(row[0]) for row in rows]
    documented = {match.group(1): row for match, row in zip(names, rows, strict=True) if match}
    code = declared(_resolve(target))
    where = page.relative_to(ROOT)
    assert len(documented) == len(rows), f"{where}: a row of {target} names no setting"
    assert set(documented) == set(code), (
        f"{where}: the table of {target} lists {sorted(documented)}; the code declares "
        f"{sorted(code)}: add or remove rows to match"
    )
    if not has_default:
        return
    for name, row in documented.items():
        default = _NAME.match(row[1]) or re.match(r"^`([^`]+)`", row[1])
        allowed = code[name]
        if allowed is None or allowed == {"NOTHING"}:
            continue
        assert default is not None, f"{where}: {target}.{name}: no default in {row[1]!r}"
        assert default.group(1) in allowed, (
            f"{where}: {target}.{name} defaults to one of {sorted(allowed)}, "
            f"the page says {row[1]!r}"
        )


def test_every_settings_class_has_its_table() -> None:
    tied = {target for _, target in SETTINGS_TABLES}
    assert {
        "openapi.core.CoreSettings",
        "openapi.utils.options.RequestOptions",
        "openapi.utils.retries.RetryConfig",
        "openapi.utils.retries.BackoffStrategy",
        "openapi.utils.polling.PollPolicy",
        "openapi.testing.MockServer",
        "openapi.testing.MockServer.create_operation",
        "openapi.testing.FaultRule",
    } <= tied


def test_the_environment_variables_are_those_the_sdk_reads() -> None:
    text = (DOCS / "guides" / "configuration.md").read_text(encoding="utf-8")
    rows = table_after(text, "<!-- environment -->")
    assert {row[0].strip("`"): row[1] for row in rows} == {
        API_KEY_ENV: "`api_key=`",
        SERVER_URL_ENV: "`server_url=`",
    }


# -- models ----------------------------------------------------------------------------------

MODELS: dict[str, type] = {
    "components/operation.md": components.Operation,
    "components/operation-error.md": components.OperationError,
    "components/http-metadata.md": components.HTTPMetadata,
    "operations/get-operation-request.md": get_operation.GetOperationRequest,
    "operations/get-operation-response.md": get_operation.GetOperationResponse,
    "operations/cancel-operation-request.md": cancel_operation.CancelOperationRequest,
    "operations/cancel-operation-response.md": cancel_operation.CancelOperationResponse,
}


@pytest.mark.parametrize("page", sorted(MODELS))
def test_a_model_page_lists_its_fields_and_which_are_required(page: str) -> None:
    model = MODELS[page]
    text = (DOCS / "models" / page).read_text(encoding="utf-8")
    assert text.startswith(f"# {model.__name__}\n")
    rows = table_after(text, "## Fields\n")
    documented = {row[0].strip("`"): row[2] for row in rows}
    expected = {
        field.name: OPTIONAL if field.default is not attrs.NOTHING else REQUIRED
        for field in attrs.fields(model)
    }
    assert documented == expected, f"docs/models/{page} does not match {model.__qualname__}"


def test_every_model_has_a_page() -> None:
    classes = {
        cls
        for module in (components, http_metadata, get_operation, cancel_operation)
        for cls in vars(module).values()
        if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == module.__name__
    }
    assert classes == set(MODELS.values())


def test_the_status_page_lists_every_status() -> None:
    text = (DOCS / "models" / "components" / "operation-status.md").read_text(encoding="utf-8")
    rows = table_after(text, "## Values\n")
    documented = {(row[0].strip("`"), row[1].strip('`"'), row[2] == REQUIRED) for row in rows}
    assert documented == {
        (status.name, status.value, status.value in components.TERMINAL_STATUSES)
        for status in components.OperationStatus
    }


# -- errors ----------------------------------------------------------------------------------


def _error_classes() -> dict[str, type]:
    return {
        name: value
        for name in openapi.errors.__all__
        if isinstance(value := getattr(openapi.errors, name), type)
        and issubclass(value, openapi.errors.SDKBaseError)
    }


def test_the_error_page_has_the_whole_tree_and_a_section_per_error() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    tree = text.split("<!-- error-tree -->\n```\n", 1)[1].split("```", 1)[0]
    parents: list[tuple[int, str]] = []
    seen: dict[str, str | None] = {}
    for line in tree.splitlines():
        name = re.search(r"(\w+)\s", line + " ")
        assert name is not None
        depth = len(re.match(r"^[│├└─ ]*", line).group(0)) // 4
        while parents and parents[-1][0] >= depth:
            parents.pop()
        seen[name.group(1)] = parents[-1][1] if parents else None
        parents.append((depth, name.group(1)))
    classes = _error_classes()
    assert set(seen) == set(classes), (
        f"docs/errors.md: the tree shows {sorted(seen)}; openapi.errors has {sorted(classes)}"
    )
    for name, parent in seen.items():
        if parent is not None:
            assert classes[parent] in classes[name].__bases__, f"{name} is not a {parent}"
        assert f"\n### {name}\n" in text, f"docs/errors.md: no section for {name}"


# -- the operations page ---------------------------------------------------------------------


def test_every_operation_of_the_spec_has_its_usage_snippets() -> None:
    spec = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    operation_ids = re.findall(r"operationId: (\w+)", spec)
    assert operation_ids == ["getOperation", "cancelOperation"]
    page = DOCS / "sdks" / "operations" / "README.md"
    usage = [s for s in all_snippets() if s.path == page and s.marker == "UsageSnippet"]
    for operation_id in operation_ids:
        forms = {
            s.attributes.get("form", "facade")
            for s in usage
            if s.attributes.get("operationID") == operation_id and "helper" not in s.attributes
        }
        assert {"facade", "standalone"} <= forms, f"{operation_id}: {forms}"
        words = re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()
        text = page.read_text(encoding="utf-8")
        section = text.split(f"\n## {words}\n", 1)[1].split("\n## ", 1)[0]
        for heading in ("Example Usage", "Standalone function", "Parameters", "Response"):
            assert f"\n### {heading}\n" in section, f"{words}: no {heading} section"
        assert "\n### Errors\n" in section


# -- the performance guide -------------------------------------------------------------------


def test_the_performance_figures_are_those_of_the_benchmarks() -> None:
    guide = (DOCS / "guides" / "performance.md").read_text(encoding="utf-8")
    source = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    tables = re.findall(r"(?:^\|.*\|\n)+", guide, re.MULTILINE)
    assert len(tables) >= 4
    for table in tables:
        assert table in source, (
            f"docs/guides/performance.md has a table benchmarks/ lacks:\n{table}"
        )


# -- the /_mock routes -----------------------------------------------------------------------


async def test_the_mock_routes_table_is_complete_and_true() -> None:
    text = (DOCS / "guides" / "testing.md").read_text(encoding="utf-8")
    rows = table_after(text, "<!-- mock-routes -->")
    documented: dict[str, set[str]] = {}
    for row in rows:
        documented.setdefault(row[1].strip("`"), set()).add(row[0].strip("`"))
    bodies = {
        "/_mock/operations": {"id": "made"},
        "/_mock/faults": {"times": 1},
        "/_mock/operations/{id}/status": {"status": "running"},
    }
    async with MockServer(api_key=None) as server, aiohttp.ClientSession() as session:
        server.create_operation("op", duration=None)
        for route, methods in documented.items():
            url = server.url + route.replace("{id}", "op")
            for method in ("GET", "POST", "DELETE"):
                body = bodies.get(route, {})
                async with session.request(method, url, json=body) as response:
                    answer = await response.text()
                    if method in methods:
                        assert response.status < 300, (method, route, response.status, answer)
                    else:
                        assert response.status == 405, (method, route, "is not documented")
                if route == "/_mock/reset" and method == "POST":
                    server.create_operation("op", duration=None)
            if "{id}" in route:
                missing = server.url + route.replace("{id}", "none")
                method = sorted(methods)[0]
                async with session.request(method, missing, json=bodies.get(route, {})) as response:
                    assert response.status == 404, (method, route, "for an unknown id")


def test_the_readme_links_to_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert "docs/index.md" in links
    assert "docs/sdks/operations/README.md" in links
    for link in links:
        assert (ROOT / link).is_file(), f"README.md links to {link}, which does not exist"
