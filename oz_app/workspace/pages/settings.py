"""Settings (WS-11, SEC-1..SEC-4): providers, API tokens, people and invites, the runner mode.

Team providers are the admins' (add, edit, test, delete); a member sees their names and can
check whether they work, never their URL or key. Anyone may add personal providers that only
their own runs use. Both go through the same functions as the admin API.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from oz_app.config import ProviderSettings, save_config_values
from oz_app.control_plane import tokens
from oz_app.control_plane.provider_config import ProviderIn, public_view, remove_provider, store_provider
from oz_app.db.models import Agent, User
from oz_app.plugin_settings import Setting
from oz_app.providers import check_provider, declared_settings
from oz_app.workspace import accounts
from oz_app.workspace.live import user_topic
from oz_app.workspace.pages.frame import signed_in
from oz_app.workspace.service import NotFound
from oz_app.workspace.widgets import attempt, confirm, confirm_text, transient_dialog
from oz_app.workspace.wording import LABELS

if TYPE_CHECKING:
    from oz_app.workspace.app import Workspace

PROVIDER_TEST_SECONDS = 30


class SettingsView:
    def __init__(self, workspace: Workspace, user: User, base_url: str) -> None:
        self.workspace = workspace
        self.plane = workspace.plane
        self.user = user
        self.admin = user.role == "admin"
        self.base_url = workspace.public_url(base_url)

    async def build(self) -> None:
        with ui.column().classes("w-full max-w-3xl mx-auto"):
            with ui.row().classes("items-center w-full"):
                ui.label("Providers").classes("text-2xl")
                ui.space()
                ui.button("Add provider", on_click=lambda: self.edit(None, personal=not self.admin)).mark(
                    "add-provider"
                )
            await self.providers()
            ui.label("API tokens").classes("text-2xl mt-6")
            await TokensView(self.user).build()
            if self.admin and self.workspace.login:
                ui.label("People").classes("text-2xl mt-6")
                await PeopleView(self.workspace, self.user, self.base_url).build()
            ui.label("Control plane").classes("text-2xl mt-6")
            self.control_plane()

    # Providers ------------------------------------------------------------------------------

    @ui.refreshable_method
    async def providers(self) -> None:
        catalog = self.plane.catalog
        team = await catalog.snapshot()
        personal = await catalog.personal(self.user.id)
        if not team and not personal:
            ui.label("No provider yet: add one so agents can answer.").classes("text-gray-600")
        for key, provider in sorted(team.items()):
            source = "environment" if catalog.from_environment(key) else "database"
            if self.admin:
                self.provider_card(key, provider, source, personal=False)
            else:
                self.team_card(key)
        for key, provider in sorted(personal.items()):
            self.provider_card(key, provider, "database", personal=True)

    def team_card(self, key: str) -> None:
        """A team provider as a member sees it: its name, and a Test that says only whether it works."""
        with ui.card().classes("w-full").mark(f"provider-{key}"), ui.row().classes("items-center w-full"):
            ui.label(key).classes("font-bold")
            ui.badge("team", color="indigo")
            ui.space()
            ui.button("Test", on_click=lambda: self.test(key, personal=False)).props("flat").mark(f"test-{key}")

    def provider_card(self, key: str, provider: ProviderSettings, source: str, *, personal: bool) -> None:
        view = public_view(provider, source, self.plane.executor.provider_types)
        mark = f"mine-{key}" if personal else key
        with ui.card().classes("w-full").mark(f"provider-{mark}"), ui.row().classes("items-center w-full"):
            ui.label(key).classes("font-bold")
            ui.badge("personal" if personal else "team", color="teal" if personal else "indigo")
            ui.label(f"{view['type']} · {view['model'] or 'default model'} · {view['base_url']}")
            ui.badge("key set" if view["has_api_key"] else "no key", color="green" if view["has_api_key"] else "grey")
            ui.space()
            ui.button("Test", on_click=lambda: self.test(key, personal=personal)).props("flat").mark(f"test-{mark}")
            if source == "database":
                ui.button("Edit", on_click=lambda: self.edit(provider, personal=personal)).props("flat").mark(
                    f"edit-{mark}"
                )
                ui.button("Delete", on_click=lambda: self.delete(key, personal=personal)).props("flat color=red").mark(
                    f"delete-{mark}"
                )
            else:
                ui.label("(from the environment)").classes("text-sm text-gray-500")

    async def edit(self, provider: ProviderSettings | None, *, personal: bool) -> None:
        types = sorted(self.plane.executor.provider_types)
        title = ("Edit " + provider.key) if provider else ("Add a personal provider" if personal else "Add a provider")
        with transient_dialog() as dialog, ui.card().classes("w-[32rem] max-w-full"):
            ui.label(title).classes("text-lg font-bold")
            if self.admin and provider is None:
                scope = ui.toggle({False: "Team", True: "Only me"}, value=personal).mark("provider-scope")
            key = ui.input("Key (lowercase letters and digits)", value=provider.key if provider else "")
            key.classes("w-full").mark("provider-key").set_enabled(provider is None)
            default = "openai_compatible" if "openai_compatible" in types else next(iter(types), None)
            kind = ui.select(types, label="Type", value=provider.type if provider else default).classes("w-full")
            kind.mark("provider-type")
            model = ui.input("Model", value=provider.model if provider else "").classes("w-full").mark("provider-model")
            base_url = ui.input(
                "Base URL", value=provider.base_url if provider else "", placeholder="https://…"
            ).classes("w-full")
            base_url.mark("provider-url")
            hint = "API key (leave empty to keep the stored key)" if provider else "API key"
            api_key = ui.input(hint, password=True).classes("w-full").mark("provider-api-key")
            limit = ui.number("Messages per window (0: no limit)", value=provider.msg_limit if provider else 0)
            limit.classes("w-full").mark("provider-limit")
            window = ui.number("Window in seconds", value=provider.window_seconds if provider else 0).classes("w-full")
            own = TypeSettings(self.plane.executor.provider_types, provider)
            own.draw(kind.value)
            kind.on_value_change(lambda event: own.draw(event.value))

            async def save() -> None:
                fields = {
                    "type": kind.value or "",
                    "model": model.value or "",
                    "base_url": base_url.value or "",
                    "api_key": (api_key.value or None) if provider else (api_key.value or ""),
                    "msg_limit": _whole(limit.value),
                    "window_seconds": _whole(window.value),
                    "settings": own.values(),
                }
                mine = personal if provider is not None or not self.admin else bool(scope.value)
                if await self.save(key.value or "", fields, mine):
                    dialog.close()
                    self.providers.refresh()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat").mark("cancel-provider")
                ui.button("Save", on_click=save).mark("save-provider")
        dialog.open()

    async def save(self, key: str, fields: dict[str, Any], personal: bool) -> bool:
        if not personal and not await self.still_admin():
            return False
        plane = self.plane
        owner = self.user if personal else None

        async def store() -> dict[str, Any]:
            body = ProviderIn.model_validate(fields)  # a refusal is worded for people by attempt (UX-8)
            return await store_provider(plane.catalog, plane.vault, plane.executor.provider_types, key, body, owner)

        return bool(await attempt(store(), "Saved."))

    async def delete(self, key: str, *, personal: bool) -> None:
        users = await self.agents_using(key)
        verb = "uses" if len(users) == 1 else "use"
        using = f" {', '.join(users)} {verb} it: their replies fail until given another provider." if users else ""
        if not await confirm(f"Delete provider {key}", f"Delete the provider {key}?{using}"):
            return
        if not personal and not await self.still_admin():
            return
        owner = self.user if personal else None
        if await attempt(remove_provider(self.plane.catalog, key, owner), f"Removed {key}."):
            self.providers.refresh()

    async def agents_using(self, key: str) -> list[str]:
        """The signed-in user's agents that were given provider ``key`` (said before it goes)."""
        names = await Agent.filter(owner=self.user, provider=key).order_by("name").values_list("name", flat=True)
        return [f"@{name}" for name in names]

    async def still_admin(self) -> bool:
        """The team's providers are the admins' (SEC-2), as the database says now."""
        try:
            await accounts.require_admin(self.user)
        except NotFound:  # one message, not also require_admin's own
            ui.notify("Only an admin can change the team's providers.", type="negative")
            return False
        return True

    async def test(self, key: str, *, personal: bool) -> None:
        """Check the provider at its stored address (its ``check()``, else a two-word answer) and
        show what came back (a member testing a team provider learns only whether it works)."""
        found = await (self.plane.catalog.personal(self.user.id) if personal else self.plane.catalog.snapshot())
        provider = found.get(key)
        factory = self.plane.executor.provider_types.get(provider.type) if provider else None
        if provider is None or factory is None:
            ui.notify(f"Provider {key} cannot be tested: its type is not installed.", type="negative")
            return
        detailed = personal or self.admin
        ui.notify(f"Testing {key}…")
        works, detail = await check_provider(factory, provider, PROVIDER_TEST_SECONDS)
        if not works:
            why = f": {detail}" if detailed else "."
            ui.notify(f"{key} does not work{why}", type="negative", multi_line=True)
            return
        answer = f" {detail}" if detailed else " works."
        ui.notify(f"{key}{answer}", type="positive", multi_line=True)

    # Runner mode -------------------------------------------------------------------------------

    def control_plane(self) -> None:
        """Where runs go (WS-11): this process, or a team's control plane. Saved to the config
        file and applied at the next start; only the desktop/loopback user may change it."""
        settings = self.workspace.settings
        if settings.runner_mode == "remote":
            ui.label(f"Runs go to the control plane at {settings.api_base_url}.")
        else:
            ui.label("Runs go to the control plane in this process.")
        path = settings.config_file
        if self.workspace.login or path is None:
            ui.label(_runner_mode_fixed(self.workspace.login)).classes("text-gray-600").mark("runner-mode-fixed")
            return
        mode = ui.select(["local", "remote"], label="Runner mode", value=settings.runner_mode).mark("runner-mode")
        url = ui.input("Control plane URL (https://host/api/v1)", value=settings.api_base_url).classes("w-full")
        url.mark("remote-url")
        hint = "API token (leave empty to keep the saved one)" if settings.api_key else "API token"
        token = ui.input(hint, password=True).classes("w-full").mark("remote-token")

        def save() -> None:
            base_url = (url.value or "").strip()
            if mode.value == "remote" and not re.match(r"^https?://\S+$", base_url):
                ui.notify("The control plane URL starts with http:// or https://.", type="negative")
                return
            if mode.value == "remote" and not (token.value or settings.api_key):
                ui.notify("A remote control plane needs an API token.", type="negative")
                return
            updates = {"OZ_RUNNER_MODE": str(mode.value), "OZ_API_BASE_URL": base_url}
            if token.value:
                updates["OZ_API_KEY"] = token.value
            try:
                save_config_values(path, updates)
            except OSError as exc:
                ui.notify(f"Could not write {path}: {exc.strerror}.", type="negative")
                return
            token.set_value("")
            ui.notify(f"Saved to {path}; restart oz-app to apply.", type="positive")

        ui.button("Save", on_click=save).mark("save-control-plane")


