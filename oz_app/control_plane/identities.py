"""Agents of the Oz API, ``/agent/identities`` (CP-12): the workspace's agents table, so an agent
made on the Agents page is usable from the SDK with its owner's personal token, and one made
through the SDK with a personal token shows on that user's Agents page.

Columns hold what both sides share (name, harness, model, environment, prompt); ``identity``
holds the other SDK settings the server honours (reasoning level, MCP servers, skills, worker
host, credential strategy); ``secrets_sealed`` holds the names of the agent's secrets, sealed
like environment variables. A secret is a variable of the agent's default environment: the
name must be one when it is attached, and its value stays in the environment, never shown here.
Settings the server cannot honour (memory stores, inference providers, runners, factories,
on-behalf-of, harness secrets, the CREATOR credential strategy) are refused with a 400 naming
the field, never stored and ignored.
"""

import re
import uuid
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from oz_app.control_plane import service, skills
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text, text_problem
from oz_app.control_plane.tokens import tenant_user
from oz_app.db.models import Agent, Environment, User
from oz_app.secrets import Vault

AgentUid = Annotated[Text, Path(max_length=32)]  # longer ids name no agent
FactoryUid = Annotated[Text | None, Query(max_length=200)]
AgentType = Literal["FOREMAN", "TRIAGE", "SPEC", "IMPLEMENT", "REVIEW", "VERIFY", "CUSTOM"]
# The SDK's harness types and the workspace's harness column.
HARNESS_COLUMN = {"oz": "default", "claude": "claude-code", "gemini": "gemini-cli", "codex": "codex"}
SDK_HARNESS = {column: sdk for sdk, column in HARNESS_COLUMN.items()}
BASE_HARNESSES = {**HARNESS_COLUMN, **{column: column for column in HARNESS_COLUMN.values()}, "custom": "custom"}

# A name an agent is mentioned by in a room (@name); the workspace checks it too.
AGENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HarnessIn(_Strict):
    type: Literal["oz", "claude", "gemini", "codex"] | None = None
    model_id: Text | None = Field(None, max_length=200)
    reasoning_level: Text | None = Field(None, max_length=32)


class SecretIn(_Strict):
    name: Text = Field(min_length=1, max_length=200)


class McpServerIn(_Strict):
    args: list[Annotated[Text, Field(max_length=2000)]] | None = Field(None, max_length=100)
    command: Text | None = Field(None, max_length=2000)
    env: dict[Annotated[Text, Field(max_length=200)], Annotated[Text, Field(max_length=32_768)]] | None = None
    headers: dict[Annotated[Text, Field(max_length=200)], Annotated[Text, Field(max_length=8192)]] | None = None
    url: Text | None = Field(None, max_length=2000)
    warp_id: Text | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_transport(self) -> Self:
        if sum(value is not None for value in (self.warp_id, self.command, self.url)) != 1:
            raise ValueError("an MCP server has exactly one of warp_id, command or url")
        return self


class MemoryStoreIn(_Strict):
    access: Literal["read_write", "read_only"]
    instructions: Text = Field(max_length=10_000)
    uid: Text = Field(max_length=200)


class AutoMemoryIn(_Strict):
    enabled: bool | None = None


class MemoryIn(_Strict):
    attached_stores: list[MemoryStoreIn] | None = None
    auto_memory: AutoMemoryIn | None = None


class HarnessAuthIn(_Strict):
    claude_auth_secret_name: Text | None = Field(None, max_length=200)
    codex_auth_secret_name: Text | None = Field(None, max_length=200)


class AwsIn(_Strict):
    disabled: bool | None = None
    region: Text | None = Field(None, max_length=100)
    role_arn: Text | None = Field(None, max_length=2000)


class InferenceIn(_Strict):
    aws: AwsIn | None = None


class AgentFields(_Strict):
    """``AgentUpdateParams``: a field left out or null stays as it is; an empty one is cleared."""

    name: Text | None = Field(None, max_length=64)
    agent_type: AgentType | None = None
    base_harness: Text | None = Field(None, max_length=64)
    base_model: Text | None = Field(None, max_length=200)
    credential_strategy: Literal["CREATOR", "EXECUTOR"] | None = None
    default_runner_uid: Text | None = Field(None, max_length=200)
    description: Text | None = Field(None, max_length=10_000)
    environment_id: Text | None = Field(None, max_length=32)
    harness: HarnessIn | None = None
    harness_auth_secrets: HarnessAuthIn | None = None
    inference_providers: InferenceIn | None = None
    mcp_servers: dict[Annotated[Text, Field(min_length=1, max_length=100)], McpServerIn] | None = Field(
        None, max_length=50
    )
    memory: MemoryIn | None = None
    on_behalf_of_enabled: bool | None = None
    prompt: Text | None = Field(None, max_length=100_000)
    secrets: list[SecretIn] | None = Field(None, max_length=100)
    skills: list[Annotated[Text, Field(min_length=1, max_length=1000)]] | None = Field(None, max_length=50)
    worker_host: Text | None = Field(None, max_length=200)


