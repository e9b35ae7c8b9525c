"""The OpenAPI document describes every route exactly (CP-14).

Besides these tests, tests/answers_seen.py checks at the end of every session that the document
lists each status any test saw for an operation.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import typing
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from oz_agent_sdk import types as sdk_types
from oz_agent_sdk.types import agent as sdk_agent
from oz_agent_sdk.types import agent_get_artifact_response as sdk_artifact
from oz_agent_sdk.types.agent import artifact_item as sdk_artifact_item
from oz_agent_sdk.types.agent import run_item as sdk_run_item
from oz_agent_sdk.types.agent.run_list_params import RunListParams
from pydantic import BaseModel

from oz_app.control_plane import schemas
from oz_app.control_plane.openapi import answer_for, auth_kind, served_operations
from tests.answers_seen import undocumented
from tests.conftest import ADMIN_KEY, Server, missing

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def document(server: Server) -> dict[str, Any]:
    return httpx.get(server.api + "/openapi.json").json()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The control plane's app, built in this process, to see the routes it serves."""
    from oz_app.config import load_settings
    from oz_app.control_plane.app import ControlPlane, build_api
    from oz_app.plugins import new_manager

    folder = tmp_path_factory.mktemp("openapi-app")
    settings = load_settings(
        {"OZ_ADMIN_API_KEY": ADMIN_KEY, "OZ_CONFIG_FILE": "", "DATABASE_URL": f"sqlite://{folder}/oz.db"},
        data_dir=str(folder),
    )
    return build_api(ControlPlane(settings, new_manager()))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in document["paths"].items() for method, op in item.items()]


