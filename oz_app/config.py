"""One settings object for the whole program.

Values come from environment variables (the seed's names) and, below them, from an optional
TOML file in the platformdirs config dir (``OZ_CONFIG_FILE`` points elsewhere). The file uses
the same names as the environment, e.g. ``OZ_ADMIN_API_KEY = "..."``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "oz-app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_PROVIDER_TIMEOUT = 60.0  # seconds, first byte and idle alike
MIN_METRICS_TOKEN = 16

_PROVIDER_KEY = re.compile(r"^OZ_PROVIDER_([A-Z0-9]+)_(TYPE|MODEL|BASE_URL|API_KEY|MSG_LIMIT|WINDOW_SECONDS)$")
# Any other OZ_PROVIDER_<KEY>_<NAME> of a provider is one of its type's own settings (PL-5).
_PROVIDER_EXTRA = re.compile(r"^OZ_PROVIDER_([A-Z0-9]+)_([A-Z0-9][A-Z0-9_]*)$")
_NOT_A_PROVIDER = ("OZ_PROVIDER_FIRST_BYTE_TIMEOUT", "OZ_PROVIDER_IDLE_TIMEOUT", "OZ_PROVIDER_FALLBACK_ORDER")


class ConfigError(Exception):
    """Configuration problems, one clear sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


# Where the control plane fetches skills from unless OZ_SKILL_REPO_HOSTS says otherwise: a tenant's
# environment names the repository, so an open list would let it make the server call any host.
DEFAULT_SKILL_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


@dataclass
class ProviderSettings:
    """One provider from ``OZ_PROVIDER_<KEY>_*`` or the database.

    ``extra`` holds its type's own settings by name (PL-5): as given (text) until the core reads
    them against what the type declares, converted after (``oz_app.providers.make_provider``).
    """

    key: str
    type: str = ""
    model: str = ""
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    msg_limit: int = 0
    window_seconds: int = 0
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # An HTTP provider that sends nothing this long after the request, or goes silent this long
    # between two chunks, fails the call (OZ_PROVIDER_FIRST_BYTE_TIMEOUT, OZ_PROVIDER_IDLE_TIMEOUT).
    first_byte_timeout: float = DEFAULT_PROVIDER_TIMEOUT
    idle_timeout: float = DEFAULT_PROVIDER_TIMEOUT
    owner: str = ""  # a personal provider's user id; empty for the team's

    @property
    def quota_key(self) -> str:
        """What quotas and saturation are counted under: a user's own provider never throttles
        the team's provider of the same key (SEC-2)."""
        return f"{self.owner}/{self.key}" if self.owner else self.key