class TypeSettings:
    """The fields of a provider type's own settings (PL-5) in the provider form, redrawn when the
    type changes. A secret one is a password field that starts empty: a stored secret is never
    sent to the browser, and leaving the field empty keeps it."""

    def __init__(self, provider_types: dict[str, Any], provider: ProviderSettings | None) -> None:
        self.provider_types = provider_types
        self.provider = provider
        self.box = ui.column().classes("w-full gap-1")
        self.fields: dict[str, tuple[Setting, Any]] = {}

    def draw(self, kind: Any) -> None:
        self.box.clear()
        self.fields = {}
        factory = self.provider_types.get(str(kind or ""))
        stored = self.provider.extra if self.provider is not None and self.provider.type == kind else {}
        with self.box:
            for setting in declared_settings(factory) if factory is not None else []:
                self.fields[setting.name] = (setting, self._field(setting, stored))

    def _field(self, setting: Setting, stored: dict[str, Any]) -> Any:
        named = LABELS.get(setting.name, setting.name.replace("_", " ").capitalize())
        label = named + (" (required)" if setting.required else "")
        mark = f"provider-setting-{setting.name}"
        field: Any
        if setting.secret:
            hint = f"{label} (set: leave empty to keep it)" if stored.get(setting.name) else label
            field = ui.input(hint, password=True)
        else:
            value = stored.get(setting.name, setting.default)
            if setting.choices:
                field = ui.select(list(setting.choices), label=label, value=value)
            elif setting.kind is bool:
                field = ui.checkbox(label, value=bool(value))
            elif setting.kind in (int, float):
                field = ui.number(label, value=value)
            else:
                field = ui.input(label, value="" if value is None else str(value))
        if setting.help:
            field.tooltip(setting.help)
        return field.classes("w-full").mark(mark)

    def values(self) -> dict[str, Any]:
        """What to store: a secret left empty is None (keep the stored one)."""
        values: dict[str, Any] = {}
        for name, (setting, field) in self.fields.items():
            value = field.value
            if setting.secret:
                values[name] = value or None
            elif setting.kind is int and isinstance(value, float):
                values[name] = _whole(value)
            else:
                values[name] = "" if value is None else value
        return values


