"""What the API answers, as pydantic models for the OpenAPI document only (CP-14).

They mirror the types of the official ``oz-agent-sdk`` (the API contract) field by field, plus
the fields this server adds; routes still build plain dicts (the runs list serialises rows with
orjson), and :mod:`oz_app.control_plane.openapi` attaches these models to the routes' answers.
Every field the SDK marks optional is optional here and may be null.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel

RunState = Literal["QUEUED", "PENDING", "CLAIMED", "INPROGRESS", "SUCCEEDED", "FAILED", "BLOCKED", "ERROR", "CANCELLED"]
RunSourceType = Literal[
    "LINEAR", "API", "SLACK", "LOCAL", "SCHEDULED_AGENT", "WEB_APP", "GITHUB_ACTION", "CLOUD_MODE", "CLI", "JIRA",
    "SELF_IMPROVEMENT", "GITHUB_WEBHOOK", "GITLAB_WEBHOOK", "AUTOFIX", "RUN_SCORER", "ORCHESTRATION",
]  # fmt: skip
ErrorCode = Literal[
    "insufficient_credits", "feature_not_available", "external_authentication_required", "not_authorized",
    "invalid_request", "resource_not_found", "budget_exceeded", "integration_disabled", "integration_not_configured",
    "operation_not_supported", "environment_setup_failed", "content_policy_violation", "conflict",
    "authentication_required", "resource_unavailable", "internal_error",
]  # fmt: skip
ArtifactType = Literal["PLAN", "PULL_REQUEST", "SCREENSHOT", "FILE", "EXTERNAL_REFERENCE"]


class Error(BaseModel):
    """Every error this API answers, whatever its status."""

    error: str = Field(description="One sentence saying what went wrong and what to do.")
    request_id: str = Field(description="The request's id, also in X-Request-Id and in every log line of it.")


# -- shared pieces ---------------------------------------------------------------------------------


class UserProfile(BaseModel):
    display_name: str | None = None
    email: str | None = None
    photo_url: str | None = None
    type: Literal["user", "service_account"] | None = None
    uid: str | None = None


class Scope(BaseModel):
    """Ownership of a resource: a team's or one user's."""

    type: Literal["User", "Team"]
    uid: str | None = None


class McpServerConfig(BaseModel):
    args: list[str] | None = None
    command: str | None = None
    env: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    url: str | None = None
    warp_id: str | None = None


class Harness(BaseModel):
    model_id: str | None = None
    reasoning_level: str | None = None
    type: Literal["oz", "claude", "gemini", "codex"] | None = None


class HarnessAuthSecrets(BaseModel):
    claude_auth_secret_name: str | None = None
    codex_auth_secret_name: str | None = None


class InferenceProvidersAws(BaseModel):
    disabled: bool | None = None
    region: str | None = None
    role_arn: str | None = None


class InferenceProviders(BaseModel):
    aws: InferenceProvidersAws | None = None


class MemoryStore(BaseModel):
    access: Literal["read_write", "read_only"]
    instructions: str
    uid: str


class SessionSharing(BaseModel):
    public_access: Literal["VIEWER", "EDITOR"] | None = None


class AmbientAgentConfig(BaseModel):
    """A run's configuration, as the caller gave it."""

    base_prompt: str | None = None
    computer_use_enabled: bool | None = None
    credential_strategy: Literal["CREATOR", "EXECUTOR"] | None = None
    environment_id: str | None = None
    harness: Harness | None = None
    harness_auth_secrets: HarnessAuthSecrets | None = None
    idle_timeout_minutes: int | None = None
    inference_providers: InferenceProviders | None = None
    mcp_servers: dict[str, McpServerConfig] | None = None
    memory_stores: list[MemoryStore] | None = None
    model_id: str | None = None
    name: str | None = None
    provider: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[a-z0-9]{1,40}$",
        description="oz's own: the key of the configured provider that answers the run (a workspace agent's choice)",
    )
    options: dict[str, str | int | float | bool] | None = Field(
        None,
        description="oz's own (PR-8): per-run options for the provider that answers, e.g. "
        '{"temperature": 0.2, "max_tokens": 2048, "reasoning_effort": "high"}; each must be one the provider '
        "type declares (GET /providers/types), else the run fails before any provider is called, saying which. "
        "harness.reasoning_level reaches a provider that takes reasoning_effort when options do not name it.",
    )
    runner_id: str | None = None
    session_sharing: SessionSharing | None = None
    skill_spec: str | None = None
    skills: list[str] | None = None
    worker_host: str | None = None


# -- artifacts -------------------------------------------------------------------------------------


