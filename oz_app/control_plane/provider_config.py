"""Providers from ``OZ_PROVIDER_<KEY>_*`` and from the database (the team's and users' personal
ones), and the admin API that edits the team's (PR-2, WS-11, SEC-2, SEC-3). API keys are sealed at
rest and never returned.

A provider type's own settings (PL-5, declared with ``oz_app.plugin_settings.Setting``) are stored
generically: the plain ones in ``settings`` (JSON), the secret ones sealed together in
``settings_sealed``; a secret one is never returned, only whether it is set."""

import asyncio
import json
import re
import time
import uuid
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from oz_app.config import ProviderSettings, Settings
from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import INT32_MAX, Text
from oz_app.control_plane.tokens import tenant_user
from oz_app.db.models import PersonalProvider, ProviderFields, ProviderRecord, User
from oz_app.plugin_settings import Setting, declared
from oz_app.secrets import Vault

RELOAD_SECONDS = 2.0
SettingValue = Annotated[Text, Field(max_length=10_000)] | StrictInt | StrictFloat | StrictBool | None
_KEY = re.compile(r"^[a-z0-9]{1,40}$")


class ProviderCatalog:
    """Every configured provider by key: the team's (the environment's win over the database's)
    and each user's personal ones, which only that user's runs use (SEC-2).

    A snapshot lists its providers oldest first: the environment's (by key), then the stored
    ones by when they were added. The first is the default, so adding a provider never moves
    the runs that use the default (UX-7), whatever its key."""

    def __init__(self, settings: Settings, vault: Vault) -> None:
        self._env = settings.providers
        self._timeouts = (settings.provider_first_byte_timeout, settings.provider_idle_timeout)
        self._vault = vault
        self._stored: dict[str, ProviderSettings] = {}
        self._personal: dict[str, dict[str, ProviderSettings]] = {}
        self._added: dict[tuple[str, str], datetime] = {}  # (owner id or "", key): when it was stored
        self._loaded_at = float("-inf")
        self._edits = 0  # invalidations so far: a read begun before one does not count as fresh
        self._reading = asyncio.Lock()

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")
        self._edits += 1

    async def _load(self) -> None:
        """Stored providers are re-read at most every few seconds (other processes edit them too),
        by one call at a time: the runs that find the providers stale together wait for one read."""
        if time.monotonic() - self._loaded_at <= RELOAD_SECONDS:
            return
        async with self._reading:
            if time.monotonic() - self._loaded_at <= RELOAD_SECONDS:
                return  # read meanwhile by another call
            started, edits = time.monotonic(), self._edits
            team = await ProviderRecord.all().order_by("created_at", "key")
            self._stored = {record.key: self._settings_of(record) for record in team}
            added = {("", record.key): record.created_at for record in team}
            personal: dict[str, dict[str, ProviderSettings]] = {}
            for own in await PersonalProvider.all().order_by("created_at", "key"):
                owner: str = own.owner_id  # type: ignore[attr-defined]
                personal.setdefault(owner, {})[own.key] = replace(self._settings_of(own), owner=owner)
                added[(owner, own.key)] = own.created_at
            self._personal, self._added = personal, added
            if edits == self._edits:
                self._loaded_at = started

    async def snapshot(self, tenant: str | None = None) -> dict[str, ProviderSettings]:
        """The providers a run of ``tenant`` may use, oldest first: the team's, and a user's own
        on top (a personal provider wins over the team's of the same key)."""
        await self._load()
        merged = {**self._stored, **self._env}
        owner = tenant_user(tenant) or ""
        if owner:
            merged.update(self._personal.get(owner, {}))
        return {key: merged[key] for key in sorted(merged, key=lambda key: self._age(owner, key))}

    def _age(self, owner: str, key: str) -> tuple[int, datetime, str]:
        """Where ``key`` comes in a snapshot: the environment's first, then by when it was added."""
        if key in self._env:
            return (0, datetime.min, key)
        when = self._added.get((owner, key)) or self._added.get(("", key))
        if when is None:
            return (1, datetime.max, key)
        return (1, when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when, key)

    async def personal(self, owner_id: str) -> dict[str, ProviderSettings]:
        await self._load()
        return dict(self._personal.get(owner_id, {}))

    def from_environment(self, key: str) -> bool:
        return key in self._env

    def _settings_of(self, record: ProviderFields) -> ProviderSettings:
        api_key = self._vault.open(record.api_key_sealed) if record.api_key_sealed else ""
        fields = {name: getattr(record, name) for name in ("type", "model", "base_url", "msg_limit", "window_seconds")}
        first_byte, idle = self._timeouts
        return ProviderSettings(
            key=record.key,
            api_key=api_key,
            extra={**(record.settings or {}), **self._secrets_of(record)},
            first_byte_timeout=first_byte,
            idle_timeout=idle,
            **fields,
        )

    def _secrets_of(self, record: ProviderFields) -> dict[str, Any]:
        if not record.settings_sealed:
            return {}
        opened = json.loads(self._vault.open(record.settings_sealed))
        return opened if isinstance(opened, dict) else {}


class ProviderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Text = Field(min_length=1, max_length=100)
    model: Text = Field("", max_length=200)
    base_url: Text = Field("", max_length=2000, pattern=r"^(https?://\S+)?$")
    api_key: Text | None = Field(None, max_length=10_000, description="omit to keep the stored key")
    msg_limit: StrictInt = Field(0, ge=0, le=INT32_MAX)
    window_seconds: StrictInt = Field(0, ge=0, le=INT32_MAX)
    settings: dict[Annotated[str, Field(max_length=64)], SettingValue] = Field(
        default_factory=dict,
        max_length=50,
        description="the type's own settings by name (GET /providers/types lists them); "
        "a secret one omitted or null keeps the stored value, empty clears it",
    )
    cli_cmd: Text | None = Field(None, max_length=2000, description="deprecated: settings.cli_cmd")
    cli_args: Text | None = Field(None, max_length=10_000, description="deprecated: settings.cli_args")

    def given_settings(self) -> dict[str, Any]:
        """``settings``, with the deprecated top-level ``cli_cmd``/``cli_args`` folded in."""
        given = dict(self.settings)
        for name in ("cli_cmd", "cli_args"):
            value = getattr(self, name)
            if value is not None:
                given.setdefault(name, value)
        return given


def public_view(settings: ProviderSettings, source: str, provider_types: dict[str, Any]) -> dict[str, Any]:
    """A provider as shown to the admin: everything but its key and secret settings (only
    whether each is set), and only the settings its type declares."""
    view = asdict(settings)
    view["has_api_key"] = bool(view.pop("api_key"))
    view.pop("owner")
    extra = view.pop("extra")
    factory = provider_types.get(settings.type)
    own = declared(factory) if factory is not None else []
    view["settings"] = {
        item.name: _shown(item, extra[item.name]) for item in own if not item.secret and item.name in extra
    }
    view["secret_settings_set"] = [item.name for item in own if item.secret and extra.get(item.name) not in (None, "")]
    view["source"] = source
    return view


def _shown(setting: Setting, value: Any) -> Any:
    """A setting's value in its declared type (the environment's are text), as given when bad."""
    converted, problem = setting.convert(value, setting.name)
    return value if problem else converted


def type_view(name: str, factory: Any) -> dict[str, Any]:
    """A provider type as a form shows it: its declared settings and per-run options."""
    from oz_app.providers import api_version, declared_options

    return {
        "type": name,
        "api_version": api_version(factory),
        "settings": [item.public() for item in declared(factory)],
        "options": [item.public() for item in declared_options(factory)],
    }


