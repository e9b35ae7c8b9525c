"""Creating a run (CP-2, CP-11): what a request may carry, checked before anything is stored.

A run names where it comes from (its parent, its conversation, its agent, its skill, its
schedule) and carries metadata; each reference must name something the caller can see, or the
request is a 400 that says which. A child run inherits its parent's metadata (the request's own
keys win) and is recorded under every ancestor, so a whole tree is one lookup.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text, check_json
from oz_app.control_plane.run_config import parse_config, parse_labels
from oz_app.db.models import Environment, Run, RunAncestor, RunLabel

MAX_DEPTH = 10  # a run may have at most this many ancestors

# Hooks other modules fill in: a named agent's run defaults and a skill's (id, name, base prompt).
IdentityDefaults = Callable[[Caller, str], Awaitable[dict[str, Any]]]
SkillResolver = Callable[[Caller, str], Awaitable[tuple[str, str, str]]]


class RunCreate(BaseModel):
    """The SDK's ``AgentRunParams``. Unknown fields are refused, never dropped."""

    model_config = ConfigDict(extra="forbid")
    prompt: Text | None = Field(None, max_length=500_000)
    title: Text | None = Field(None, max_length=500)
    config: Annotated[dict[str, Any] | None, BeforeValidator(check_json)] = None
    metadata: Annotated[dict[str, Any] | None, BeforeValidator(check_json)] = None
    parent_run_id: Text | None = Field(None, max_length=36)
    conversation_id: Text | None = Field(None, max_length=36)
    agent_identity_uid: Text | None = Field(None, max_length=32)
    skill: Text | None = Field(None, max_length=1000)
    mode: Literal["normal", "plan", "orchestrate"] | None = None
    team: bool | None = None
    interactive: bool | None = None
    on_behalf_of: Text | None = Field(None, max_length=320)
    attachments: list[Any] | None = None


@dataclass
class RunRequest:
    """A run to create, as checked; ``source`` and ``schedule_id`` are set by the server."""

    prompt: str = ""
    title: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    parent_run_id: str | None = None
    conversation_id: str | None = None
    agent_identity_uid: str | None = None
    skill: str | None = None
    mode: str = "normal"
    source: str = "API"
    schedule_id: str | None = None


def request_of(body: RunCreate) -> RunRequest:
    """The request's fields, with those this server cannot honour refused by name."""
    if body.interactive:
        raise ApiError(400, "interactive runs are not supported here: a run works from its prompt alone.")
    if body.on_behalf_of:
        raise ApiError(400, "on_behalf_of is not supported: a run here is always its token's tenant's.")
    if body.attachments:
        raise ApiError(400, "attachments are not supported yet; put the text in the prompt.")
    return RunRequest(
        prompt=body.prompt or "",
        title=body.title,
        config=parse_config(body.config),
        labels=parse_labels(body.metadata),
        parent_run_id=body.parent_run_id,
        conversation_id=body.conversation_id,
        agent_identity_uid=body.agent_identity_uid,
        skill=body.skill,
        mode=body.mode or "normal",
    )


async def check_environment(caller: Caller, config: dict[str, Any], field: str = "config") -> str | None:
    """The environment a run's config names, which the caller must see (404 otherwise); MCP
    servers need one, as they are handed to a harness in a worker's container."""
    environment_id = config.get("environment_id")
    if environment_id:
        environment = await Environment.get_or_none(id=environment_id)
        if environment is None or not caller.can_see(environment.tenant):
            raise ApiError(404, f"Environment {environment_id} was not found.")
    if config.get("mcp_servers") and not environment_id:
        raise ApiError(400, f"{field}.mcp_servers go to a harness in a worker's container: give environment_id.")
    return environment_id or None


