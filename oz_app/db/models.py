"""Tortoise ORM models. The schema changes only through migrations (see ``oz_app/db/migrations``)."""

from __future__ import annotations

from typing import Any

from tortoise import fields, models

TERMINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "ERROR", "BLOCKED"})
RUN_STATES = frozenset({"QUEUED", "PENDING", "CLAIMED", "INPROGRESS"}) | TERMINAL_STATES


class _ModelMeta(models.ModelMeta):
    """Tortoise reads every model's source for ``#:`` field comments, which these models do not
    use; on Python 3.11 that parses this whole module once per model, 0.2 s of each start."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> models.ModelMeta:
        attrs.setdefault("_no_comments", True)
        return super().__new__(mcs, name, bases, attrs)


class Model(models.Model, metaclass=_ModelMeta):
    """Tortoise's model, without the source reading at import."""

    class Meta:
        abstract = True


# Columns of runs a tenant's list is often narrowed by (see Run.Meta.indexes).
FILTERED_COLUMNS = ("state", "model_id", "environment_id", "name", "schedule_id", "skill_spec")


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
    # What the SDK's RunItem shows and RunListParams filters on (CP-11).
    labels: dict[str, str] = fields.JSONField(default=dict, description="the run's metadata, immutable")
    parent_run_id = fields.CharField(max_length=36, null=True)
    conversation_id = fields.CharField(max_length=36, null=True)
    mode = fields.CharField(max_length=16, default="normal")
    source = fields.CharField(max_length=24, default="API")
    creator = fields.CharField(max_length=64, null=True)
    executor = fields.CharField(max_length=64, null=True)
    name = fields.CharField(max_length=500, null=True)
    skill_spec = fields.CharField(max_length=1000, null=True)
    schedule_id = fields.CharField(max_length=32, null=True)
    agent_identity_uid = fields.CharField(max_length=32, null=True)
    worker_host = fields.CharField(max_length=200, null=True)
    idle_timeout_minutes = fields.IntField(null=True)
    input_tokens = fields.BigIntField(null=True, description="tokens the providers read, over its executions (PR-8)")
    output_tokens = fields.BigIntField(null=True, description="tokens the providers wrote, over its executions")
    turns: list[dict[str, Any]] | None = fields.JSONField(null=True, description="follow-up messages, in order")
    followups_waiting = fields.IntField(default=0, description="follow-ups sent while it executed")

    class Meta:
        table = "runs"
        # A tenant's list is ordered by (created_at, id): the index gives that order, no sort.
        # A filter of a tenant's list that matches few runs reads only those with (tenant, X, created_at, id).
        indexes = (
            ("tenant", "created_at", "id"),
            ("state", "created_at"),
            ("created_at", "id"),
            ("tenant", "updated_at", "id"),
            ("conversation_id",),
            *(("tenant", column, "created_at", "id") for column in FILTERED_COLUMNS),
        )

    def __str__(self) -> str:
        return f"Run {self.id} ({self.state})"


class RunAncestor(Model):
    """``ancestor_id`` is the run's parent, or its parent's parent, and so on (CP-11): written
    once when the run is created, so a PRD's or an orchestration's whole tree is one lookup."""

    id = fields.BigIntField(primary_key=True)
    run_id = fields.CharField(max_length=36)
    ancestor_id = fields.CharField(max_length=36)
    depth = fields.IntField(description="1 for the parent")

    class Meta:
        table = "run_ancestors"
        unique_together = (("ancestor_id", "run_id"),)


class RunLabel(Model):
    """One metadata pair of a run, for ``metadata[key]=value`` filters (the run keeps them too)."""

    id = fields.BigIntField(primary_key=True)
    run_id = fields.CharField(max_length=36)
    key = fields.CharField(max_length=64)
    value = fields.CharField(max_length=256)

    class Meta:
        table = "run_labels"
        unique_together = (("key", "value", "run_id"),)