class AgentCreate(AgentFields):
    """``AgentCreateParams``."""

    name: Text = Field(max_length=64)
    factory_uid: Text | None = Field(None, max_length=200)


def _given(value: BaseModel | None) -> bool:
    """Whether a settings object holds anything: ``{}`` and all-null objects are "not set"."""
    return value is not None and bool(value.model_dump(exclude_none=True))


def refuse_unsupported(body: AgentFields) -> None:
    """A 400 naming the first setting this server cannot honour; empty values pass."""
    memory = body.memory or MemoryIn()
    refusals = {
        "default_runner_uid": bool(body.default_runner_uid)
        and "this server has no runners; choose a worker with worker_host",
        "factory_uid": bool(getattr(body, "factory_uid", None)) and "this server has no factories",
        "inference_providers": _given(body.inference_providers)
        and "this server calls the providers it is configured with (OZ_PROVIDER_*), not Bedrock",
        "harness_auth_secrets": _given(body.harness_auth_secrets)
        and "put the harness's key in a variable of the agent's environment instead",
        "memory": bool(memory.attached_stores or (memory.auto_memory and memory.auto_memory.enabled))
        and "this server has no memory stores",
        "on_behalf_of_enabled": bool(body.on_behalf_of_enabled) and "this server has no agent API keys",
        "credential_strategy": body.credential_strategy == "CREATOR"
        and "this server mints no credentials for a run's creator; runs use their environment's variables",
    }
    for name, server in (body.mcp_servers or {}).items():
        refusals[f"mcp_servers.{name}.warp_id"] = bool(server.warp_id) and "give the server's command or url"
    for field_name, reason in refusals.items():
        if reason:
            raise ApiError(400, f"{field_name} is not supported: {reason}.")


def new_uid() -> str:
    return uuid.uuid4().hex


def visible_agents(caller: Caller) -> QuerySet[Agent]:
    """The agents the caller may see: its tenant's (and, for a personal token, its user's); all for the admin."""
    if caller.is_admin:
        return Agent.all()
    mine = Q(tenant=caller.tenant)
    if (user_id := tenant_user(caller.tenant)) is not None:
        mine |= Q(owner_id=user_id)
    return Agent.filter(mine)


async def visible_agent(caller: Caller, uid: str) -> Agent:
    """The caller's agent ``uid``, else 404 (another tenant's answers the same)."""
    agent = None
    if len(uid) <= 32 and text_problem(uid) is None:
        agent = await visible_agents(caller).get_or_none(id=uid)
    if agent is None:
        raise ApiError(404, f"Agent {uid} was not found.")
    return agent


async def identity_defaults(caller: Caller, uid: str) -> dict[str, Any]:
    """The run config defaults of the agent ``uid`` (a run's own config wins over each), or
    ApiError 400 for an id that is no id, 404 for an agent the caller may not use."""
    if not isinstance(uid, str) or not uid or len(uid) > 32 or text_problem(uid) is not None:
        raise ApiError(400, "agent_identity_uid is not an agent id.")
    agent = await visible_agent(caller, uid)
    identity = agent.identity or {}
    defaults: dict[str, Any] = {}
    if agent.environment_id:
        defaults["environment_id"] = agent.environment_id
    if agent.model:
        defaults["model_id"] = agent.model
    if agent.system_prompt:
        defaults["base_prompt"] = agent.system_prompt
    if agent.provider:
        defaults["provider"] = agent.provider
    if agent.harness != "default":
        harness = {"type": SDK_HARNESS.get(agent.harness, agent.harness)}
        if identity.get("reasoning_level"):
            harness["reasoning_level"] = identity["reasoning_level"]
        defaults["harness"] = harness
    for key in ("mcp_servers", "skills", "worker_host", "credential_strategy"):
        if identity.get(key):
            defaults[key] = identity[key]
    return defaults


