"""An exact OpenAPI document for the control plane, kept right as routes are added (CP-14).

FastAPI's own document knows the request bodies and declared parameters, but not what a route
answers when it returns a plain dict, nor this server's error shape: it lists a ``{"detail"}``
422 the server never sends. :func:`install` post-processes FastAPI's document once:

* every operation's errors are ``Error`` (``{"error", "request_id"}``), with the codes derived
  from the route itself: 401 when it has the bearer dependency, 403 when that is the admin's,
  404 when its path has parameters, 400 when it reads query parameters, a body or a path
  parameter with limits, 413 and 422 when it reads a body, 500 and 503 everywhere; :data:`ANSWERS`
  adds codes per route;
* the success body is the schema of :data:`ANSWERS`' model for ``(method, path)`` (route modules
  stay as they are; the runs list still answers orjson bytes);
* routes with the bearer dependency carry the ``bearerAuth`` security scheme.

A new route gets its errors and security without anything here; its answer needs a line in
:data:`ANSWERS` (tests/test_openapi.py fails for an operation whose success body is untyped).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from oz_app.control_plane import schemas as s
from oz_app.control_plane import work_schemas as w
from oz_app.control_plane.http import Authenticator

SECURITY_SCHEME = "bearerAuth"
SCHEMA_REF = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS = {
    400: "Invalid input: a parameter, the JSON of the body, or a value the server refuses.",
    401: "Missing bearer token, or (with OZ_TENANT_TOKENS=issued) one the server did not issue.",
    403: "The caller may not do this (admin only, or a record it may read but not change).",
    404: "No such record, or not the caller's.",
    409: "Conflicts with the record's state or with the server's configuration.",
    413: "The body is larger than the server's limit (OZ_MAX_BODY_BYTES).",
    422: "A field of the body is invalid.",
    500: "A bug; the request id identifies it in the server log.",
    503: "The disk holding the database is full (nothing was saved), or the database does not answer.",
}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


@dataclass(frozen=True)
class Answer:
    """What one operation answers on success, and the error codes its route does not show.

    ``model`` None means no JSON body: ``media_type`` text (``text/plain``, ``text/event-stream``)
    described by ``text``, or nothing at all (a 204). ``errors`` are codes beyond the derived
    ones; ``same_body`` codes answer ``model`` instead of ``Error``. ``optional_auth``: anonymous
    callers may read public records. ``operation_id`` names the operation in generated clients
    (stable, unlike FastAPI's, which follows the function's name).
    """

    operation_id: str
    model: type[BaseModel] | None = None
    media_type: str = "application/json"
    text: str = ""
    errors: frozenset[int] = frozenset()
    same_body: frozenset[int] = frozenset()
    optional_auth: bool = False


def _codes(*codes: int) -> frozenset[int]:
    return frozenset(codes)


# (method, path below /api/v1, or /health) -> its answer; paths of the SDK's 23 methods are here
# before every route exists: an entry without a route is not used.
ANSWERS: dict[tuple[str, str], Answer] = {
    # runs (POST 404: config.environment_id names no environment the caller may use)
    ("POST", "/agent/runs"): Answer("create_run", s.RunCreated, errors=_codes(404)),
    ("POST", "/agent/run"): Answer("create_run_seed_path", s.RunCreated, errors=_codes(404)),
    ("GET", "/agent/runs"): Answer("list_runs", s.RunList),
    ("GET", "/agent/runs/{run_id}"): Answer("get_run", s.RunItem),
    ("GET", "/agent/runs/{run_id}/events"): Answer(
        "follow_run",
        media_type="text/event-stream",
        text="Server-sent events: `output` {offset, text} chunks (the output so far first), `state` "
        "{state, status_message}; a comment line keeps the stream alive; it ends after a terminal state.",
    ),
    ("POST", "/agent/runs/{run_id}/cancel"): Answer(
        "cancel_run", media_type="text/plain", text="The cancelled run's id.", errors=_codes(400)
    ),
    ("GET", "/agent/runs/{run_id}/handoff/attachments"): Answer("list_handoff_attachments", s.HandoffAttachmentList),
    ("POST", "/agent/runs/{run_id}/followups"): Answer("submit_followup", s.FollowupAccepted),
    # the SDK's agent resource
    ("GET", "/agent"): Answer("list_agent_skills", s.AgentSkillList, errors=_codes(404)),
    ("GET", "/agent/artifacts/{artifact_uid}"): Answer("get_artifact", s.ArtifactResponse, optional_auth=True),
    ("GET", "/files/{file_id}"): Answer(
        "download_file",
        media_type="application/octet-stream",
        text="The file's bytes, with its own Content-Type.",
        errors=_codes(403),
        optional_auth=True,
    ),
    ("POST", "/selfhosted/runs/{run_id}/files"): Answer("upload_file", s.StoredFileAnswer, errors=_codes(413, 422)),
    ("GET", "/agent/environments"): Answer("list_cloud_environments", s.CloudEnvironmentList),
    ("POST", "/agent/schedules"): Answer("create_schedule", s.ScheduledAgentItem, errors=_codes(404)),
    ("GET", "/agent/schedules"): Answer("list_schedules", s.ScheduleList),
    ("GET", "/agent/schedules/{schedule_id}"): Answer("get_schedule", s.ScheduledAgentItem),
    ("PUT", "/agent/schedules/{schedule_id}"): Answer("update_schedule", s.ScheduledAgentItem),
    ("DELETE", "/agent/schedules/{schedule_id}"): Answer("delete_schedule", s.ScheduleDeleted),
    ("POST", "/agent/schedules/{schedule_id}/pause"): Answer("pause_schedule", s.ScheduledAgentItem),
    ("POST", "/agent/schedules/{schedule_id}/resume"): Answer("resume_schedule", s.ScheduledAgentItem),
    ("POST", "/agent/identities"): Answer("create_agent_identity", s.AgentResponse, errors=_codes(404, 409)),
    ("GET", "/agent/identities"): Answer("list_agent_identities", s.AgentIdentityList),
    ("GET", "/agent/identities/{uid}"): Answer("get_agent_identity", s.AgentResponse),
    ("PUT", "/agent/identities/{uid}"): Answer("update_agent_identity", s.AgentResponse, errors=_codes(409)),
    ("DELETE", "/agent/identities/{uid}"): Answer("delete_agent_identity"),
    ("GET", "/agent/sessions/{session_uuid}/redirect"): Answer(
        "check_session_redirect", s.SessionRedirect, optional_auth=True
    ),
    ("GET", "/agent/conversations/{conversation_id}/redirect"): Answer(
        "check_conversation_redirect", s.ConversationRedirect, optional_auth=True
    ),
    # environments in the seed's shape (403: a tenant changing a global environment)
    ("POST", "/environments"): Answer("create_environment", s.Environment, errors=_codes(403)),
    ("GET", "/environments"): Answer("list_environments", s.EnvironmentList),
    ("GET", "/environments/{environment_id}"): Answer("get_environment", s.Environment),
    ("PATCH", "/environments/{environment_id}"): Answer("update_environment", s.Environment, errors=_codes(403)),
    ("DELETE", "/environments/{environment_id}"): Answer("delete_environment", errors=_codes(403)),
    # the admin's (409: a provider set by environment variables)
    ("GET", "/providers"): Answer("list_providers", s.ProviderList),
    ("GET", "/providers/types"): Answer("list_provider_types", s.ProviderTypeList),
    ("PUT", "/providers/{key}"): Answer("put_provider", s.ProviderView, errors=_codes(409)),
    ("DELETE", "/providers/{key}"): Answer("delete_provider", errors=_codes(400, 409)),
    ("POST", "/admin/tokens"): Answer("issue_tenant_token", s.IssuedToken),
    ("GET", "/admin/tokens"): Answer("list_tenant_tokens", s.TokenList),
    ("DELETE", "/admin/tokens/{token_id}"): Answer("revoke_tenant_token"),
    # PRDs and work items (WS-12; 404 on create: the room; 409: the PRD's or item's state allows no such change)
    ("GET", "/prds"): Answer("list_prds", w.PrdList),
    ("POST", "/prds"): Answer("create_prd", w.PrdView, errors=_codes(404)),
    ("GET", "/prds/{prd_id}"): Answer("get_prd", w.PrdView),
    ("GET", "/prds/{prd_id}/items"): Answer("list_work_items", w.WorkItemList),
    ("POST", "/prds/{prd_id}/approve"): Answer("approve_prd", w.PrdView, errors=_codes(400, 409)),
    ("POST", "/prds/{prd_id}/pause"): Answer("pause_prd", w.PrdView, errors=_codes(409)),
    ("POST", "/prds/{prd_id}/resume"): Answer("resume_prd", w.PrdView, errors=_codes(409)),
    ("POST", "/prds/{prd_id}/cancel"): Answer("cancel_prd", w.PrdView, errors=_codes(409)),
    ("GET", "/work_items/{item_id}"): Answer("get_work_item", w.WorkItemDetail),
    ("POST", "/work_items/{item_id}/approve"): Answer("approve_work_item", w.WorkItemDetail, errors=_codes(409)),
    ("POST", "/work_items/{item_id}/reject"): Answer("reject_work_item", w.WorkItemDetail, errors=_codes(409)),
    ("POST", "/work_items/{item_id}/reassign"): Answer("reassign_work_item", w.WorkItemDetail, errors=_codes(400, 409)),
    # editing a plan before it is approved (409 once approved)
    ("POST", "/prds/{prd_id}/replan"): Answer("replan_prd", w.PrdView, errors=_codes(409)),
    ("POST", "/prds/{prd_id}/epics"): Answer("add_epic", w.PrdEpic, errors=_codes(409)),
    ("PATCH", "/prds/{prd_id}/epics/{epic_id}"): Answer("change_epic", w.PrdEpic, errors=_codes(409)),
    ("DELETE", "/prds/{prd_id}/epics/{epic_id}"): Answer("remove_epic", errors=_codes(409)),
    ("POST", "/prds/{prd_id}/items"): Answer("add_work_item", w.WorkItemView, errors=_codes(409)),
    ("PATCH", "/work_items/{item_id}"): Answer("change_work_item", w.WorkItemDetail, errors=_codes(409)),
    ("DELETE", "/work_items/{item_id}"): Answer("remove_work_item", errors=_codes(409)),
    ("GET", "/health"): Answer("health", s.Health, same_body=_codes(503)),
    # Prometheus (OPS-1): the admin or OZ_METRICS_TOKEN (403 for anyone else); 404 with OZ_METRICS=false
    ("GET", "/metrics"): Answer(
        "metrics",
        media_type="text/plain",
        text="Every metric in the Prometheus text format (text/plain; version=1.0.0).",
        errors=_codes(403, 404),
    ),
}


def install(app: FastAPI, prefix: str) -> None:
    """Make ``app.openapi()`` answer the completed document (built once, on first request)."""
    fastapi_document = app.openapi
    completed: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not completed:
            completed.update(complete(copy.deepcopy(fastapi_document()), app.routes, prefix))
            app.openapi_schema = completed
        return completed

    app.openapi = openapi  # type: ignore[method-assign]


def answer_for(method: str, path: str, prefix: str) -> Answer | None:
    """The :data:`ANSWERS` entry of an operation of the document (``path`` with ``prefix``)."""
    return ANSWERS.get((method.upper(), path.removeprefix(prefix)))


def complete(document: dict[str, Any], routes: Sequence[Any], prefix: str) -> dict[str, Any]:
    """FastAPI's ``document`` with this server's errors, answers and security (see the module)."""
    used: set[type[BaseModel]] = {s.Error}
    for route in served_operations(routes):
        if route.include_in_schema:
            operation = document["paths"][route.path][route.method.lower()]
            _complete_operation(operation, route, answer_for(route.method, route.path, prefix) or Answer(""), used)
    components = document.setdefault("components", {})
    known = components.setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        known.pop(name, None)
    for name, schema in model_schemas(used).items():
        if name in known and known[name] != schema:
            raise ValueError(f"Two schemas are named {name}: rename one of them in oz_app/control_plane/schemas.py.")
        known[name] = schema
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "The admin key, a token the admin issued, or (OZ_TENANT_TOKENS=any) any token: "
            "its sha256 is the caller's tenant.",
        }
    }
    return document


def _complete_operation(operation: dict[str, Any], route: Served, answer: Answer, used: set[type[BaseModel]]) -> None:
    """One operation's answers, errors, security and name; the models it shows go into ``used``."""
    auth = auth_kind(route.dependant)
    _document_answer(operation, route.status_code, answer, used)
    operation["operationId"] = answer.operation_id or operation["operationId"]
    for code in sorted(derived_errors(operation, auth) | answer.errors):
        model = answer.model if code in answer.same_body and answer.model else s.Error
        used.add(model)
        operation["responses"][str(code)] = _json(ERROR_DESCRIPTIONS.get(code, "Error."), model)
    if auth:
        operation["security"] = [{SECURITY_SCHEME: []}]
    elif answer.optional_auth:
        operation["security"] = [{SECURITY_SCHEME: []}, {}]