class StoredFile(Model):
    """Bytes the API serves through signed links: artifact files, screenshots, handoff attachments."""

    id = fields.CharField(max_length=36, primary_key=True)
    tenant = fields.CharField(max_length=64, null=True)
    run_id = fields.CharField(max_length=36, null=True)
    purpose = fields.CharField(max_length=16, description="artifact, handoff or attachment")
    filename = fields.CharField(max_length=500)
    mime_type = fields.CharField(max_length=200, default="application/octet-stream")
    size_bytes = fields.BigIntField(default=0)
    data = fields.BinaryField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "stored_files"
        indexes = (("run_id", "purpose"),)


class Schedule(Model):
    """A scheduled agent (CP-6): a cron expression and the run it creates at each tick."""

    id = fields.CharField(max_length=32, primary_key=True)
    tenant = fields.CharField(max_length=64)
    name = fields.CharField(max_length=500)
    cron_schedule = fields.CharField(max_length=200)
    enabled = fields.BooleanField(default=True)
    prompt = fields.TextField(default="")
    title = fields.CharField(max_length=500, default="")
    agent_config: dict[str, Any] = fields.JSONField(default=dict)
    agent_uid = fields.CharField(max_length=32, null=True)
    labels: dict[str, str] = fields.JSONField(default=dict)
    mode = fields.CharField(max_length=16, default="normal")
    next_run_at = fields.DatetimeField(null=True)
    last_ran_at = fields.DatetimeField(null=True)
    last_spawn_error = fields.TextField(null=True)
    created_by = fields.CharField(max_length=64, null=True)
    updated_by = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "schedules"
        indexes = (("enabled", "next_run_at"), ("tenant", "created_at"))


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


class ProviderFields(Model):
    """What every stored provider has: its type, endpoint, sealed key and quota."""

    key = fields.CharField(max_length=40)
    type = fields.CharField(max_length=100)
    model = fields.CharField(max_length=200, default="")
    base_url = fields.CharField(max_length=2000, default="")
    api_key_sealed = fields.TextField(default="")
    msg_limit = fields.IntField(default=0)
    window_seconds = fields.IntField(default=0)
    settings: dict[str, Any] = fields.JSONField(
        default=dict, description="its type's own settings, by name (PL-5); secret ones are in settings_sealed"
    )
    settings_sealed = fields.TextField(default="", description="its type's secret settings, as sealed JSON")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        abstract = True


class ProviderRecord(ProviderFields):
    """A team provider added at run time (Settings page, admin API); ``OZ_PROVIDER_<KEY>_*`` wins on a clash."""

    key = fields.CharField(max_length=40, primary_key=True)

    class Meta:
        table = "providers"

    def __str__(self) -> str:
        return f"Provider {self.key} ({self.type})"


