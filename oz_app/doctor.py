"""``oz-app doctor``: checks what a setup needs and says how to fix what fails (OPS-3).

Each check is a small coroutine returning :class:`Check` lines (ok, failed, or skipped with a
reason). Independent checks run together, each within a timeout, so one that hangs (a
PostgreSQL host that drops packets, a Docker socket that never answers) costs its own line,
never the command. Doctor only reads: it never creates a database, a key file or a table; the
one thing it may build is the Docker sidecar image, exactly as a starting worker would.

Order of dependence: settings first (a setting that does not load is reported and left out, so
the rest still runs), then the database, the Docker backend and the worker socket together; the
secret key waits for the database (it tries the key on a stored secret) and the providers for
both (stored providers' keys are sealed with it). Every line passes through :func:`redact`
before it is shown: no key or password reaches the terminal, whatever a plugin's error says.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from oz_app.config import ConfigError, ProviderSettings, Settings, load_settings

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
DEFAULT_TIMEOUT = 10.0  # seconds each check may take
SIDECAR_BUILD_SECONDS = 300.0  # building the sidecar image the first time may take longer
THREAD_PREFIX = "oz-doctor"
EXECUTOR_GRACE_SECONDS = 1.0  # a thread still busy this long after the checks is abandoned
PROBE_BACKEND = "doctor"
REDACTED = "[redacted]"
_NAMED_SETTING = re.compile(r"\b(OZ_[A-Z0-9_]+|DATABASE_URL|AUTH_SECRET|AGENT_API_KEY)\b")
_SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|TOKEN", re.IGNORECASE)


@dataclass
class Check:
    """One line of the report: what was checked, how it went, and how to fix it when it failed."""

    name: str
    status: str
    detail: str
    fix: str = ""

    @property
    def message(self) -> str:
        detail = self.detail.rstrip(".")
        return f"{detail}; {self.fix.rstrip('.')}." if self.fix else f"{detail}."


@dataclass
class Options:
    """What the command line asked for: ``worker_id`` marks a worker host (Docker is checked),
    ``server`` the control plane whose worker socket is probed."""

    data_dir: str | None = None
    worker_id: str | None = None
    server: str | None = None
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class Report:
    """Every check's line; ``abandoned`` when a timed-out check left a thread blocked in a call."""

    checks: list[Check] = field(default_factory=list)
    abandoned: bool = False  # the caller should end the process without waiting for threads

    @property
    def passed(self) -> bool:
        return all(check.status != FAILED for check in self.checks)


# ---------------------------------------------------------------------------------------------
# Running and showing
# ---------------------------------------------------------------------------------------------


def run(options: Options, env: Mapping[str, str] | None = None) -> Report:
    """Run every check and return the report; never raises for what it finds.

    The loop is run by hand, not by ``asyncio.run``: that would wait at the end for a thread
    still blocked in a timed-out call (docker-py, a DNS lookup), which is what the timeouts
    are there to avoid. Such a thread marks the report ``abandoned``.
    """
    env = dict(os.environ if env is None else env)
    report = Report()
    loop = asyncio.new_event_loop()
    threads = concurrent.futures.ThreadPoolExecutor(thread_name_prefix=THREAD_PREFIX)
    loop.set_default_executor(threads)
    try:
        report.checks = loop.run_until_complete(_run_all(options, env))
    finally:
        loop.close()  # shuts the executor down without waiting
        report.abandoned = not _threads_done(time.monotonic() + EXECUTOR_GRACE_SECONDS)
    return report


def _threads_done(deadline: float) -> bool:
    """Whether every thread the checks used has ended by ``deadline``."""
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_PREFIX):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                return False
    return True


def as_text(report: Report) -> str:
    """One line per check, the status first: ``ok``, ``FAILED`` or ``skipped``."""
    width = max(len(check.name) for check in report.checks)
    labels = {OK: "ok", FAILED: "FAILED", SKIPPED: "skipped"}
    return "\n".join(f"{labels[c.status]:<7}  {c.name:<{width}}  {c.message}" for c in report.checks)


def as_json(report: Report) -> str:
    """``{"ok": bool, "checks": [{name, status, detail, fix}]}`` for scripts."""
    return json.dumps({"ok": report.passed, "checks": [asdict(check) for check in report.checks]}, indent=2)