class PlanArtifactData(BaseModel):
    document_uid: str
    artifact_uid: str | None = None
    notebook_uid: str | None = None
    title: str | None = None
    url: str | None = None


class PlanArtifact(BaseModel):
    artifact_type: Literal["PLAN"]
    created_at: datetime
    data: PlanArtifactData


class PullRequestArtifactData(BaseModel):
    branch: str
    url: str


class PullRequestArtifact(BaseModel):
    artifact_type: Literal["PULL_REQUEST"]
    created_at: datetime
    data: PullRequestArtifactData


class ScreenshotArtifactData(BaseModel):
    artifact_uid: str
    mime_type: str
    description: str | None = None


class ScreenshotArtifact(BaseModel):
    artifact_type: Literal["SCREENSHOT"]
    created_at: datetime
    data: ScreenshotArtifactData


class FileArtifactData(BaseModel):
    artifact_uid: str
    filename: str
    filepath: str
    mime_type: str
    description: str | None = None
    size_bytes: int | None = None
    title: str | None = None


class FileArtifact(BaseModel):
    artifact_type: Literal["FILE"]
    created_at: datetime
    data: FileArtifactData


class ExternalReferenceArtifactData(BaseModel):
    reference_type: str
    url: str
    metadata: dict[str, Any] | None = None
    title: str | None = None


class ExternalReferenceArtifact(BaseModel):
    artifact_type: Literal["EXTERNAL_REFERENCE"]
    created_at: datetime
    data: ExternalReferenceArtifactData


ArtifactItem = Annotated[
    PlanArtifact | PullRequestArtifact | ScreenshotArtifact | FileArtifact | ExternalReferenceArtifact,
    Field(discriminator="artifact_type"),
]


class PlanArtifactResponseData(BaseModel):
    content: str
    content_type: str
    document_uid: str
    notebook_uid: str
    title: str | None = None
    url: str | None = None


class PlanArtifactResponse(BaseModel):
    artifact_type: Literal["PLAN"]
    artifact_uid: str
    created_at: datetime
    data: PlanArtifactResponseData


class ScreenshotArtifactResponseData(BaseModel):
    content_type: str
    download_url: str
    expires_at: datetime
    description: str | None = None


class ScreenshotArtifactResponse(BaseModel):
    artifact_type: Literal["SCREENSHOT"]
    artifact_uid: str
    created_at: datetime
    data: ScreenshotArtifactResponseData


class FileArtifactResponseData(BaseModel):
    content_type: str
    download_url: str
    expires_at: datetime
    filename: str
    description: str | None = None
    filepath: str | None = None
    size_bytes: int | None = None
    title: str | None = None


class FileArtifactResponse(BaseModel):
    artifact_type: Literal["FILE"]
    artifact_uid: str
    created_at: datetime
    data: FileArtifactResponseData


class ArtifactResponse(RootModel[PlanArtifactResponse | ScreenshotArtifactResponse | FileArtifactResponse]):
    """One artifact: a plan's content inline, or a file's or screenshot's signed download URL."""

    root: Annotated[
        PlanArtifactResponse | ScreenshotArtifactResponse | FileArtifactResponse, Field(discriminator="artifact_type")
    ]


# -- runs ------------------------------------------------------------------------------------------


class RunAgentSkill(BaseModel):
    bundled_skill_id: str | None = None
    description: str | None = None
    full_path: str | None = None
    name: str | None = None


class RequestUsage(BaseModel):
    compute_cost: float | None = None
    compute_cost_usd: float | None = None
    inference_cost: float | None = None
    inference_cost_usd: float | None = None
    platform_cost: float | None = None
    platform_cost_usd: float | None = None


class RunSchedule(BaseModel):
    """The schedule that started a run."""

    cron_schedule: str
    schedule_id: str
    schedule_name: str


class StatusMessage(BaseModel):
    message: str
    error_code: ErrorCode | None = None
    retryable: bool | None = None
    session_debug_until: datetime | None = None


class TokenUsage(BaseModel):
    input_tokens: int = Field(description="Tokens the providers read (prompts, the conversation).")
    output_tokens: int = Field(description="Tokens the providers wrote.")