class PersonalProvider(ProviderFields):
    """A provider one user added for their own runs only (SEC-2); it wins over a team one of the same key."""

    id = fields.CharField(max_length=32, primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", on_delete=fields.CASCADE)

    class Meta:
        table = "personal_providers"
        unique_together = (("owner", "key"),)


class QuotaUse(Model):
    """One provider call counted against a tenant's rolling-window quota (PR-3).

    Only calls still inside their window are kept: older ones are deleted as the next is counted.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=100, description="the provider's quota key")
    tenant = fields.CharField(max_length=64)
    at = fields.DatetimeField()

    class Meta:
        table = "quota_uses"
        indexes = (("tenant", "key", "at"),)


class ProviderSaturation(Model):
    """A provider that answered 429: refused for every tenant until ``until`` (PR-3)."""

    key = fields.CharField(max_length=100, primary_key=True, description="the provider's quota key")
    until = fields.DatetimeField()

    class Meta:
        table = "provider_saturations"


# The workspace (WS-*): people, their agents and rooms, and what happens in a room.


class User(Model):
    """Someone who signs in to the workspace; in desktop mode, the one local user."""

    id = fields.CharField(max_length=32, primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=300, default="", description="scrypt; empty: cannot log in")
    role = fields.CharField(max_length=8, default="member", description="admin or member")
    disabled = fields.BooleanField(default=False)
    theme = fields.CharField(max_length=8, default="auto", description="auto (the system's), light or dark")
    notify = fields.BooleanField(default=False, description="browser notifications for mentions and finished runs")
    created_at = fields.DatetimeField()

    class Meta:
        table = "users"


class Session(Model):
    """A signed-in browser (SEC-5); deleting the row signs it out at once."""

    id = fields.CharField(max_length=64, primary_key=True, description="sha256 of the token the browser holds")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "sessions"


class Invite(Model):
    """A one-use sign-up link an admin made (SEC-1)."""

    id = fields.CharField(max_length=64, primary_key=True, description="sha256 of the link's token")
    role = fields.CharField(max_length=8, default="member")
    created_by = fields.CharField(max_length=32)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_by = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "invites"


class ApiToken(Model):
    """A bearer token for the API (SEC-4): a user's personal token, or (no user) a tenant
    token the admin issued. Only its sha256 is stored."""

    id = fields.CharField(max_length=32, primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", on_delete=fields.CASCADE, null=True
    )
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"


class LoginAttempt(Model):
    """One log-in attempt, counted before the password is checked (SEC-6)."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200, description="user:<name> or addr:<client address>")
    at = fields.DatetimeField()

    class Meta:
        table = "login_attempts"
        indexes = (("key", "at"),)


class Agent(Model):
    """An AI agent: a workspace user's (``owner``) or an API tenant's identity (CP-12); one table,
    so an agent made in the UI is usable from the SDK and the other way round. Every reply it
    gives is a run of the control plane."""

    id = fields.CharField(max_length=32, primary_key=True)
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", on_delete=fields.CASCADE, null=True
    )
    tenant = fields.CharField(max_length=64, null=True)
    agent_type = fields.CharField(max_length=16, default="CUSTOM")
    description = fields.TextField(default="")
    identity: dict[str, Any] = fields.JSONField(default=dict, description="the SDK's agent settings")
    secrets_sealed = fields.TextField(default="")
    updated_at = fields.DatetimeField(null=True)
    name = fields.CharField(max_length=64)
    color = fields.CharField(max_length=32, default="#5c6bc0")
    icon = fields.CharField(max_length=64, default="smart_toy")
    harness = fields.CharField(max_length=64, default="default")
    model = fields.CharField(max_length=200, default="")
    environment_id = fields.CharField(max_length=32, null=True)
    system_prompt = fields.TextField(default="")
    repository = fields.CharField(max_length=2000, default="")
    status = fields.CharField(max_length=16, default="idle", description="idle, running or error")
    provider = fields.CharField(max_length=64, default="", description="the provider key; empty: the harness's")
    created_at = fields.DatetimeField()

    class Meta:
        table = "agents"
        unique_together = (("owner", "name"),)