async def _run_all(options: Options, env: dict[str, str]) -> list[Check]:
    settings, checks, left_out = load_what_loads(env, options.data_dir)
    if settings is None:
        found = {value for name, value in env.items() if _SECRET_NAME.search(name) and value}
        return [redact(check, found) for check in checks]
    secret_values = _secrets_of(env, settings)
    manager, plugins = _plugins(settings)
    checks.append(plugins)
    seconds = options.timeout

    async def within(name: str, seconds: float, check: Awaitable[Check], slow: str) -> Check:
        try:
            return await asyncio.wait_for(check, seconds)
        except TimeoutError:
            return Check(name, FAILED, f"no answer within {seconds:g} s", slow)
        except Exception as exc:  # a check that breaks is a failed line, never a traceback
            return Check(name, FAILED, f"the check could not run ({type(exc).__name__}: {_one_line(exc)})")

    database_task = asyncio.create_task(
        within("database", seconds, check_database(settings, left_out), "check DATABASE_URL and that the server runs")
    )
    backend_task = asyncio.create_task(
        within(
            _backend_name(env),
            max(seconds, SIDECAR_BUILD_SECONDS),
            check_worker_backend(settings, manager, options, env, seconds),
            "check that the Docker engine answers (DOCKER_HOST)",
        )
    )
    socket_task = asyncio.create_task(
        within(
            "worker socket",
            seconds,
            check_worker_socket(settings, options, seconds),
            "check --server or OZ_WS_URL and that the control plane runs",
        )
    )
    try:
        database = await database_task
        database_ok = database.status == OK
        key_check, key = await _secret_key(settings, database_ok, within, seconds)
        try:
            providers = await check_providers(settings, manager, database_ok, key, key_check, seconds, secret_values)
        except Exception as exc:
            providers = [Check("providers", FAILED, f"the providers could not be listed ({_one_line(exc)})")]
        checks += [database, key_check, *providers, await backend_task, await socket_task]
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(_close_database(), seconds)
    return [redact(check, secret_values) for check in checks]


async def _secret_key(
    settings: Settings, database_ok: bool, within: Callable[..., Awaitable[Check]], seconds: float
) -> tuple[Check, bytes | None]:
    found: list[bytes | None] = [None]

    async def check() -> Check:
        line, found[0] = await check_secret_key(settings, database_ok)
        return line

    line = await within("secret key", seconds, check(), "check the data dir's disk")
    return line, found[0]


# ---------------------------------------------------------------------------------------------
# Settings and plugins
# ---------------------------------------------------------------------------------------------


def load_what_loads(env: Mapping[str, str], data_dir: str | None) -> tuple[Settings | None, list[Check], set[str]]:
    """Settings as far as they load: each problem is a failed line, and the setting it names is
    left at its default so the other checks still run; returns the settings left out too."""
    env = dict(env)
    lines: list[Check] = []
    tries: dict[str, int] = {}
    for _ in range(30):
        try:
            settings = load_settings(env, data_dir=data_dir)
        except ConfigError as exc:
            progress = False
            for problem in exc.problems:
                named = _NAMED_SETTING.search(problem)
                name = named.group(1) if named else "OZ_CONFIG_FILE" if "config file" in problem else ""
                if name not in tries and all(line.detail != problem for line in lines):
                    lines.append(Check("settings", FAILED, problem))  # one line per setting, not per try
                if name and tries.get(name, 0) < len(_LEAVE_OUT):
                    _LEAVE_OUT[tries.get(name, 0)](env, name)
                    tries[name] = tries.get(name, 0) + 1
                    progress = True
            if not progress:
                return None, lines, set(tries)
            continue
        if not lines:
            source = f"the environment and {settings.config_file}" if settings.config_file else "the environment"
            lines.append(Check("settings", OK, f"read from {source}; data in {settings.data_dir}"))
        return settings, lines, set(tries)
    return None, lines, set(tries)


def _unset(env: dict[str, str], name: str) -> None:
    env.pop(name, None)


def _empty(env: dict[str, str], name: str) -> None:
    env[name] = ""  # hides the config file's value; for most settings empty is the default


def _without_file(env: dict[str, str], name: str) -> None:
    env["OZ_CONFIG_FILE"] = ""


