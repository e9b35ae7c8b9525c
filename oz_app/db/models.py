"""Tortoise ORM models. The schema changes only through migrations (see ``oz_app/db/migrations``)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "ERROR", "BLOCKED"})
RUN_STATES = frozenset({"QUEUED", "PENDING", "CLAIMED", "INPROGRESS"}) | TERMINAL_STATES


class Run(Model):
    """One execution of a prompt by an agent: in-process (LOCAL) or on a worker (REMOTE)."""

    id = fields.CharField(max_length=36, primary_key=True)
    tenant = fields.CharField(max_length=64, description="sha256 of the bearer token that created it")
    title = fields.CharField(max_length=500)
    prompt = fields.TextField()
    state = fields.CharField(max_length=16)
    agent_config: dict[str, Any] = fields.JSONField(default=dict)
    environment_id = fields.CharField(max_length=32, null=True)
    model_id = fields.CharField(max_length=200, null=True)
    status_message = fields.TextField(null=True)
    error_code = fields.CharField(max_length=64, null=True)
    retryable = fields.BooleanField(null=True)
    output = fields.TextField(default="")
    artifacts: list[dict[str, Any]] = fields.JSONField(default=list)
    session_link = fields.CharField(max_length=2000, null=True)
    execution_location = fields.CharField(max_length=8, default="LOCAL")
    provider = fields.CharField(max_length=100, null=True)
    provider_model = fields.CharField(max_length=200, null=True)
    attempts: list[dict[str, Any]] = fields.JSONField(default=list)
    claimed_by = fields.CharField(max_length=200, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "runs"
        indexes = (("tenant", "created_at"), ("state", "created_at"), ("created_at", "id"))

    def __str__(self) -> str:
        return f"Run {self.id} ({self.state})"


class Environment(Model):
    """Where a worker runs an agent: an image, repositories, setup commands and secrets."""

    id = fields.CharField(max_length=32, primary_key=True)
    tenant = fields.CharField(max_length=64, null=True, description="null for global environments")
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    docker_image = fields.CharField(max_length=500)
    repos: list[str] = fields.JSONField(default=list)
    setup_commands: list[str] = fields.JSONField(default=list)
    env_vars_sealed = fields.TextField(description="environment variables, encrypted with the secret key")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "environments"
        indexes = (("tenant", "updated_at"),)

    def __str__(self) -> str:
        return f"Environment {self.id} ({self.name})"


class ProviderRecord(Model):
    """A provider added at run time (Settings page, admin API); ``OZ_PROVIDER_<KEY>_*`` wins on a clash."""

    key = fields.CharField(max_length=40, primary_key=True)
    type = fields.CharField(max_length=100)
    model = fields.CharField(max_length=200, default="")
    base_url = fields.CharField(max_length=2000, default="")
    api_key_sealed = fields.TextField(default="")
    msg_limit = fields.IntField(default=0)
    window_seconds = fields.IntField(default=0)
    cli_cmd = fields.CharField(max_length=2000, default="")
    cli_args = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "providers"

    def __str__(self) -> str:
        return f"Provider {self.key} ({self.type})"