class Room(Model):
    """A conversation between people and agents, with its board and artifacts."""

    id = fields.CharField(max_length=32, primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    paused = fields.BooleanField(default=False)
    share_token = fields.CharField(max_length=64, null=True, unique=True)
    work_limit = fields.IntField(default=2, description="work items its agents work on at once (WS-12)")
    review_rounds = fields.IntField(default=3, description="reviews asking for changes before a person decides")
    members: fields.ManyToManyRelation[Agent] = fields.ManyToManyField(
        "models.Agent", related_name="rooms", through="room_members"
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "rooms"


class Message(Model):
    """One chat message. An agent's reply is one run (ST-1): what it says and how it stands are
    read from the run (``run_id``). Its own ``state`` is the conductor's: ``queued`` (waiting for
    the agent or the room, no run yet), ``streaming`` (its run is under way), then ``done``,
    ``failed`` or ``cancelled`` once what it asks of other agents has been dispatched. ``content``
    is a person's or the system's text, or the reply's text when its run lives on another
    control plane (remote runner mode)."""

    id = fields.BigIntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    author_kind = fields.CharField(max_length=8, description="user, agent or system")
    author_name = fields.CharField(max_length=64)
    agent_id = fields.CharField(max_length=32, null=True)
    content = fields.TextField(default="")
    state = fields.CharField(
        max_length=16, default="done", description="done, streaming, failed, cancelled"
    )  # and queued
    run_id = fields.CharField(max_length=36, null=True)
    depth = fields.IntField(default=0, description="0 for people; an agent answering an agent is one deeper")
    asked_by = fields.BigIntField(null=True, description="the message whose mention asked for this reply")
    gather_id = fields.CharField(max_length=32, null=True, description="the gathering this reply answers")
    extra = fields.TextField(default="", description="what the reply's prompt adds (the answers gathered)")
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True, description="when its author last changed it")

    class Meta:
        table = "messages"
        indexes = (("room", "id"), ("state", "room", "agent_id"))


class Gather(Model):
    """An agent asked several agents at once (WS-5): their replies carry this id; when the last
    has ended, their answers go back to ``lead`` once (``delivered``)."""

    id = fields.CharField(max_length=32, primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    lead_id = fields.CharField(max_length=32, description="the agent that asked")
    depth = fields.IntField()
    delivered = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "gathers"


class Task(Model):
    """A card on a room's kanban board."""

    id = fields.CharField(max_length=32, primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=500)
    description = fields.TextField(default="")
    status = fields.CharField(max_length=16, default="backlog", description="backlog, in_progress or done")
    priority = fields.CharField(max_length=8, default="medium", description="low, medium or high")
    assignee_id = fields.CharField(max_length=32, null=True, description="an agent id")
    position = fields.IntField(default=0)
    run_id = fields.CharField(max_length=36, null=True, description="the assignee's run working on it")
    item_id = fields.CharField(max_length=32, null=True, description="the PRD work item it shows (WS-12)")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "tasks"
        indexes = (("run_id",),)


class RoomReader(Model):
    """A person's place in a room: the newest message they have seen (unread counts) and what
    they had typed but not sent (the draft)."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", on_delete=fields.CASCADE)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    last_read = fields.BigIntField(default=0, description="the newest message id seen")
    draft = fields.TextField(default="")

    class Meta:
        table = "room_readers"
        unique_together = (("user", "room"),)


class Artifact(Model):
    """A plan, pull request, file, screenshot or reference a run or a room produced (CP-13)."""

    id = fields.CharField(max_length=36, primary_key=True)
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "models.Room", on_delete=fields.CASCADE, null=True
    )
    tenant = fields.CharField(max_length=64, null=True)
    artifact_type = fields.CharField(max_length=24, default="")
    data: dict[str, Any] = fields.JSONField(default=dict)
    file_id = fields.CharField(max_length=36, null=True)
    public = fields.BooleanField(default=False)
    kind = fields.CharField(max_length=16, description="plan, pull_request or document")
    title = fields.CharField(max_length=500)
    url = fields.CharField(max_length=2000, default="")
    content = fields.TextField(default="")
    run_id = fields.CharField(max_length=36, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "artifacts"
        indexes = (("run_id", "artifact_type"), ("artifact_type", "run_id"))


class Notification(Model):
    """An inbox entry for a user, usually sent by an agent."""

    id = fields.CharField(max_length=32, primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", on_delete=fields.CASCADE)
    room_id = fields.CharField(max_length=32, null=True)
    title = fields.CharField(max_length=500)
    body = fields.TextField(default="")
    read = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "notifications"
        indexes = (("owner", "read"),)


class Prd(Model):
    """A product requirement written in a room (WS-12): a planning agent decomposes it into epics
    and work items; once a person approves the plan, agents implement and review the items.

    ``state``: ``planning`` (the planner's run is ``plan_run_id``), ``planned`` (the plan waits for
    a person to edit and approve it), ``plan_failed`` (``plan_error`` says why; plan again or write
    the items by hand), ``running``, ``paused``, ``done`` or ``cancelled``. ``root_run_id`` is the
    first planning run: every run made for the PRD descends from it."""

    id = fields.CharField(max_length=32, primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=500)
    text = fields.TextField(description="the PRD, Markdown")
    state = fields.CharField(max_length=16, default="planning")
    planner_id = fields.CharField(max_length=32, null=True, description="the SPEC agent that plans it")
    plan_run_id = fields.CharField(max_length=36, null=True, description="the planning run under way or last")
    root_run_id = fields.CharField(max_length=36, null=True)
    plan_attempts = fields.IntField(default=0)
    plan_error = fields.TextField(default="")
    created_by = fields.CharField(max_length=32, null=True, description="the user who wrote it")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    approved_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "prds"
        indexes = (("room", "state"), ("state",))


class Epic(Model):
    """A group of a PRD's work items."""

    id = fields.CharField(max_length=32, primary_key=True)
    prd: fields.ForeignKeyRelation[Prd] = fields.ForeignKeyField("models.Prd", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=500)
    description = fields.TextField(default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "epics"


class WorkItem(Model):
    """One piece of a PRD's work (WS-12). ``state``: ``draft`` (in a plan not yet approved),
    ``todo`` (ready when every item of ``depends_on`` is done), ``implementing`` or ``reviewing``
    (``run_id`` is the attempt's run, or a ``claim-`` mark while it is being created, held until
    ``lease_expires_at``), ``implemented`` (waiting for its review to start), ``needs_person``
    (``last_error`` says why), ``done``, ``rejected`` or ``cancelled``. ``round`` counts reviews
    that asked for changes (``feedback`` holds the last ones); ``attempts`` counts failed runs."""

    id = fields.CharField(max_length=32, primary_key=True)
    prd: fields.ForeignKeyRelation[Prd] = fields.ForeignKeyField("models.Prd", on_delete=fields.CASCADE)
    epic: fields.ForeignKeyNullableRelation[Epic] = fields.ForeignKeyField(
        "models.Epic", on_delete=fields.SET_NULL, null=True
    )
    key = fields.CharField(max_length=64, description="the plan's name for it, used by depends_on")
    title = fields.CharField(max_length=500)
    description = fields.TextField(default="")
    acceptance: list[str] = fields.JSONField(default=list, description="acceptance criteria")
    estimate = fields.CharField(max_length=64, default="")
    depends_on: list[str] = fields.JSONField(default=list, description="keys of the items it waits for")
    position = fields.IntField(default=0)
    state = fields.CharField(max_length=16, default="draft")
    assignee_id = fields.CharField(max_length=32, null=True, description="the IMPLEMENT agent a person chose")
    claimed_by = fields.CharField(max_length=32, null=True, description="the agent working on it")
    run_id = fields.CharField(max_length=36, null=True)
    root_run_id = fields.CharField(max_length=36, null=True, description="its first attempt; later ones descend")
    lease_expires_at = fields.DatetimeField(null=True)
    round = fields.IntField(default=0)
    attempts = fields.IntField(default=0)
    feedback = fields.TextField(default="")
    output = fields.TextField(default="", description="the last implementation's answer, for the review")
    last_error = fields.TextField(default="")
    updated_at = fields.DatetimeField()

    class Meta:
        table = "work_items"
        indexes = (("prd", "state"), ("state", "lease_expires_at"), ("run_id",))


class WorkEvent(Model):
    """A line of a work item's history: claims, attempts, verdicts, a person's decisions."""

    id = fields.BigIntField(primary_key=True)
    item: fields.ForeignKeyRelation[WorkItem] = fields.ForeignKeyField("models.WorkItem", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=24)
    actor = fields.CharField(max_length=64, default="")
    text = fields.TextField(default="")
    run_id = fields.CharField(max_length=36, null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "work_events"
        indexes = (("item", "id"),)


class KnowledgeEntry(Model):
    """Something learned in a room's work (an agent's stated learning or a person's note), offered
    to later prompts of the room when relevant (WS-12)."""

    id = fields.CharField(max_length=32, primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField("models.Room", on_delete=fields.CASCADE)
    text = fields.TextField()
    source = fields.CharField(max_length=64, default="", description="who stated it: an agent's or a person's name")
    item_id = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "knowledge"