class RunCreator:
    """Checks a :class:`RunRequest` against what the caller can see and stores the run."""

    def __init__(self, runs: service.RunService) -> None:
        self.runs = runs
        self.identity_defaults: IdentityDefaults | None = None
        self.resolve_skill: SkillResolver | None = None

    async def create(self, caller: Caller, request: RunRequest) -> Run:
        config = await self._config(caller, request)
        environment_id = await check_environment(caller, config)
        prompt = request.prompt
        skill = request.skill or config.get("skill_spec") or next(iter(config.get("skills") or []), None)
        if skill:
            config = {**config, **await self._skill(caller, skill, config)}
        parent, ancestors, labels = await self._lineage(caller, request)
        conversation = await self._conversation(caller, request.conversation_id)
        if not prompt.strip() and not skill and conversation is None:
            raise ApiError(422, "Invalid request: prompt is required unless a skill or a conversation_id is given.")
        first_line = (prompt.strip().splitlines() or [""])[0][:80]
        run_id = str(uuid.uuid4())
        fields = {
            "id": run_id,
            "tenant": caller.tenant,
            "title": (request.title or config.get("name") or first_line or skill or "Continued conversation")[:500],
            "prompt": prompt,
            "state": "PENDING" if environment_id else "QUEUED",
            "agent_config": config,
            "environment_id": environment_id,
            "model_id": config.get("model_id"),
            "execution_location": "REMOTE" if environment_id else "LOCAL",
            "labels": labels,
            "parent_run_id": parent,
            "conversation_id": conversation or run_id,  # a new conversation is named after its first run
            "mode": request.mode,
            "source": request.source,
            "creator": caller.tenant,
            "executor": request.agent_identity_uid or caller.tenant,
            "name": config.get("name"),
            "skill_spec": config.get("skill_spec"),
            "schedule_id": request.schedule_id,
            "agent_identity_uid": request.agent_identity_uid,
            "worker_host": config.get("worker_host"),
            "idle_timeout_minutes": config.get("idle_timeout_minutes"),
        }
        return await self.runs.create(**fields, related=_related_rows(ancestors, labels))

    async def _config(self, caller: Caller, request: RunRequest) -> dict[str, Any]:
        if not request.agent_identity_uid:
            return dict(request.config)
        if self.identity_defaults is None:
            raise ApiError(400, "agent_identity_uid names an agent, but this control plane has no agents.")
        defaults = await self.identity_defaults(caller, request.agent_identity_uid)
        return {**defaults, **request.config}

    async def _skill(self, caller: Caller, spec: str, config: dict[str, Any]) -> dict[str, Any]:
        if self.resolve_skill is None:
            raise ApiError(400, f"Skill {spec!r} cannot be run: this control plane lists no skills.")
        spec_id, name, base_prompt = await self.resolve_skill(caller, spec)
        extra: dict[str, Any] = {"name": config.get("name") or name, "skill_spec": spec_id}
        if base_prompt:
            extra["base_prompt"] = "\n\n".join(part for part in (base_prompt, config.get("base_prompt")) if part)
        return extra

    async def _lineage(self, caller: Caller, request: RunRequest) -> tuple[str | None, list[tuple[str, int]], dict]:
        """The parent, the ancestors with their depth, and the metadata merged with the parent's."""
        if not request.parent_run_id:
            return None, [], dict(request.labels)
        parent = await Run.get_or_none(id=request.parent_run_id)
        if parent is None or not (caller.is_admin or parent.tenant == caller.tenant):
            raise ApiError(400, f"parent_run_id {request.parent_run_id} names no run you can see.")
        above = await RunAncestor.filter(run_id=parent.id).values_list("ancestor_id", "depth")
        ancestors = [(parent.id, 1), *((str(ancestor), int(depth) + 1) for ancestor, depth in above)]
        if len(ancestors) > MAX_DEPTH:
            raise ApiError(400, f"parent_run_id: a run may have at most {MAX_DEPTH} ancestors.")
        return parent.id, ancestors, {**(parent.labels or {}), **request.labels}

    async def _conversation(self, caller: Caller, conversation_id: str | None) -> str | None:
        if not conversation_id:
            return None
        query = Run.filter(conversation_id=conversation_id)
        if not caller.is_admin:
            query = query.filter(tenant=caller.tenant)
        if not await query.exists():
            raise ApiError(400, f"conversation_id {conversation_id} names no conversation you can see.")
        return conversation_id


def _related_rows(ancestors: list[tuple[str, int]], labels: dict[str, str]) -> Callable[[str], Awaitable[None]]:
    async def write(run_id: str) -> None:
        if ancestors:
            await RunAncestor.bulk_create(
                [RunAncestor(run_id=run_id, ancestor_id=ancestor, depth=depth) for ancestor, depth in ancestors]
            )
        if labels:
            await RunLabel.bulk_create([RunLabel(run_id=run_id, key=key, value=value) for key, value in labels.items()])

    return write