class TokensView:
    """Personal API tokens (SEC-4): made here, shown once, stored hashed, named, revocable."""

    def __init__(self, user: User) -> None:
        self.user = user

    async def build(self) -> None:
        ui.label("A token lets the SDK or curl act as you on /api/v1 (your runs, your providers).").classes(
            "text-gray-600"
        )
        with ui.row().classes("items-end w-full"):
            self.name = ui.input("Token name").mark("token-name")
            ui.button("Create token", on_click=self.create).mark("create-token")
        self.fresh = ui.column().classes("w-full")
        await self.listing()

    async def create(self) -> None:
        made = await attempt(tokens.create_token(self.user, self.name.value or ""))
        if not made:
            return
        self.name.set_value("")
        self.fresh.clear()
        with self.fresh:
            confirm_text("Copy it now, it is not shown again:", made[1])
        self.listing.refresh()

    @ui.refreshable_method
    async def listing(self) -> None:
        for record in await tokens.tokens_of(self.user):
            with ui.row().classes("items-center w-full").mark(f"token-{record.name}"):
                ui.label(record.name).classes("font-bold")
                used = record.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if record.last_used_at else "never"
                ui.label(f"created {record.created_at:%Y-%m-%d} · last used {used}").classes("text-gray-600")
                ui.space()
                ui.button("Revoke", on_click=lambda r=record: self.revoke(r.id, r.name)).props("flat color=red").mark(
                    f"revoke-{record.name}"
                )

    async def revoke(self, token_id: str, name: str) -> None:
        question = f"Revoke the token {name}? Whatever uses it (the SDK, scripts) stops working at once."
        if not await confirm(f"Revoke token {name}", question, "Revoke"):
            return
        if await attempt(tokens.revoke_token(self.user, token_id), "Revoked: the token no longer works."):
            self.listing.refresh()