def test_the_document_is_valid_openapi_with_one_error_shape_and_the_bearer_scheme(document, app):
    """CP-14: the served document validates (openapi-spec-validator) and is the one the code builds;
    every error answer is ``Error`` ``{"error", "request_id"}``, never FastAPI's ``{"detail"}``;
    the bearer scheme is declared."""
    validate(document)
    assert document == app.openapi()
    assert "HTTPValidationError" not in json.dumps(document)
    assert document["components"]["schemas"]["Error"]["required"] == ["error", "request_id"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for method, path, operation in operations(document):
        for code, answer in operation["responses"].items():
            if code >= "400" and path != "/health":
                assert answer["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)


def test_every_route_is_documented_with_a_typed_answer_its_errors_and_its_security(document, app):
    """CP-14: each (method, path) the app serves, and nothing else, is an operation; its success
    answer has a schema (no untyped ``{}`` body); routes needing a token carry ``bearerAuth`` and
    401 (403 for the admin's), routes with ids 404, routes with a body 400, 413 and 422."""
    served = served_operations(app.routes)
    assert {(route.method, route.path) for route in served} == {(m, p) for m, p, _ in operations(document)}
    for route in served:
        assert route.include_in_schema, f"{route.method} {route.path} is left out of the document"
        operation = document["paths"][route.path][route.method.lower()]
        where = f"{route.method} {route.path}: add its answer to ANSWERS in oz_app/control_plane/openapi.py"
        success = operation["responses"][str(route.status_code)]
        if route.status_code != 204:
            [(media, content)] = success["content"].items()
            schema = content["schema"]
            text = media.startswith("text/") and schema == {"type": "string"}
            download = media == "application/octet-stream" and schema == {"type": "string", "format": "binary"}
            assert "$ref" in schema or text or download, where
        codes = set(operation["responses"])
        auth = auth_kind(route.dependant)
        if auth:
            assert operation["security"] == [{"bearerAuth": []}] and "401" in codes, where
        else:  # public on purpose: /health, or a route ANSWERS marks optional_auth
            answer = answer_for(route.method, route.path, "/api/v1")
            optional = answer is not None and answer.optional_auth
            assert route.path == "/health" or optional, f"{route.method} {route.path} has no bearer dependency"
            assert operation.get("security") == ([{"bearerAuth": []}, {}] if optional else None)
        assert auth != "admin" or "403" in codes
        if "{" in route.path:
            assert "404" in codes
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= codes
        assert {"500", "503"} <= codes


def _expected_schema(hint: Any) -> dict[str, Any]:
    """What a query parameter of the SDK's type hint ``hint`` must be documented as."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Literal:
        return {"type": "string", "enum": sorted(args)}
    if origin is list:
        return {"type": "array", "items": _expected_schema(args[0])}
    if origin is dict:
        return {"type": "object"}
    if hint is int:
        return {"type": "integer"}
    if datetime in args:
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def test_the_runs_list_documents_every_filter_of_the_sdk_with_its_type(document):
    """CP-14: GET /agent/runs lists exactly the SDK's RunListParams, each with its type and enum."""
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/agent/runs"]["get"]["parameters"]}
    hints = typing.get_type_hints(RunListParams)
    assert set(parameters) == set(hints)
    for name, hint in hints.items():
        schema = dict(parameters[name]["schema"])
        expected = _expected_schema(hint)
        if "enum" in schema:
            schema["enum"] = sorted(schema["enum"])
        if "items" in schema:
            schema["items"] = {**schema["items"], "enum": sorted(schema["items"]["enum"])}
        assert {key: schema.get(key) for key in expected} == expected, name
    assert parameters["metadata"]["style"] == "deepObject"


MIRRORS = [
    (schemas.RunItem, sdk_agent.RunItem),
    (schemas.StatusMessage, sdk_run_item.StatusMessage),
    (schemas.RunSchedule, sdk_run_item.Schedule),
    (schemas.RunAgentSkill, sdk_run_item.AgentSkill),
    (schemas.RequestUsage, sdk_run_item.RequestUsage),
    (schemas.RunCreated, sdk_types.AgentRunResponse),
    (schemas.AmbientAgentConfig, sdk_types.AmbientAgentConfig),
    (schemas.McpServerConfig, sdk_types.McpServerConfig),
    (schemas.UserProfile, sdk_types.UserProfile),
    (schemas.Scope, sdk_types.Scope),
    (schemas.PlanArtifact, sdk_artifact_item.PlanArtifact),
    (schemas.FileArtifactData, sdk_artifact_item.FileArtifactData),
    (schemas.ExternalReferenceArtifactData, sdk_artifact_item.ExternalReferenceArtifactData),
    (schemas.PlanArtifactResponseData, sdk_artifact.PlanArtifactResponseData),
    (schemas.FileArtifactResponseData, sdk_artifact.FileArtifactResponseData),
    (schemas.ScreenshotArtifactResponse, sdk_artifact.ScreenshotArtifactResponse),
    (schemas.CloudEnvironment, sdk_types.CloudEnvironment),
    (schemas.CloudEnvironmentConfig, sdk_types.CloudEnvironmentConfig),
    (schemas.CloudEnvironmentList, sdk_types.AgentListEnvironmentsResponse),
    (schemas.AgentSkillList, sdk_types.AgentListResponse),
    (schemas.SkillVariant, sdk_types.agent_skill.Variant),
    (schemas.ScheduledAgentItem, sdk_agent.ScheduledAgentItem),
    (schemas.ScheduleList, sdk_agent.ScheduleListResponse),
    (schemas.ScheduleDeleted, sdk_agent.ScheduleDeleteResponse),
    (schemas.AgentResponse, sdk_agent.AgentResponse),
    (schemas.Memory, sdk_agent.agent_response.Memory),
    (schemas.AgentIdentityList, sdk_agent.ListAgentIdentitiesResponse),
    (schemas.HandoffAttachmentList, sdk_agent.RunListHandoffAttachmentsResponse),
    (schemas.HandoffAttachment, sdk_agent.run_list_handoff_attachments_response.Attachment),
    (schemas.SessionRedirect, sdk_agent.SessionCheckRedirectResponse),
    (schemas.ConversationRedirect, sdk_agent.ConversationCheckRedirectResponse),
]


@pytest.mark.parametrize(("ours", "theirs"), MIRRORS, ids=[ours.__name__ for ours, _ in MIRRORS])
def test_answer_schemas_have_the_sdk_fields_and_required_ones(ours: type[BaseModel], theirs: type[BaseModel]):
    """CP-14: each answer schema has every field of its SDK type under the name on the wire, and
    requires exactly the fields the SDK requires."""

    def wire(model: type[BaseModel]) -> dict[str, bool]:
        return {field.alias or name: field.is_required() for name, field in model.model_fields.items()}

    ours_fields, their_fields = wire(ours), wire(theirs)
    assert set(their_fields) <= set(ours_fields)
    assert {name for name, required in ours_fields.items() if required} == {
        name for name, required in their_fields.items() if required
    }


def test_representative_requests_answer_only_what_the_document_lists(server: Server, document, token):
    """CP-14: every operation asked without a token (401), by a tenant (403 on the admin's), for a
    missing id (404), with broken JSON (400), an empty body (422) and a body over the limit (413)
    answers only statuses its operation lists."""
    seen: set[tuple[str, str, int]] = set()
    tenant = {"Authorization": f"Bearer {token}"}
    for method, path, operation in operations(document):
        url = server.url + path.replace("{", "no-such-").replace("}", "")
        secured = "security" in operation and {} not in operation["security"]  # not public nor optional
        asks: list[tuple[dict[str, str], dict[str, Any]]] = [({}, {}), (tenant, {})]
        if "requestBody" in operation:
            json_type = {"content-type": "application/json"}
            asks += [({**tenant, **json_type}, {"content": b"{"}), (tenant, {"json": {}})]
            asks.append(({**tenant, **json_type}, {"content": b" " * (1024 * 1024 + 1)}))
        for headers, body in asks:
            with httpx.stream(method, url, headers=headers, timeout=10, **body) as response:
                seen.add((method, path, response.status_code))
                if secured and not headers:
                    assert response.status_code == 401, (method, path)
    assert undocumented(document, seen) == []
    codes = {status for _, _, status in seen}
    assert {200, 400, 401, 403, 404, 413, 422} <= codes


def test_undocumented_answers_are_named_by_their_operation(document):
    """CP-14: the session's check names a status the document lacks by operation; answers to paths
    no operation has are not an operation's."""
    seen = [
        ("GET", "/api/v1/agent/runs/abc", 404),
        ("GET", "/api/v1/agent/runs/abc", 418),
        ("GET", "/api/v1/agent/runs/abc/events", 418),
        ("GET", "/api/v1/no/such/route", 404),
        ("TRACE", "/api/v1/agent/runs", 405),
    ]
    assert undocumented(document, seen) == [
        "GET /api/v1/agent/runs/{run_id} 418",
        "GET /api/v1/agent/runs/{run_id}/events 418",
    ]


TYPED_PROGRAM = '''
"""Creates a run, lists runs with filters and reads the run, through the generated client."""

import datetime
import sys

from oz_client import AuthenticatedClient
from oz_client.api.runs import create_run, get_run, list_runs
from oz_client.models import ListRunsSortOrder, ListRunsStateItem, RunCreate, RunCreated, RunItem, RunList
from oz_client.types import Unset


def main(base_url: str, token: str, title: str) -> str:
    client = AuthenticatedClient(base_url=base_url, token=token, raise_on_unexpected_status=True)
    created = create_run.sync(client=client, body=RunCreate(prompt="Say hello", title=title))
    assert isinstance(created, RunCreated), created
    run_id: str = created.run_id
    page = list_runs.sync(
        client=client, q=title, state=list(ListRunsStateItem), sort_order=ListRunsSortOrder.ASC, limit=5
    )
    assert isinstance(page, RunList), page
    more: bool = page.page_info.has_next_page
    listed: list[str] = [item.run_id for item in page.runs]
    run = get_run.sync(run_id, client=client)
    assert isinstance(run, RunItem), run
    created_at: datetime.datetime = run.created_at
    state: str = run.state.value
    # Fields typed Any would make these ignores unused, which --strict reports.
    not_text: str = run.created_at  # type: ignore[assignment]
    not_a_number: int = run.title  # type: ignore[assignment]
    status = run.status_message
    message = "" if isinstance(status, Unset) or status is None else status.message
    return f"{run_id} {listed == [run_id]} {more} {created_at.tzinfo is not None} {state} {run.title} {message}"


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2], sys.argv[3]))
'''

MYPY_CONFIG = """
[mypy]
strict = True
cache_dir = .mypy_cache

[mypy-oz_client.*]
ignore_errors = True
"""


def test_a_client_generated_from_the_document_type_checks_and_reads_real_answers(
    server: Server, document, token, tmp_path: Path
):
    """CP-14: openapi-python-client generates a client from the document; a program that creates a
    run, lists runs with filters and reads the run's fields passes mypy --strict against it, and
    runs against the server (the generated models parse every answer)."""
    if importlib.util.find_spec("openapi_python_client") is None:
        missing("openapi-python-client is not installed (pip install -e '.[test]')")
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--output-path",
            "oz_client",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    (tmp_path / "program.py").write_text(TYPED_PROGRAM)
    (tmp_path / "mypy.ini").write_text(MYPY_CONFIG)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "program.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    title = f"typed client {token}"
    ran = subprocess.run(
        [sys.executable, "program.py", server.url, token, title], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    run_id, listed_alone, more, aware, state, *_ = ran.stdout.split()
    assert (listed_alone, more, aware) == ("True", "False", "True")
    assert state in {"QUEUED", "INPROGRESS", "FAILED", "SUCCEEDED"}
    assert (
        httpx.get(f"{server.api}/agent/runs/{run_id}", headers={"Authorization": f"Bearer {token}"}).json()["title"]
        == title
    )