def agent_view(agent: Agent, secret_names: list[str]) -> dict[str, Any]:
    """The SDK's ``AgentResponse``; never a secret's value."""
    identity = agent.identity or {}
    sdk_type = SDK_HARNESS.get(agent.harness)
    third_party = sdk_type not in (None, "oz")
    harness = None
    if sdk_type is not None:
        harness = {"type": sdk_type, "model_id": (agent.model or None) if third_party else None}
        harness["reasoning_level"] = identity.get("reasoning_level")
    return {
        "uid": agent.id,
        "name": agent.name,
        "available": True,
        "created_at": agent.created_at.isoformat(),
        "updated_at": (agent.updated_at or agent.created_at).isoformat(),
        "agent_type": agent.agent_type or "CUSTOM",
        "description": agent.description or None,
        "prompt": agent.system_prompt or None,
        "base_model": None if third_party else (agent.model or None),
        "base_harness": None if sdk_type == "oz" else (sdk_type or agent.harness),
        "harness": harness,
        "environment_id": agent.environment_id,
        "secrets": [{"name": name} for name in secret_names],
        "skills": list(identity.get("skills") or []),
        "mcp_servers": identity.get("mcp_servers") or None,
        "worker_host": identity.get("worker_host") or None,
        "credential_strategy": identity.get("credential_strategy"),
        "default_runner_uid": "",
        "factory_uid": None,
        "on_behalf_of_enabled": False,
        "memory": {"attached_stores": [], "auto_memory": {"enabled": False}},
        "harness_auth_secrets": None,
        "inference_providers": None,
    }


def _set_or_clear(identity: dict[str, Any], key: str, value: Any) -> None:
    if value:
        identity[key] = value
    else:
        identity.pop(key, None)


def secret_names(vault: Vault, agent: Agent) -> list[str]:
    return list(vault.open(agent.secrets_sealed)) if agent.secrets_sealed else []


async def apply(agent: Agent, body: AgentFields, caller: Caller, vault: Vault) -> None:
    """Change ``agent`` (not yet saved) as ``body`` asks, or raise ApiError having changed nothing stored."""
    refuse_unsupported(body)
    identity = dict(agent.identity or {})
    if body.name is not None:
        agent.name = await _checked_name(agent, body.name)
    if body.agent_type is not None:
        agent.agent_type = body.agent_type
    if body.description is not None:
        agent.description = body.description
    if body.prompt is not None:
        agent.system_prompt = body.prompt
    if body.environment_id is not None:
        agent.environment_id = await _usable_environment(caller, body.environment_id.strip())
    _apply_harness(agent, identity, body)
    if body.worker_host is not None:
        _set_or_clear(identity, "worker_host", body.worker_host.strip())
    if body.mcp_servers is not None:
        servers = {name: server.model_dump(exclude_none=True) for name, server in body.mcp_servers.items()}
        _set_or_clear(identity, "mcp_servers", servers)
    if body.skills is not None:
        found = [(await skills.find_skill(caller, spec)).id for spec in body.skills]
        _set_or_clear(identity, "skills", list(dict.fromkeys(found)))
    if body.credential_strategy is not None:
        identity["credential_strategy"] = body.credential_strategy
    agent.identity = identity
    if body.secrets is not None or body.environment_id is not None:
        names = secret_names(vault, agent) if body.secrets is None else _unique([s.name for s in body.secrets])
        await _check_secrets(vault, names, agent.environment_id)
        agent.secrets_sealed = vault.seal(names) if names else ""


async def _checked_name(agent: Agent, name: str) -> str:
    """A name unique (in any case) among the agents of the agent's tenant and owner; 409 on a clash."""
    name = name.strip()
    if not name:
        raise ApiError(400, "name cannot be empty.")
    owner_id = agent.owner_id  # type: ignore[attr-defined]
    if owner_id and not AGENT_NAME.match(name):
        raise ApiError(400, "name: a workspace agent's name starts with a letter; then letters, digits, _ or -.")
    scope = Q(tenant=agent.tenant) | Q(owner_id=owner_id) if owner_id else Q(tenant=agent.tenant)
    clash = await Agent.filter(scope, name__iexact=name).exclude(id=agent.id).first()
    if clash is not None:
        raise ApiError(409, f"An agent named {clash.name!r} already exists ({clash.id}); choose another name.")
    return name


async def _usable_environment(caller: Caller, environment_id: str) -> str | None:
    if not environment_id:
        return None
    environment = await Environment.get_or_none(id=environment_id)
    if environment is None or not caller.can_see(environment.tenant):
        raise ApiError(400, f"environment_id: there is no environment {environment_id} you can use.")
    return environment_id