# How a setting that does not load is left out, one way after the other until it loads.
_LEAVE_OUT: tuple[Callable[[dict[str, str], str], None], ...] = (_unset, _empty, _without_file)


def _plugins(settings: Settings) -> tuple[Any, Check]:
    """The plugin manager as ``oz-app`` builds it, and a line naming the plugins that broke."""
    from oz_app.plugins import load_entry_points, new_manager

    manager = new_manager()
    report = load_entry_points(manager, settings.load_plugins, settings.disable_plugins)
    if report.broken:
        name, error = next(iter(report.broken.items()))
        return manager, Check(
            "plugins",
            FAILED,
            f"plugin {name} could not be loaded ({error})",
            f"reinstall or remove it, or add it to OZ_DISABLE_PLUGINS={name}",
        )
    return manager, Check("plugins", OK, f"{len(report.loaded)} loaded: {', '.join(sorted(report.loaded)) or 'none'}")


# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------


async def check_database(settings: Settings, left_out: Collection[str] = ()) -> Check:
    """Reachable, and carrying exactly the migrations this oz-app ships; never creates anything."""
    from oz_app import db
    from oz_app.startup import describe_database, explain

    if "DATABASE_URL" in left_out:
        return Check("database", SKIPPED, "DATABASE_URL is not valid (see settings above)")
    url = settings.database_url
    where = describe_database(settings)
    path = db.sqlite_path(url)
    if path is None and not settings.is_postgres:
        return Check("database", SKIPPED, "an in-memory SQLite database is new at each start")
    if path is not None and not path.is_file():
        return Check("database", FAILED, f"there is no database at {path}", "run 'oz-app db upgrade' to create it")
    try:
        await _open_database(url)
        applied = await db.applied_versions()
    except Exception as exc:
        return Check("database", FAILED, explain(exc, settings))
    shipped = db.migration_files(url)
    latest = _number(shipped[-1]) if shipped else 0
    if not applied:
        return Check("database", FAILED, f"{where} has no tables yet", "run 'oz-app db upgrade'")
    unknown = sorted(applied - set(shipped), key=_number)
    if unknown:
        return Check(
            "database",
            FAILED,
            f"{where} was migrated by a newer oz-app (migration {unknown[-1]} is not shipped with this one)",
            "upgrade oz-app",
        )
    pending = [name for name in shipped if name not in applied]
    at = max(_number(name) for name in applied)
    if pending:
        return Check(
            "database",
            FAILED,
            f"{where} is at migration {at} of {latest} ({len(pending)} pending)",
            "run 'oz-app db upgrade'",
        )
    return Check("database", OK, f"{where}, at migration {at} of {latest}")


def _number(migration: str) -> int:
    return int(migration.split("_")[0])


async def _open_database(url: str) -> None:
    """Connect the way the app does, minus :func:`oz_app.db.connect`'s side effects: no file
    created or chmod-ed, no SQLite lock taken from a running oz-app, no migration."""
    from tortoise import Tortoise, connections

    from oz_app import db

    await Tortoise.init(config=db.tortoise_config(url), _enable_global_fallback=True)
    await connections.get("default").create_connection(with_db=True)


async def _close_database() -> None:
    from tortoise import Tortoise

    if Tortoise._inited:
        await Tortoise.close_connections()


# ---------------------------------------------------------------------------------------------
# Secret key
# ---------------------------------------------------------------------------------------------