@dataclass(frozen=True)
class Served:
    """One method of one HTTP route the app serves, with its full path."""

    path: str
    method: str
    dependant: Dependant
    status_code: int
    include_in_schema: bool


def served_operations(routes: Sequence[Any]) -> list[Served]:
    """Every (path, method) of FastAPI routes among ``routes``, included routers resolved."""
    found = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path_format:
            for method in sorted(context.methods or ()):
                found.append(
                    Served(
                        context.path_format, method, route.dependant, route.status_code or 200, route.include_in_schema
                    )
                )
    return found


def _document_answer(operation: dict[str, Any], status_code: int, answer: Answer, used: set[type[BaseModel]]) -> None:
    """Replace FastAPI's guess at the success answer (and its validation answer) with ``answer``."""
    responses: dict[str, Any] = operation["responses"]
    for code in list(responses):
        if code == "default" or code.startswith(("4", "5")):
            del responses[code]
    status = str(status_code)
    success = responses.setdefault(status, {"description": "Successful Response"})
    if answer.model is not None:
        used.add(answer.model)
        success["content"] = _json(success["description"], answer.model)["content"]
    elif answer.text:
        success["description"] = answer.text
        binary = not answer.media_type.startswith("text/")  # bytes, such as a downloaded file
        schema = {"type": "string", "format": "binary"} if binary else {"type": "string"}
        success["content"] = {answer.media_type: {"schema": schema}}
    else:
        success.pop("content", None)