class PeopleView:
    """Admins (SEC-1): people with their roles, disabling, and invite links."""

    def __init__(self, workspace: Workspace, admin: User, base_url: str) -> None:
        self.workspace = workspace
        self.admin = admin
        self.base_url = base_url

    async def build(self) -> None:
        policy = self.workspace.settings.signup
        explained = {
            "invite": "people join through an invite link made here",
            "open": "anyone who reaches this server may sign up as a member; an invite gives its role",
            "closed": "nobody may sign up",
        }
        ui.label(f"Sign-up (OZ_SIGNUP={policy}): {explained[policy]}.").classes("text-gray-600")
        if policy != "closed":
            with ui.row().classes("items-end"):
                self.role = ui.select(list(accounts.ROLES), value="member", label="Role").classes("w-32")
                ui.button("Invite", on_click=self.invite).mark("invite")
        self.fresh = ui.column().classes("w-full")
        await self.listing()

    async def invite(self) -> None:
        token = await attempt(accounts.create_invite(self.admin, str(self.role.value)))
        if token:
            self.fresh.clear()
            with self.fresh:
                confirm_text("Send this one-use link (valid 7 days):", f"{self.base_url}/login?invite={token}")
            self.listing.refresh()

    @ui.refreshable_method
    async def listing(self) -> None:
        for person in await accounts.people(self.admin):
            with ui.row().classes("items-center w-full").mark(f"person-{person.username}"):
                ui.label(person.username).classes("font-bold" + (" line-through" if person.disabled else ""))
                ui.select(
                    list(accounts.ROLES),
                    value=person.role,
                    on_change=lambda event, p=person: self.change(accounts.set_role(self.admin, p.id, event.value)),
                ).props("dense").mark(f"role-{person.username}")
                ui.space()
                if person.id != self.admin.id:
                    label = "Enable" if person.disabled else "Disable"
                    ui.button(label, on_click=lambda p=person: self.toggle(p)).props("flat").mark(
                        f"disable-{person.username}"
                    )
        for invite in await accounts.pending_invites(self.admin):
            with ui.row().classes("items-center w-full text-gray-600"):
                ui.label(f"Invite as {invite.role}, expires {invite.expires_at:%Y-%m-%d}")
                ui.button("Revoke", on_click=lambda i=invite: self.revoke(i.id, i.role)).props("flat color=red")

    async def revoke(self, invite_id: str, role: str) -> None:
        question = f"Revoke this invite as {role}? Its link stops working; nobody can join with it."
        if await confirm("Revoke invite", question, "Revoke"):
            await self.change(accounts.revoke_invite(self.admin, invite_id))

    async def change(self, action: Any) -> None:
        await attempt(action, "Saved.")
        self.listing.refresh()

    async def toggle(self, person: User) -> None:
        if await attempt(accounts.set_disabled(self.admin, person.id, not person.disabled)):
            if not person.disabled:  # it was just disabled: its open tabs leave now
                self.workspace.live.publish(user_topic(person.id), kind="signed_out")
        self.listing.refresh()


def _whole(value: Any) -> Any:
    """A number field's value as an int when it is a whole number (else as typed, for the
    model to refuse in words: 1.5 is not a message count)."""
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else value


def _runner_mode_fixed(login: bool) -> str:
    """Why the runner mode cannot be changed here, and where it is set instead."""
    if login:
        return "The server's operator sets where runs go (OZ_RUNNER_MODE, OZ_API_BASE_URL, OZ_API_KEY)."
    return (
        "There is no config file to save to (OZ_CONFIG_FILE is empty): set OZ_RUNNER_MODE, "
        "OZ_API_BASE_URL and OZ_API_KEY in the environment instead."
    )


def register(workspace: Workspace) -> None:
    @ui.page("/settings", title="oz · settings")
    async def settings_page(request: Request) -> Response | None:
        user = await signed_in(workspace)
        if isinstance(user, Response):
            return user
        await SettingsView(workspace, user, str(request.base_url)).build()
        return None