@dataclass
class Settings:
    """Everything the program reads from its environment, validated."""

    data_dir: Path
    database_url: str
    config_file: Path | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    admin_api_key: str = field(default="", repr=False)
    allow_no_admin_key: bool = False
    secret_key: str = field(default="", repr=False)
    cors_origin: str = ""
    log_level: str = "INFO"
    log_format: str = ""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    run_retention_days: int = 0
    lease_seconds: int = 30
    shutdown_grace_seconds: int = 10
    load_plugins: list[str] | None = None
    disable_plugins: list[str] = field(default_factory=list)
    runner_mode: str = "local"
    api_base_url: str = ""
    api_key: str = field(default="", repr=False)
    default_provider: str = ""
    providers: dict[str, ProviderSettings] = field(default_factory=dict)
    fallback_order: dict[str, list[str]] = field(default_factory=dict)
    queue_on_saturation: bool = False
    queue_max_wait_seconds: int = 300
    provider_first_byte_timeout: float = DEFAULT_PROVIDER_TIMEOUT
    provider_idle_timeout: float = DEFAULT_PROVIDER_TIMEOUT
    worker_run_timeout_seconds: int = 3600
    # Every OZ_WORKER_* value as given (file, then environment): a worker backend's own settings
    # are read from these against what it declares (PL-5, oz_app.worker_backend.backend_settings).
    worker_values: dict[str, str] = field(default_factory=dict, repr=False)
    ws_url: str = ""
    reconnect_max_attempts: int = 0
    reconnect_window_seconds: int = 0
    auth_secret: str = field(default="", repr=False)
    agent_api_key: str = field(default="", repr=False)
    signup: str = "invite"  # invite | open | closed (SEC-1)
    public_url: str = ""
    session_days: int = 7
    trusted_proxies: str = ""
    tenant_tokens: str = "any"  # any | issued (SEC-4)
    local_repos_dir: Path | None = None  # file:// repositories allowed under it (CP-12); None: none
    skill_repo_hosts: tuple[str, ...] = DEFAULT_SKILL_HOSTS  # hosts GET /agent fetches from; "*": any
    metrics: bool = True  # OZ_METRICS: /metrics and what it counts (OPS-1)
    metrics_token: str = field(default="", repr=False)  # OZ_METRICS_TOKEN: a bearer token that reads /metrics only
    work_max_attempts: int = 3  # OZ_WORK_MAX_ATTEMPTS: failed runs of a work item before it waits for a person (WS-12)
    work_attempt_minutes: float = 30.0  # OZ_WORK_ATTEMPT_MINUTES: an attempt's run is cancelled after this long
    work_knowledge_tokens: int = 1000  # OZ_WORK_KNOWLEDGE_TOKENS: room knowledge offered to each work prompt

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def save_config_values(path: Path, updates: Mapping[str, str]) -> None:
    """Set top-level keys of the TOML config file, keeping every other line (comments included);
    the file is written whole (atomically) and readable by its owner only."""
    lines = path.read_text().splitlines() if path.is_file() else []
    pending = dict(updates)
    for index, line in enumerate(lines):
        key = line.split("=", 1)[0].strip()
        if "=" in line and key in pending:
            lines[index] = f"{key} = {json.dumps(pending.pop(key))}"
    lines += [f"{key} = {json.dumps(value)}" for key, value in pending.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, path)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build and validate settings; raise :class:`ConfigError` listing every problem.

    ``overrides`` are command-line values (``data_dir``, ``host``, ``port``), which win.
    """
    env = dict(os.environ if env is None else env)
    problems: list[str] = []
    # OZ_CONFIG_FILE names another file; set but empty, it turns the file off.
    config_file: Path | None = Path(env["OZ_CONFIG_FILE"]) if env.get("OZ_CONFIG_FILE") else default_config_file()
    if env.get("OZ_CONFIG_FILE") == "":
        config_file = None
    from_file: dict[str, Any] = {}
    if config_file is not None and config_file.is_file():
        try:
            parsed = tomllib.loads(config_file.read_text())
            from_file = {name: value for name, value in parsed.items() if name not in env}
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"The config file {config_file} could not be read ({exc}); fix or remove it.")
    elif config_file is not None and env.get("OZ_CONFIG_FILE"):
        problems.append(f"OZ_CONFIG_FILE points to {config_file}, which does not exist.")
    values = {name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in from_file.items()}
    values.update(env)

    def text(name: str, default: str = "", kind: str = "a string") -> str:
        """The setting ``name``; a value from the file must be a TOML ``kind`` (or a string)."""
        if name in from_file and not _fits(from_file[name], kind):
            problems.append(f"{name} in {config_file} must be {kind}, not {_toml_type(from_file[name])}.")
            return default
        return values.get(name, default).strip()

    def integer(name: str, default: int, low: int = 0, high: int | None = None) -> int:
        raw = text(name, kind="a whole number")
        if not raw:
            return default
        try:
            number = int(raw)
        except ValueError:
            problems.append(f"{name} must be a whole number, not {raw!r}.")
            return default
        if number < low or (high is not None and number > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            problems.append(f"{name} must be {bound}, not {number}.")
            return default
        return number

    def flag(name: str) -> bool:
        raw = text(name, kind="true or false").lower()
        if raw in ("", "0", "false", "no", "off"):
            return False
        if raw in ("1", "true", "yes", "on"):
            return True
        problems.append(f"{name} must be true or false, not {raw!r}.")
        return False

    def names(name: str) -> list[str]:
        return [part.strip() for part in text(name).split(",") if part.strip()]

    data_dir = Path(overrides.get("data_dir") or text("OZ_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    data_dir = data_dir.expanduser().resolve()
    database_url = text("DATABASE_URL") or f"sqlite://{data_dir / 'oz.db'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
        problems.append("DATABASE_URL must start with sqlite:// or postgres://.")

    port = overrides.get("port")
    if port is None:
        port = integer("OZ_PORT", DEFAULT_PORT, 0, 65535)
    elif not 0 <= port <= 65535:
        problems.append(f"--port must be between 0 and 65535, not {port}.")

    log_format = text("OZ_LOG_FORMAT").lower()
    if log_format not in ("", "json", "text"):
        problems.append(f"OZ_LOG_FORMAT must be json or text, not {log_format!r}.")
    log_level = text("OZ_LOG_LEVEL", "INFO").upper()
    if log_level not in ("TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"):
        problems.append(f"OZ_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not {log_level!r}.")
    runner_mode = text("OZ_RUNNER_MODE", "local").lower()

    providers: dict[str, ProviderSettings] = {}
    for name in values:
        match = _PROVIDER_KEY.match(name)
        if not match:
            continue
        key, attr = match.group(1).lower(), match.group(2).lower()
        provider = providers.setdefault(key, ProviderSettings(key=key))
        if attr in ("msg_limit", "window_seconds"):
            setattr(provider, attr, integer(name, 0))
        else:
            setattr(provider, attr, text(name))
    for name in values:
        extra = _PROVIDER_EXTRA.match(name)
        if extra and not _PROVIDER_KEY.match(name) and not name.startswith(_NOT_A_PROVIDER):
            key = extra.group(1).lower()
            if key in providers:
                providers[key].extra[extra.group(2).lower()] = values[name].strip()

    def seconds(name: str) -> float:
        return _positive_float(text(name, str(DEFAULT_PROVIDER_TIMEOUT), "a number"), name, problems)

    first_byte_timeout = seconds("OZ_PROVIDER_FIRST_BYTE_TIMEOUT")
    idle_timeout = seconds("OZ_PROVIDER_IDLE_TIMEOUT")
    for provider in providers.values():
        provider.first_byte_timeout, provider.idle_timeout = first_byte_timeout, idle_timeout
    fallback_order = {"": names("OZ_PROVIDER_FALLBACK_ORDER")}
    for name in values:
        if name.startswith("OZ_PROVIDER_FALLBACK_ORDER_"):
            fallback_order[name.removeprefix("OZ_PROVIDER_FALLBACK_ORDER_").lower()] = names(name)

    load_plugins = names("OZ_LOAD_PLUGINS") if "OZ_LOAD_PLUGINS" in values else None
    signup = _one_of(text("OZ_SIGNUP", "invite").lower(), "OZ_SIGNUP", ("invite", "open", "closed"), problems)
    tenant_tokens = _one_of(text("OZ_TENANT_TOKENS", "any").lower(), "OZ_TENANT_TOKENS", ("any", "issued"), problems)
    public_url = text("OZ_PUBLIC_URL").rstrip("/")
    if public_url and not re.match(r"^https?://[^/\s]+(/\S*)?$", public_url):
        problems.append(f"OZ_PUBLIC_URL must be an http:// or https:// address, not {public_url!r}.")
    local_repos = text("OZ_LOCAL_REPOS_DIR")
    local_repos_dir = Path(local_repos).expanduser().resolve() if local_repos else None
    if local_repos_dir is not None and not local_repos_dir.is_dir():
        problems.append(f"OZ_LOCAL_REPOS_DIR must be a folder, and {local_repos_dir} is not one.")
    metrics_token = text("OZ_METRICS_TOKEN")
    if metrics_token and len(metrics_token) < MIN_METRICS_TOKEN:
        problems.append(
            f"OZ_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters (it is a password for /metrics): "
            "use a long random string."
        )
    skill_hosts = tuple(names("OZ_SKILL_REPO_HOSTS")) if "OZ_SKILL_REPO_HOSTS" in values else DEFAULT_SKILL_HOSTS
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        config_file=config_file if config_file is not None and config_file.is_file() else None,
        host=overrides.get("host") or text("OZ_HOST", DEFAULT_HOST),
        port=port,
        admin_api_key=text("OZ_ADMIN_API_KEY"),
        allow_no_admin_key=flag("OZ_ALLOW_NO_ADMIN_KEY"),
        secret_key=text("OZ_SECRET_KEY"),
        cors_origin=text("OZ_CORS_ORIGIN"),
        log_level=log_level,
        log_format=log_format,
        max_body_bytes=integer("OZ_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024),
        run_retention_days=integer("OZ_RUN_RETENTION_DAYS", 0),
        lease_seconds=integer("OZ_LEASE_SECONDS", 30, 2),
        shutdown_grace_seconds=integer("OZ_SHUTDOWN_GRACE_SECONDS", 10),
        load_plugins=load_plugins,
        disable_plugins=names("OZ_DISABLE_PLUGINS"),
        runner_mode=runner_mode,
        api_base_url=text("OZ_API_BASE_URL"),
        api_key=text("OZ_API_KEY"),
        default_provider=text("OZ_DEFAULT_PROVIDER").lower(),
        providers=providers,
        fallback_order=fallback_order,
        queue_on_saturation=flag("OZ_QUEUE_ON_SATURATION"),
        queue_max_wait_seconds=integer("OZ_QUEUE_MAX_WAIT_SECONDS", 300),
        provider_first_byte_timeout=first_byte_timeout,
        provider_idle_timeout=idle_timeout,
        worker_run_timeout_seconds=integer("OZ_WORKER_RUN_TIMEOUT_SECONDS", 3600, 1),
        worker_values={name: value for name, value in values.items() if name.startswith("OZ_WORKER_")},
        ws_url=text("OZ_WS_URL"),
        reconnect_max_attempts=integer("OZ_RECONNECT_MAX_ATTEMPTS", 0),
        reconnect_window_seconds=integer("OZ_RECONNECT_WINDOW_SECONDS", 0),
        auth_secret=text("AUTH_SECRET"),
        agent_api_key=text("AGENT_API_KEY"),
        signup=signup,
        public_url=public_url,
        session_days=integer("OZ_SESSION_DAYS", 7, 1, 3650),
        trusted_proxies=text("OZ_TRUSTED_PROXIES"),
        tenant_tokens=tenant_tokens,
        local_repos_dir=local_repos_dir,
        skill_repo_hosts=skill_hosts,
        metrics=not text("OZ_METRICS", kind="true or false") or flag("OZ_METRICS"),
        metrics_token=metrics_token,
        work_max_attempts=integer("OZ_WORK_MAX_ATTEMPTS", 3, 1, 100),
        work_attempt_minutes=_positive_float(
            text("OZ_WORK_ATTEMPT_MINUTES", "30", "a number"), "OZ_WORK_ATTEMPT_MINUTES", problems
        ),
        work_knowledge_tokens=integer("OZ_WORK_KNOWLEDGE_TOKENS", 1000, 0, 100_000),
    )
    if problems:
        raise ConfigError(problems)
    return settings


def _one_of(raw: str, name: str, allowed: tuple[str, ...], problems: list[str]) -> str:
    if raw in allowed:
        return raw
    problems.append(f"{name} must be one of {', '.join(allowed)}, not {raw!r}.")
    return allowed[0]


# What a TOML value may be for each kind of setting; a string is always accepted, as in the environment.
_TOML_KINDS: dict[str, tuple[type, ...]] = {
    "a string": (str,),
    "a whole number": (str, int),
    "true or false": (str, bool),
    "a number": (str, int, float),
}


def _fits(value: Any, kind: str) -> bool:
    allowed = _TOML_KINDS[kind]
    return isinstance(value, allowed) and (bool in allowed or not isinstance(value, bool))


def _toml_type(value: Any) -> str:
    kinds = {bool: "true or false", int: "a whole number", float: "a decimal number", str: "a string"}
    kinds.update({dict: "a table", list: "an array"})
    return kinds.get(type(value), "a date or time")


def _positive_float(raw: str, name: str, problems: list[str]) -> float:
    try:
        number = float(raw)
    except ValueError:
        number = 0.0
    if not 0 < number < math.inf:
        problems.append(f"{name} must be a positive number such as 1.5, not {raw!r}.")
        return 1.0
    return number


def validate_for_control_plane(settings: Settings) -> None:
    """Check what the control plane needs before it listens (CP-9)."""
    problems = []
    if not settings.admin_api_key and not settings.allow_no_admin_key:
        problems.append(
            "OZ_ADMIN_API_KEY is not set: set it to a long random string "
            "(or set OZ_ALLOW_NO_ADMIN_KEY=true to run without an admin)."
        )
    if settings.secret_key:
        from oz_app.secrets import check_key

        problem = check_key(settings.secret_key)
        if problem:
            problems.append(problem)
    if problems:
        raise ConfigError(problems)