def build_router(auth: Any, catalog: ProviderCatalog, vault: Vault, provider_types: dict[str, Any]) -> APIRouter:
    """The team's providers, for the admin only (the Settings page calls the same functions)."""
    router = APIRouter(prefix="/providers", tags=["providers"])
    AdminDep = Annotated[Caller, Depends(auth.admin)]

    @router.get("", summary="List team providers (admin)")
    async def list_providers(_: AdminDep) -> dict[str, Any]:
        providers = await catalog.snapshot()
        return {
            "providers": [
                public_view(settings, "environment" if catalog.from_environment(key) else "database", provider_types)
                for key, settings in sorted(providers.items())
            ]
        }

    @router.get("/types", summary="List installed provider types, their settings and options (admin)")
    async def list_types(_: AdminDep) -> dict[str, Any]:
        return {"types": [type_view(name, factory) for name, factory in sorted(provider_types.items())]}

    @router.put("/{key}", summary="Add or replace a team provider (admin)")
    async def put(key: str, body: ProviderIn, _: AdminDep) -> dict[str, Any]:
        return await store_provider(catalog, vault, provider_types, key, body)

    @router.delete("/{key}", status_code=204, summary="Remove a team provider (admin)")
    async def delete(key: str, _: AdminDep) -> Response:
        await remove_provider(catalog, key)
        return Response(status_code=204)

    return router


def _editable(catalog: ProviderCatalog, key: str, owner: User | None) -> None:
    if not _KEY.fullmatch(key):
        raise ApiError(400, "A provider key is 1 to 40 lowercase letters and digits.")
    if owner is None and catalog.from_environment(key):
        raise ApiError(409, f"Provider {key!r} is set by OZ_PROVIDER_{key.upper()}_* variables; change it there.")


def _stored(key: str, owner: User | None) -> Any:
    """The stored provider ``key``: the team's, or ``owner``'s personal one."""
    return ProviderRecord.filter(key=key) if owner is None else PersonalProvider.filter(owner=owner, key=key)


_DESTINATION = ("type", "base_url")


def _check_destination(
    existing: ProviderFields | None, body: ProviderIn, plain: dict[str, Any], secrets_sent: bool
) -> None:
    """A stored key goes only where it was first stored (SEC-3): moving a provider elsewhere
    (another URL, type, command or any other of its type's settings) needs its key typed again."""
    if existing is None or body.api_key is not None or secrets_sent:
        return
    if not existing.api_key_sealed and not existing.settings_sealed:
        return
    moved = [name for name in _DESTINATION if getattr(body, name) != getattr(existing, name)]
    stored = existing.settings or {}
    moved += sorted(name for name in {*plain, *stored} if plain.get(name) != stored.get(name))
    if moved:
        raise ApiError(
            422,
            f"Changing a provider's {' and '.join(moved)} needs its API key again: "
            "a stored key is only ever sent where it was first stored.",
        )


