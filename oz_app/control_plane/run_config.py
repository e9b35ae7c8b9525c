"""What a run may be asked to do: the SDK's ``AmbientAgentConfig`` and run metadata, validated (CP-11).

Every field of ``AmbientAgentConfig`` is either honoured or refused with a 400 that names it; none
is stored and ignored. The README's "Run config" table says what each one does here.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, field_validator, model_validator

from oz_app.control_plane.http import ApiError
from oz_app.control_plane.inputs import Text, text_problem

MAX_LABELS = 20
MAX_LABEL_FILTERS = 5
LABEL_KEY = re.compile(r"[a-zA-Z0-9._-]{1,64}")
MODES = ("normal", "plan", "orchestrate")
HARNESS_TYPES = ("oz", "claude", "gemini", "codex")
MAX_IDLE_MINUTES = 60
OptionValue = Annotated[Text, Field(max_length=1000)] | StrictBool | StrictInt | StrictFloat

# Fields of AmbientAgentConfig this server cannot honour, and why (the 400 says so).
REFUSED = {
    "harness_auth_secrets": "managed secrets do not exist here; put the key in the environment's env_vars",
    "session_sharing": "runs have no shared sessions here; share a room from the workspace instead",
    "memory_stores": "memory stores do not exist here",
    "inference_providers": "inference goes through the providers configured on this server",
    "runner_id": "runners do not exist here; pin a run to a worker with worker_host",
}


class Harness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["oz", "claude", "gemini", "codex"] | None = None
    model_id: Text | None = Field(None, max_length=200)
    reasoning_level: Text | None = Field(None, max_length=32)


class McpServer(BaseModel):
    """One MCP server: exactly one of ``command`` (stdio) or ``url`` (SSE/HTTP)."""

    model_config = ConfigDict(extra="forbid")
    command: Text | None = Field(None, max_length=2000)
    args: list[Annotated[Text, Field(max_length=2000)]] | None = Field(None, max_length=100)
    env: dict[Annotated[str, Field(max_length=200)], Annotated[Text, Field(max_length=10_000)]] | None = None
    url: Text | None = Field(None, max_length=2000)
    headers: dict[Annotated[str, Field(max_length=200)], Annotated[Text, Field(max_length=10_000)]] | None = None
    warp_id: Text | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _one_transport(self) -> McpServer:
        if self.warp_id is not None:
            raise ValueError("warp_id names a Warp-hosted MCP server, which does not exist here; give command or url")
        if (self.command is None) == (self.url is None):
            raise ValueError("give exactly one of command or url")
        if self.url is not None and not re.match(r"^https?://\S+$", self.url):
            raise ValueError("url must start with http:// or https://")
        return self


class RunConfig(BaseModel):
    """The SDK's ``AmbientAgentConfig`` as this server honours it."""

    model_config = ConfigDict(extra="forbid")
    environment_id: Text | None = Field(None, max_length=32)
    model_id: Text | None = Field(None, max_length=200)
    name: Text | None = Field(None, max_length=500)
    base_prompt: Text | None = Field(None, max_length=100_000)
    harness: Harness | None = None
    mcp_servers: dict[Annotated[str, Field(max_length=100)], McpServer] | None = Field(None, max_length=20)
    skill_spec: Text | None = Field(None, max_length=1000)
    skills: list[Annotated[Text, Field(max_length=1000)]] | None = Field(None, max_length=20)
    worker_host: Text | None = Field(None, max_length=200)
    idle_timeout_minutes: int | None = Field(None, ge=1, le=MAX_IDLE_MINUTES)
    computer_use_enabled: bool | None = None
    credential_strategy: Literal["CREATOR", "EXECUTOR"] | None = None
    # oz's own: the key of the configured provider that answers (an agent's choice, UX-7)
    provider: Text | None = Field(None, max_length=40, pattern=r"^[a-z0-9]{1,40}$")
    # oz's own (PR-8): options for the provider, checked against its type's when the run executes
    options: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")], OptionValue] | None = Field(
        None, max_length=20
    )

    @field_validator("computer_use_enabled")
    @classmethod
    def _no_computer_use(cls, value: bool | None) -> bool | None:
        if value:
            raise ValueError("computer use is not available here; leave it out or send false")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RunConfig:
        if self.skill_spec and self.skills and self.skill_spec != self.skills[0]:
            raise ValueError("give skill_spec or skills, not both")  # a config read back has both, alike
        if self.worker_host == "warp":  # the SDK's word for "no self-hosted worker"
            self.worker_host = None
        if self.worker_host and not self.environment_id:
            raise ValueError("worker_host pins a run to a worker, which needs environment_id")
        return self


def parse_config(raw: Any) -> dict[str, Any]:
    """A run's ``config`` as stored: validated, refused fields named, unset fields left out."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApiError(422, "Invalid request: config must be an object.")
    for name, reason in REFUSED.items():
        if raw.get(name) not in (None, {}, []):
            raise ApiError(400, f"config.{name} is not supported: {reason}.")
    known = {name: value for name, value in raw.items() if name not in REFUSED}
    try:
        config = RunConfig.model_validate(known)
    except ValueError as exc:
        raise ApiError(422, _first_error(exc, "config")) from None
    stored = config.model_dump(exclude_none=True)
    if stored.get("skills") and not stored.get("skill_spec"):
        stored["skill_spec"] = stored["skills"][0]  # responses carry the first skill here (SDK)
    return stored


def _first_error(exc: ValueError, prefix: str) -> str:
    errors: list[dict[str, Any]] = list(getattr(exc, "errors", lambda: [])())
    if not errors:
        return f"Invalid request: {prefix}: {exc}."
    error = errors[0]
    where = ".".join(str(part) for part in (prefix, *error.get("loc", ())))
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "is not a field this API knows"
    return f"Invalid request: {where}: {message}."


def parse_labels(raw: Any, what: str = "metadata") -> dict[str, str]:
    """Run metadata as the SDK documents it: at most 20 keys of 1-64 bytes from [a-zA-Z0-9._-],
    values of at most 256 bytes of text (no NUL, nor other control characters but tab and line breaks)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApiError(400, f"{what} must be an object of text keys and values.")
    if len(raw) > MAX_LABELS:
        raise ApiError(400, f"{what} has {len(raw)} keys; at most {MAX_LABELS} are allowed.")
    for key, value in raw.items():
        check_label(key, value, what)
    return dict(raw)


def check_label(key: Any, value: Any, what: str = "metadata") -> None:
    if not isinstance(key, str) or not LABEL_KEY.fullmatch(key):
        raise ApiError(400, f"{what} key {str(key)[:80]!r} must be 1-64 characters from a-z, A-Z, 0-9, '.', '_', '-'.")
    if not isinstance(value, str):
        raise ApiError(400, f"{what}[{key}] must be text.")
    if len(value.encode("utf-8", "surrogatepass")) > 256:
        raise ApiError(400, f"{what}[{key}] is longer than 256 bytes.")
    if (problem := text_problem(value)) is not None:
        raise ApiError(400, f"{what}[{key}] {problem}.")