class RunItem(BaseModel):
    """A run, in the SDK's ``RunItem`` shape plus this server's ``output``, ``provider``,
    ``provider_model`` and ``attempts``."""

    created_at: datetime
    prompt: str
    run_id: str
    state: RunState
    task_id: str = Field(description="The run id again (deprecated by the SDK).")
    title: str
    updated_at: datetime
    agent_config: AmbientAgentConfig | None = None
    agent_skill: RunAgentSkill | None = None
    artifacts: list[ArtifactItem] | None = None
    conversation_id: str | None = None
    creator: UserProfile | None = None
    execution_location: Literal["LOCAL", "REMOTE"] | None = None
    executor: UserProfile | None = None
    is_run_type_cancellable: bool | None = None
    is_sandbox_running: bool | None = None
    metadata: dict[str, str] | None = None
    parent_run_id: str | None = None
    request_usage: RequestUsage | None = None
    run_time: str | None = Field(None, description="ISO 8601 duration, e.g. PT2M30S.")
    schedule: RunSchedule | None = None
    scope: Scope | None = None
    session_id: str | None = None
    session_link: str | None = None
    source: RunSourceType | None = None
    started_at: datetime | None = None
    status_message: StatusMessage | None = None
    trigger_url: str | None = None
    output: str | None = Field(None, description="What the agent has answered so far.")
    provider: str | None = Field(None, description="The provider that answered (or is answering).")
    provider_model: str | None = None
    attempts: list[dict[str, Any]] | None = Field(None, description="Each provider tried, in order, and its outcome.")
    usage: TokenUsage | None = Field(
        None,
        description="oz's own (PR-8): tokens the providers reported for this run, over all its executions; "
        "null when no provider reported any (the SDK's request_usage is about costs, which are not known here).",
    )


class PageInfo(BaseModel):
    has_next_page: bool
    next_cursor: str | None = Field(None, description="Pass as ``cursor`` for the next page; null on the last.")


class RunList(BaseModel):
    runs: list[RunItem]
    page_info: PageInfo


class RunCreated(BaseModel):
    run_id: str
    task_id: str
    state: RunState
    at_capacity: bool | None = None


class HandoffAttachment(BaseModel):
    attachment_id: str
    download_url: str
    filename: str
    mime_type: str | None = None


class HandoffAttachmentList(BaseModel):
    attachments: list[HandoffAttachment]


class FollowupAccepted(BaseModel):
    """A follow-up was accepted; the run's state shows what became of it."""


# -- environments ----------------------------------------------------------------------------------


class GitHubRepo(BaseModel):
    owner: str
    repo: str


class AwsProviderConfig(BaseModel):
    role_arn: str


class GcpProviderConfig(BaseModel):
    project_number: str
    workload_identity_federation_pool_id: str
    workload_identity_federation_provider_id: str
    service_account_email: str | None = None


class CloudProviders(BaseModel):
    aws: AwsProviderConfig | None = None
    gcp: GcpProviderConfig | None = None


class CloudEnvironmentConfig(BaseModel):
    description: str | None = None
    docker_image: str | None = None
    failure_session_retention_minutes: int | None = None
    github_repos: list[GitHubRepo] | None = None
    name: str | None = None
    providers: CloudProviders | None = None
    setup_commands: list[str] | None = None


class LastTaskCreated(BaseModel):
    id: str
    created_at: datetime
    state: RunState
    title: str
    updated_at: datetime
    started_at: datetime | None = None


class CloudEnvironment(BaseModel):
    """An environment in the SDK's shape (``GET /agent/environments``)."""

    config: CloudEnvironmentConfig
    last_updated: datetime
    setup_failed: bool
    uid: str
    creator: UserProfile | None = None
    last_editor: UserProfile | None = None
    last_task_created: LastTaskCreated | None = None
    last_task_run_timestamp: datetime | None = None
    scope: Scope | None = None


class CloudEnvironmentList(BaseModel):
    environments: list[CloudEnvironment]


class Environment(BaseModel):
    """An environment in the seed's shape (``/environments``); variable values are shown only to
    its owner and the admin, others see ``********``."""

    environment_id: str
    id: str
    name: str
    description: str
    docker_image: str
    repos: list[str]
    setup_commands: list[str]
    env_vars: dict[str, str]
    scope: Literal["tenant", "global"]
    created_at: datetime
    updated_at: datetime


class EnvironmentList(BaseModel):
    environments: list[Environment]


# -- skills, schedules, agent identities, redirects -----------------------------------------------


class SkillEnvironment(BaseModel):
    name: str
    uid: str


class SkillSource(BaseModel):
    name: str
    owner: str
    skill_path: str
    worker_host: str | None = None


class SkillVariant(BaseModel):
    id: str
    base_prompt: str
    description: str
    environments: list[SkillEnvironment]
    source: SkillSource
    error: str | None = None
    last_run_timestamp: datetime | None = None


class AgentSkill(BaseModel):
    name: str
    variants: list[SkillVariant]


class AgentSkillList(BaseModel):
    agents: list[AgentSkill]


class ScheduledAgentHistoryItem(BaseModel):
    last_ran: datetime | None = None
    next_run: datetime | None = None