def _split_settings(
    own: list[Setting], key: str, given: dict[str, Any], kept_secrets: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plain and the secret settings to store, checked against what the type declares; a
    setting it does not declare, a bad value or a required one missing is a 422 sentence."""
    from oz_app.plugin_settings import collect

    by_name = {item.name: item for item in own}
    unknown = sorted(name for name in given if name not in by_name)
    if unknown:
        has = f"it has {', '.join(sorted(by_name))}" if by_name else "it has none"
        raise ApiError(422, f"This provider type has no setting {unknown[0]!r} ({has}).")
    plain: dict[str, Any] = {}
    secret = dict(kept_secrets)
    for name, value in given.items():
        item = by_name[name]
        if item.secret:
            if value is None:
                continue  # keep the stored one
            if value == "":
                secret.pop(name, None)
            else:
                secret[name] = value
        elif value is not None and value != "":
            plain[name] = value
    prefix = f"OZ_PROVIDER_{key.upper()}_"
    problems: list[str] = []
    values = {**plain, **secret}
    converted = collect(own, {item.variable(prefix): values.get(item.name) for item in own}, prefix, problems)
    if problems:
        raise ApiError(422, problems[0])
    return {name: converted[name] for name in plain}, {name: converted[name] for name in secret}


async def store_provider(
    catalog: ProviderCatalog,
    vault: Vault,
    provider_types: dict[str, Any],
    key: str,
    body: ProviderIn,
    owner: User | None = None,
) -> dict[str, Any]:
    """Add or replace the team provider ``key``, or ``owner``'s personal one (the admin API and
    the Settings page: one code path)."""
    _editable(catalog, key, owner)
    if body.type not in provider_types:
        known = ", ".join(sorted(provider_types)) or "none installed"
        raise ApiError(422, f"Provider type {body.type!r} is not installed (installed: {known}).")
    query = _stored(key, owner)
    existing: ProviderFields | None = await query.first()
    own = declared(provider_types[body.type])
    given = body.given_settings()
    kept = {}
    if existing is not None and existing.settings_sealed and existing.type == body.type:
        kept = json.loads(vault.open(existing.settings_sealed))
    plain, secret = _split_settings(own, key, given, kept)
    secrets_sent = any(item.secret and given.get(item.name) not in (None, "") for item in own)
    _check_destination(existing, body, plain, secrets_sent)
    fields = body.model_dump(exclude={"api_key", "settings", "cli_cmd", "cli_args"})
    fields["settings"] = plain
    fields["settings_sealed"] = vault.seal(json.dumps(secret)) if secret else ""
    if body.api_key is not None:
        fields["api_key_sealed"] = vault.seal(body.api_key) if body.api_key else ""
    elif existing is None:
        fields["api_key_sealed"] = ""
    stamp = service.now()
    if existing is not None:
        await query.update(updated_at=stamp, **fields)
    elif owner is None:
        await ProviderRecord.create(key=key, created_at=stamp, updated_at=stamp, **fields)
    else:
        await PersonalProvider.create(
            id=uuid.uuid4().hex, owner=owner, key=key, created_at=stamp, updated_at=stamp, **fields
        )
    catalog.invalidate()
    stored = await (catalog.snapshot() if owner is None else catalog.personal(owner.id))
    return public_view(stored[key], "database", provider_types)


async def remove_provider(catalog: ProviderCatalog, key: str, owner: User | None = None) -> None:
    _editable(catalog, key, owner)
    if not await _stored(key, owner).delete():
        raise ApiError(404, f"Provider {key!r} was not found.")
    catalog.invalidate()


CHECK_SECONDS = 30.0


async def check_configured(
    settings: Settings, provider_types: dict[str, Any], per_provider: float = CHECK_SECONDS
) -> list[tuple[str, bool, str]]:
    """``(provider, works, detail)`` for every team provider: the environment's, and the stored
    ones when the database exists and can be read (``oz-app providers check``, PR-8)."""
    from oz_app import db
    from oz_app.providers import check_provider
    from oz_app.secrets import Vault, load_or_create_key

    found: dict[str, ProviderSettings] = dict(settings.providers)
    results: list[tuple[str, bool, str]] = []
    path = db.sqlite_path(settings.database_url)
    if path is None or path.exists():
        try:
            await db.connect(settings.database_url, migrate=False)
            try:
                if await db.applied_versions() is not None:  # None: never started, nothing stored
                    key = load_or_create_key(settings.data_dir, settings.secret_key)
                    found = await ProviderCatalog(settings, Vault(key)).snapshot()
            finally:
                await db.close()
        except Exception as exc:
            how = "check DATABASE_URL, and run 'oz-app db upgrade' if the database is not up to date"
            results.append(("(stored providers)", False, f"the database could not be read ({exc}): {how}."))

    async def one(key: str, provider: ProviderSettings) -> tuple[str, bool, str]:
        factory = provider_types.get(provider.type)
        name = f"{key} ({provider.type or 'no type'})"
        if factory is None:
            known = ", ".join(sorted(provider_types)) or "none"
            how = f"set OZ_PROVIDER_{key.upper()}_TYPE to an installed type ({known})"
            return name, False, f"its type {provider.type!r} is not installed: {how}."
        works, detail = await check_provider(factory, provider, per_provider)
        return name, works, detail

    results += await asyncio.gather(*(one(key, provider) for key, provider in found.items()))
    return results