def _json(description: str, model: type[BaseModel]) -> dict[str, Any]:
    ref = SCHEMA_REF.format(model=model.__name__)
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def derived_errors(operation: dict[str, Any], auth: str | None) -> set[int]:
    """The error codes any route like this one can answer, read from its document and its auth."""
    codes = {500, 503}
    if auth:
        codes.add(401)
    if auth == "admin":
        codes.add(403)
    parameters = operation.get("parameters", [])
    if any(parameter["in"] == "path" for parameter in parameters):
        codes.add(404)
    if any(parameter["in"] == "query" or _constrained(parameter) for parameter in parameters):
        codes.add(400)
    if "requestBody" in operation:
        codes |= {400, 413, 422}
    return codes


def _constrained(parameter: dict[str, Any]) -> bool:
    """Whether a value of ``parameter`` can be refused (a string with limits, or not a string)."""
    schema = parameter.get("schema", {})
    return schema.get("type") != "string" or bool(set(schema) - {"type", "title", "description"})


def auth_kind(dependant: Dependant) -> str | None:
    """``"admin"`` when the route needs the admin, ``"bearer"`` when any caller's bearer token,
    else None; found among its dependencies, however deep."""
    found: str | None = None
    for dependency in dependant.dependencies:
        call: Callable[..., Any] | None = dependency.call
        if getattr(call, "__func__", None) is Authenticator.admin:
            return "admin"
        if isinstance(call, Authenticator):
            found = "bearer"
        found = auth_kind(dependency) or found
        if found == "admin":
            return found
    return found


def model_schemas(models: Iterable[type[BaseModel]]) -> dict[str, Any]:
    """JSON schemas of ``models`` and every model they use, named by class, as the answers show them."""
    ordered = sorted(models, key=lambda model: model.__name__)
    keys, top = models_json_schema([(model, "serialization") for model in ordered], ref_template=SCHEMA_REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    for model in ordered:
        schemas.setdefault(model.__name__, keys[(model, "serialization")])
    return schemas