async def check_secret_key(settings: Settings, database_ok: bool) -> tuple[Check, bytes | None]:
    """The key that seals stored secrets is usable and, when the database holds any, opens them.

    A key file that does not exist yet is fine on a fresh setup (the first start creates it),
    but not when the database already holds secrets sealed with some key: then the key was lost.
    """
    from oz_app.secrets import KEY_FILE, SECRET_KEY_FILE, SecretError, Vault, check_key
    from oz_app.storage import describe_os_error

    sealed = await _one_sealed_secret() if database_ok else None
    path = settings.data_dir / KEY_FILE
    if settings.secret_key:
        where = "OZ_SECRET_KEY"
        problem = check_key(settings.secret_key)
        if problem:
            return Check("secret key", FAILED, problem), None
        key = settings.secret_key.encode()
    else:
        where = str(path)
        try:
            raw = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            if sealed:
                return Check(
                    "secret key",
                    FAILED,
                    f"{path} is missing, and the database holds secrets sealed with a key",
                    "restore secret.key from your backup into the data dir, or set OZ_SECRET_KEY to that key",
                ), None
            return _creatable(path), None
        except OSError as exc:
            return Check("secret key", FAILED, describe_os_error(exc, path)), None
        key = raw.strip()
        if not SECRET_KEY_FILE.is_valid(key):
            state = "empty" if not key else "damaged"
            return Check("secret key", FAILED, f"the key file {path} is {state}", SECRET_KEY_FILE.remedy), None
    if sealed:
        try:
            Vault(key).open(sealed)
        except SecretError:
            return Check(
                "secret key",
                FAILED,
                f"{where} does not open the secrets stored in the database",
                "set OZ_SECRET_KEY (or restore secret.key) to the key the database was set up with",
            ), None
        return Check("secret key", OK, f"{where} opens the stored secrets{_loose(path, where)}"), key
    return Check("secret key", OK, f"{where} is a valid key{_loose(path, where)}"), key


def _creatable(path: Path) -> Check:
    """A missing key file: fine if the first start can write it."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return Check(
            "secret key",
            FAILED,
            f"no key yet, and {folder} is not writable, so {path} cannot be created",
            "make it writable by this user, or use another --data-dir",
        )
    return Check("secret key", OK, f"no key yet: {path} will be created at the first start")


def _loose(path: Path, where: str) -> str:
    if where != str(path):
        return ""
    with contextlib.suppress(OSError):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            return " (readable by other users: the next start makes it owner-only)"
    return ""


async def _one_sealed_secret() -> str | None:
    """Any secret stored sealed in the database, to try the key on."""
    from oz_app.db.models import Agent, Environment, PersonalProvider, ProviderRecord

    for model, column in (
        (ProviderRecord, "api_key_sealed"),
        (PersonalProvider, "api_key_sealed"),
        (Environment, "env_vars_sealed"),
        (Agent, "secrets_sealed"),
    ):
        found = await model.exclude(**{column: ""}).limit(1).values_list(column, flat=True)
        if found:
            return str(found[0])
    return None


# ---------------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------------


async def check_providers(
    settings: Settings,
    manager: Any,
    database_ok: bool,
    key: bytes | None,
    key_check: Check,
    seconds: float,
    secret_values: set[str],
) -> list[Check]:
    """Each team provider, from ``OZ_PROVIDER_<KEY>_*`` and from the database, asked whether it
    works. Users' personal providers are theirs to test (Settings → Test), not the operator's."""
    from oz_app.plugins import collect

    types = collect(manager, "oz_register_providers", "provider type")
    providers = dict(settings.providers)
    lines: list[Check] = []
    if not database_ok:
        lines.append(Check("providers", SKIPPED, "providers added in Settings were not read: see database above"))
    elif key_check.status != OK:
        lines.append(Check("providers", SKIPPED, "providers added in Settings were not read: see secret key above"))
    else:
        from cryptography.fernet import Fernet

        from oz_app.control_plane.provider_config import ProviderCatalog
        from oz_app.secrets import Vault

        catalog = ProviderCatalog(settings, Vault(key or Fernet.generate_key()))
        providers = await catalog.snapshot()
        secret_values.update(provider.api_key for provider in providers.values() if provider.api_key)
    if not providers and not lines:
        lines.append(
            Check(
                "providers",
                SKIPPED,
                "no provider is configured (set OZ_PROVIDER_<KEY>_TYPE and its settings, or add one in Settings)",
            )
        )
    results = await asyncio.gather(
        *(
            _provider_line(key_, provider, types, key_ in settings.providers, seconds)
            for key_, provider in providers.items()
        )
    )
    return lines + list(results)


async def _provider_line(
    key: str, provider: ProviderSettings, types: dict[str, Any], from_env: bool, seconds: float
) -> Check:
    name = f"provider {key}"
    where = f"OZ_PROVIDER_{key.upper()}_*" if from_env else "Settings → Providers"
    factory = types.get(provider.type)
    if factory is None:
        known = ", ".join(sorted(types)) or "none"
        return Check(
            name,
            FAILED,
            f"its type {provider.type!r} is not installed (installed: {known})",
            f"fix its type in {where}",
        )
    passed, detail = await provider_check(factory, provider, seconds)
    if passed is None:
        return Check(name, SKIPPED, detail)
    if passed:
        return Check(name, OK, f"{provider.type}, {provider.model or 'its default model'}: {detail}")
    return Check(name, FAILED, f"{provider.type} does not work: {detail}", f"fix {where} or the service it calls")


async def provider_check(factory: Any, provider: ProviderSettings, seconds: float) -> tuple[bool | None, str]:
    """Ask one provider whether it works: (True, what it said), (False, why not), or (None, why
    it was not asked). Only a provider with a ``check()`` is asked: doctor spends no tokens on
    a v1 plugin's completion."""
    from oz_app.providers import check_provider

    if getattr(factory, "check", None) is None:
        return None, "this provider type has no check()"
    passed, detail = await check_provider(factory, provider, seconds)
    return passed, _one_line(detail)