def _apply_harness(agent: Agent, identity: dict[str, Any], body: AgentFields) -> None:
    """``harness`` (or the older ``base_harness``) and the model: ``base_model`` for oz,
    ``harness.model_id`` for claude, gemini and codex; a new harness drops the old one's model."""
    column = None
    if body.base_harness is not None:
        column = BASE_HARNESSES.get(body.base_harness.strip().lower() or "oz")
        if column is None:
            raise ApiError(400, f"base_harness {body.base_harness!r} is no harness: use oz, claude, gemini or codex.")
    if body.harness is not None:
        chosen = HARNESS_COLUMN[body.harness.type or "oz"]
        if column is not None and (body.base_harness or "").strip() and column != chosen:
            raise ApiError(400, "base_harness conflicts with harness.type; send harness alone.")
        column = chosen
    final = column or agent.harness
    third_party = final in SDK_HARNESS and final != "default"
    model = None
    if body.harness is not None and body.harness.model_id:
        if not third_party:
            raise ApiError(400, "harness.model_id is for the claude, gemini and codex harnesses; use base_model.")
        model = body.harness.model_id
    if body.base_model:
        if third_party:
            raise ApiError(400, f"base_model must be empty with the {SDK_HARNESS[final]} harness: use harness.model_id")
        model = body.base_model
    elif body.base_model == "" and model is None:
        model = ""
    if model is None and column is not None and column != agent.harness:
        model = ""  # the model chosen before belonged to the other harness
    if column is not None:
        agent.harness = column
    if model is not None:
        agent.model = model.strip()
    if body.harness is not None:
        _set_or_clear(identity, "reasoning_level", (body.harness.reasoning_level or "").strip())


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ApiError(400, f"secrets: {name} is named twice.")
        seen.add(name)
    return names


async def _check_secrets(vault: Vault, names: list[str], environment_id: str | None) -> None:
    """An agent's secrets are variables of its default environment (their values stay there)."""
    if not names:
        return
    environment = await Environment.get_or_none(id=environment_id) if environment_id else None
    if environment is None:
        raise ApiError(400, "secrets: an agent's secrets are variables of its environment; set environment_id.")
    variables = vault.open(environment.env_vars_sealed)
    for name in names:
        if name not in variables:
            raise ApiError(400, f"secrets: {name} is not a variable of the environment {environment.id}; add it there.")


async def _owner_of(caller: Caller) -> str | None:
    """A personal token's user owns what it creates, so it shows on their Agents page."""
    user_id = tenant_user(caller.tenant)
    if user_id is None:
        return None
    user = await User.get_or_none(id=user_id)
    return user.id if user else None


# What an update writes: never ``status``, which the workspace writes as replies run.
SAVED_FIELDS = [
    "name", "agent_type", "description", "system_prompt", "environment_id", "harness", "model", "identity",
    "secrets_sealed", "updated_at",
]  # fmt: skip


def build_router(auth: Any, vault: Vault) -> APIRouter:
    """``/agent/identities``: create, list, retrieve, update and delete agents."""
    router = APIRouter(prefix="/agent/identities", tags=["agents"])
    CallerDep = Annotated[Caller, Depends(auth)]

    def view(agent: Agent) -> dict[str, Any]:
        return agent_view(agent, secret_names(vault, agent))

    @router.post("", status_code=201, summary="Create an agent")
    async def create(body: AgentCreate, caller: CallerDep) -> dict[str, Any]:
        stamp = service.now()
        owner_id = await _owner_of(caller)
        agent = Agent(id=new_uid(), owner_id=owner_id, tenant=caller.tenant, name="")
        agent.created_at = agent.updated_at = stamp
        await apply(agent, body, caller, vault)
        await agent.save(force_create=True)
        return view(agent)

    @router.get("", summary="List your agents")
    async def listed(caller: CallerDep, factory_uid: FactoryUid = None) -> dict[str, Any]:
        """``factory_uid`` is accepted and ignored, as the SDK says of servers without factories."""
        agents = await visible_agents(caller).order_by("name", "id")
        return {"agents": [view(agent) for agent in agents]}

    @router.get("/{uid}", summary="Get an agent")
    async def get(uid: AgentUid, caller: CallerDep) -> dict[str, Any]:
        return view(await visible_agent(caller, uid))

    @router.put("/{uid}", summary="Change an agent (a field left out or null stays; an empty one is cleared)")
    async def update(uid: AgentUid, body: AgentFields, caller: CallerDep) -> dict[str, Any]:
        agent = await visible_agent(caller, uid)
        await apply(agent, body, caller, vault)
        agent.updated_at = service.now()
        await agent.save(update_fields=SAVED_FIELDS)
        return view(agent)

    @router.delete("/{uid}", status_code=204, summary="Delete an agent")
    async def delete(uid: AgentUid, caller: CallerDep) -> Response:
        agent = await visible_agent(caller, uid)
        await agent.delete()
        return Response(status_code=204)

    return router