class ScheduledAgentItem(BaseModel):
    id: str
    created_at: datetime
    cron_schedule: str
    enabled: bool
    name: str
    prompt: str
    updated_at: datetime
    agent_config: AmbientAgentConfig | None = None
    agent_uid: str | None = None
    created_by: UserProfile | None = None
    environment: CloudEnvironmentConfig | None = None
    history: ScheduledAgentHistoryItem | None = None
    last_spawn_error: str | None = None
    metadata: dict[str, str] | None = None
    scope: Scope | None = None
    updated_by: UserProfile | None = None


class ScheduleList(BaseModel):
    schedules: list[ScheduledAgentItem]


class ScheduleDeleted(BaseModel):
    success: bool


class MemoryAutoMemoryStore(BaseModel):
    access: Literal["read_write", "read_only"]
    instructions: str
    owner_type: Literal["user", "service_account", "team"]
    owner_uid: str
    uid: str
    description: str | None = None


class MemoryAutoMemory(BaseModel):
    enabled: bool
    store: MemoryAutoMemoryStore | None = None


class Memory(BaseModel):
    attached_stores: list[MemoryStore]
    auto_memory: MemoryAutoMemory


class SecretRef(BaseModel):
    name: str


class AgentResponse(BaseModel):
    """A named agent (agent identity)."""

    available: bool
    created_at: datetime
    default_runner_uid: str
    memory: Memory
    name: str
    secrets: list[SecretRef]
    skills: list[str]
    uid: str
    updated_at: datetime
    agent_type: Literal["FOREMAN", "TRIAGE", "SPEC", "IMPLEMENT", "REVIEW", "VERIFY", "CUSTOM"] | None = None
    base_harness: str | None = None
    base_model: str | None = None
    credential_strategy: Literal["CREATOR", "EXECUTOR"] | None = None
    description: str | None = None
    environment_id: str | None = None
    factory_uid: str | None = None
    harness: Harness | None = None
    harness_auth_secrets: HarnessAuthSecrets | None = None
    inference_providers: InferenceProviders | None = None
    mcp_servers: dict[str, McpServerConfig] | None = None
    on_behalf_of_enabled: bool | None = None
    prompt: str | None = None
    worker_host: str | None = None


class AgentIdentityList(BaseModel):
    agents: list[AgentResponse]


class SessionRedirect(BaseModel):
    conversation_id: str | None = Field(None, description="Present when the session moved to a conversation.")


class ConversationRedirect(BaseModel):
    session_id: str | None = Field(None, description="Present when the conversation is shown by a session.")


# -- this server's own routes ----------------------------------------------------------------------


class Health(BaseModel):
    """200 with ``ok`` true, or 503 saying what is wrong (``db`` ``full`` or ``unavailable``)."""

    ok: bool
    db: Literal["ok", "full", "unavailable"]
    error: str | None = None


class ProviderView(BaseModel):
    """A team provider as the admin sees it: everything but the key itself."""

    key: str
    type: str
    model: str
    base_url: str
    msg_limit: int
    window_seconds: int
    settings: dict[str, Any] = Field(description="The type's own settings that are not secret (PL-5).")
    secret_settings_set: list[str] = Field(description="The type's secret settings that have a value (never shown).")
    first_byte_timeout: float
    idle_timeout: float
    has_api_key: bool
    source: Literal["environment", "database"]


class ProviderList(BaseModel):
    providers: list[ProviderView]


class DeclaredSetting(BaseModel):
    """A setting or per-run option a provider type declares (PL-5, PR-8)."""

    name: str
    type: Literal["str", "int", "float", "bool"]
    default: Any = Field(None, description="null for a secret one")
    secret: bool
    required: bool
    choices: list[str]
    help: str


class ProviderType(BaseModel):
    type: str
    api_version: int = Field(description="1 (deprecated: one prompt, no options, no usage) or 2")
    settings: list[DeclaredSetting] = Field(description="Read from OZ_PROVIDER_<KEY>_<NAME> or a stored provider.")
    options: list[DeclaredSetting] = Field(description="What config.options of a run may name.")


class ProviderTypeList(BaseModel):
    types: list[ProviderType]


class TokenView(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


class IssuedToken(TokenView):
    token: str = Field(description="The token itself, shown in this answer only.")
    tenant: str = Field(description="The tenant the token names: sha256 of the token.")


class TokenList(BaseModel):
    tokens: list[TokenView]


class StoredFileAnswer(BaseModel):
    """A file a worker uploaded for a run (a handoff attachment or an artifact's bytes)."""

    file_id: str
    purpose: str
    filename: str
    mime_type: str
    size_bytes: int