# ---------------------------------------------------------------------------------------------
# Worker host: the backend (Docker) and the worker socket
# ---------------------------------------------------------------------------------------------


def _backend_name(env: Mapping[str, str]) -> str:
    return env.get("OZ_WORKER_BACKEND") or "docker"


async def check_worker_backend(
    settings: Settings, manager: Any, options: Options, env: Mapping[str, str], seconds: float
) -> Check:
    """On a worker host (``--worker ID`` or ``OZ_WORKER_BACKEND`` set): the backend's engine
    answers and, for Docker, the sidecar image is there or builds."""
    from oz_app.plugins import collect

    name = _backend_name(env)
    if options.worker_id is None and "OZ_WORKER_BACKEND" not in env:
        return Check(name, SKIPPED, "not checked: add --worker ID to check a worker host")
    backends = collect(manager, "oz_register_worker_backends", "worker backend")
    if name not in backends:
        known = ", ".join(sorted(backends)) or "none"
        return Check(name, FAILED, f"no worker backend {name!r} is loaded (loaded: {known})", "fix OZ_WORKER_BACKEND")
    backend = backends[name](settings)
    try:
        if hasattr(backend, "check"):
            return Check(name, OK, _one_line(await asyncio.wait_for(backend.check(), seconds)))
        if hasattr(backend, "ensure_sidecar_image"):
            return await _check_docker(name, backend, seconds)
        return Check(name, SKIPPED, f"the {name} backend has no check()")
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(backend.close(), 2)


async def _check_docker(name: str, backend: Any, seconds: float) -> Check:
    from oz_app.worker_backend import BackendError

    def engine_version() -> str:
        backend.client.ping()
        return str(backend.client.version().get("Version", "?"))

    try:
        version = await asyncio.wait_for(asyncio.to_thread(engine_version), seconds)
        await backend.ensure_sidecar_image()
    except BackendError as exc:
        return Check(name, FAILED, str(exc))
    except TimeoutError:
        return Check(name, FAILED, f"Docker did not answer within {seconds:g} s", "start dockerd or fix DOCKER_HOST")
    except Exception as exc:  # docker-py's own errors when the engine answers badly
        return Check(name, FAILED, f"Docker is not reachable ({_one_line(exc)})", "start dockerd or set DOCKER_HOST")
    return Check(name, OK, f"Docker {version} reachable; sidecar image {backend.sidecar_image} ready")


async def check_worker_socket(settings: Settings, options: Options, seconds: float) -> Check:
    """The control plane's worker socket takes ``OZ_API_KEY``: a probe completes the handshake
    (``hello`` with ``probe: true``, which the hub answers and closes without registering a
    worker or offering a run), then leaves."""
    import aiohttp

    from oz_app.worker import DEFAULT_SERVER, GiveUp, worker_url

    name = "worker socket"
    server = options.server or settings.ws_url or (DEFAULT_SERVER if options.worker_id is not None else "")
    if not server:
        return Check(name, SKIPPED, "no control plane named: add --server URL or set OZ_WS_URL")
    if not settings.api_key:
        return Check(
            name, FAILED, "OZ_API_KEY is not set", "set it to the control plane's admin API key (its OZ_ADMIN_API_KEY)"
        )
    probe_id = f"{options.worker_id or 'doctor'}-probe-{secrets.token_hex(4)}"
    try:
        url = worker_url(server, probe_id)
    except GiveUp as exc:
        return Check(name, FAILED, str(exc))
    shown = _without_credentials(url)
    headers = {"Authorization": f"Bearer {settings.api_key}"}
    async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=seconds)) as session:
        try:
            ws = await session.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=2))
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in (401, 403):
                return _refused_key(name, shown)
            return Check(
                name,
                FAILED,
                f"{shown} answered {exc.status} instead of a worker socket",
                "point --server or OZ_WS_URL at an oz-app control plane",
            )
        except TimeoutError:
            return Check(
                name, FAILED, f"{shown} did not answer within {seconds:g} s", "check that the control plane runs"
            )
        except (aiohttp.ClientError, OSError) as exc:
            return Check(
                name,
                FAILED,
                f"cannot reach the control plane at {shown} ({_one_line(exc)})",
                "start it, or fix --server / OZ_WS_URL",
            )
        async with ws:
            return await _probe_handshake(ws, name, shown, probe_id, seconds)


async def _probe_handshake(ws: Any, name: str, shown: str, probe_id: str, seconds: float) -> Check:
    """Say ``hello`` as a probe (capacity 0, ``probe: true``) and read how the hub answers."""
    from oz_app import worker_frames as frames

    hello = frames.Hello(
        worker_id=probe_id,
        protocol_version=frames.PROTOCOL_VERSION,
        capacity=0,
        backend=PROBE_BACKEND,
        probe=True,
    )
    with contextlib.suppress(ConnectionError):
        await ws.send_json(hello.wire())
    message = await ws.receive(timeout=seconds)
    frame = _frame(message)
    if isinstance(frame, frames.Welcome):
        return Check(name, OK, f"{shown} took OZ_API_KEY (worker protocol {frame.protocol_version})")
    if isinstance(frame, frames.Error):
        with contextlib.suppress(TimeoutError):
            await ws.receive(timeout=1)  # the close frame carries the code
    if ws.close_code == 4401:
        return _refused_key(name, shown)
    reason = frame.message if isinstance(frame, frames.Error) else f"closed with code {ws.close_code}"
    return Check(name, FAILED, f"{shown} refused the handshake: {_one_line(reason)}", "upgrade oz-app on one side")


def _refused_key(name: str, shown: str) -> Check:
    return Check(
        name,
        FAILED,
        f"{shown} refused OZ_API_KEY",
        "set OZ_API_KEY to the control plane's admin API key (its OZ_ADMIN_API_KEY)",
    )


def _frame(message: Any) -> Any:
    """The frame a socket message holds, or None for anything else."""
    import aiohttp

    from oz_app import worker_frames as frames

    if message.type != aiohttp.WSMsgType.TEXT:
        return None
    try:
        return frames.parse(message.data)
    except frames.FrameError:
        return None


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# ---------------------------------------------------------------------------------------------
# Keeping secrets out of the report
# ---------------------------------------------------------------------------------------------


def _secrets_of(env: Mapping[str, str], settings: Settings) -> set[str]:
    """Every value that must never be shown: keys, tokens, passwords (also a database URL's)."""
    found = {value for name, value in env.items() if _SECRET_NAME.search(name) and value}
    found |= {settings.admin_api_key, settings.api_key, settings.secret_key, settings.auth_secret}
    found |= {settings.agent_api_key, *(p.api_key for p in settings.providers.values())}
    for url in (settings.database_url, env.get("DATABASE_URL", "")):
        with contextlib.suppress(ValueError):
            found.add(urlsplit(url).password or "")
    return found


def redact(check: Check, values: Iterable[str]) -> Check:
    """``check`` with every secret value replaced (longest first, so no part of one is left)."""
    detail, fix = check.detail, check.fix
    for value in sorted((v for v in values if len(v) >= 4), key=len, reverse=True):
        detail, fix = detail.replace(value, REDACTED), fix.replace(value, REDACTED)
    return Check(check.name, check.status, detail, fix)


def _one_line(value: object) -> str:
    text = " ".join(str(value).split())
    if isinstance(value, BaseException) and not text:
        text = type(value).__name__
    return text.rstrip(".")
