"""Whose runs, providers and tokens are whose inside one workspace process (SEC-2, SEC-4, SEC-7):
a member's personal provider answers only their runs; runs, cancels and the API answer only to
their owner (or an admin); a personal token acts as its user until revoked or disabled."""

from __future__ import annotations

from typing import Any

import pytest

from oz_app.control_plane import tokens
from oz_app.control_plane.provider_config import ProviderIn, store_provider
from oz_app.db.models import Message
from oz_app.db.models import User as Person
from oz_app.runners import RunnerError
from oz_app.workspace import accounts, service
from tests.fake_llm import FakeOpenAI
from tests.test_workspace import (  # noqa: F401 (fixtures)
    RETRIES,
    Tabs,
    eventually,
    llm,
    server_tabs,
    shown,
    sign_up,
    tabs,
    workspace_env,
)

PASSWORD = "correct horse battery"


async def member_room(tabs: Tabs, name: str) -> tuple[Any, Any]:  # noqa: F811
    person = await accounts.sign_up(name, PASSWORD, policy="open")
    agent = await service.create_agent(person, name="helper")
    return person, await service.create_room(person, f"{name}'s room", "", [agent.id])


async def reply_in(room: Any) -> Message:
    return await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))


async def test_a_personal_provider_answers_only_its_owner(tabs: Tabs) -> None:  # noqa: F811
    """SEC-2: Bob's personal provider answers Bob's mentions; nobody else's runs use it, and the
    team's provider list does not show it."""
    own = FakeOpenAI(words=["Bob's", " own"])
    try:
        plane = tabs.workspace.plane
        bob, room = await member_room(tabs, "bob")
        body = ProviderIn(type="openai_compatible", base_url=own.url, api_key="sk-bob", model="m")
        await store_provider(plane.catalog, plane.vault, plane.executor.provider_types, "fake", body, owner=bob)
        await tabs.workspace.conductor.post(room, "bob", "@helper hi")
        assert (await shown(await reply_in(room)))["content"] == "Bob's own"
        assert len(own.requests) == 1 and tabs.llm.requests == []

        _, ann_room = await member_room(tabs, "ann")
        await tabs.workspace.conductor.post(ann_room, "ann", "@helper hi")
        assert (await shown(await reply_in(ann_room)))["content"] == "Hello there!"
        assert len(own.requests) == 1 and len(tabs.llm.requests) == 1
        assert (await plane.catalog.snapshot())["fake"].base_url == tabs.llm.url
    finally:
        own.close()


async def test_runs_answer_only_to_their_owner_and_admins(tabs: Tabs) -> None:  # noqa: F811
    """SEC-7: a run started by Bob's message is Bob's: Ann cannot list, read, follow or cancel it;
    an admin lists everyone's."""
    runner = tabs.workspace.runner
    bob, room = await member_room(tabs, "bob")
    ann, _ = await member_room(tabs, "ann")
    await tabs.workspace.conductor.post(room, "bob", "@helper hi")
    run_id = (await reply_in(room)).run_id
    assert [run["run_id"] for run in await runner.list(owner=bob.id)] == [run_id]
    assert await runner.list(owner=ann.id) == []
    for action in (runner.get(run_id, owner=ann.id), runner.cancel(run_id, owner=ann.id)):
        with pytest.raises(RunnerError, match="not found"):
            await action
    with pytest.raises(RunnerError, match="not found"):
        await anext(runner.follow(run_id, owner=ann.id))
    assert run_id in [run["run_id"] for run in await runner.list(owner=None)]


async def test_an_admin_filters_the_runs_page_by_user_and_a_member_sees_only_their_own(
    server_tabs: Tabs,  # noqa: F811
) -> None:
    """SEC-7, WS-9: on a team server the admin's Runs page lists everyone's runs and narrows them
    to one person with its User filter; a member's page has no filter and only their own runs."""
    admin = server_tabs.new_tab()
    await sign_up(admin, "root")
    bob_tab = server_tabs.new_tab()
    await sign_up(bob_tab, "bob")
    bob = await Person.get(username="bob")
    agent = await service.create_agent(bob, name="helper")
    room = await service.create_room(bob, "Bob's room", "", [agent.id])
    await server_tabs.workspace.conductor.post(room, "bob", "@helper hi")
    run_id = (await reply_in(room)).run_id
    await admin.open("/runs")
    await admin.should_see(marker=f"run-{run_id}", retries=RETRIES)
    root = await Person.get(username="root")
    admin.find(marker="runs-user").elements.pop().set_value(root.id)
    await admin.should_not_see(marker=f"run-{run_id}", retries=RETRIES)
    admin.find(marker="runs-user").elements.pop().set_value(bob.id)
    await admin.should_see(marker=f"run-{run_id}", retries=RETRIES)
    await bob_tab.open("/runs")
    await bob_tab.should_see(marker=f"run-{run_id}", retries=RETRIES)
    await bob_tab.should_not_see(marker="runs-user")


async def test_a_personal_token_acts_as_its_user_until_revoked_or_disabled(tabs: Tabs) -> None:  # noqa: F811
    """SEC-4, SEC-7: the workspace's API answers a personal token with that user's runs only; a
    revoked token, a disabled user's token and an invented token get 401."""
    admin = await accounts.sign_up("root", PASSWORD, policy="open")  # the first account: the admin
    bob, room = await member_room(tabs, "bob")
    assert admin.role == "admin" and bob.role == "member"
    await tabs.workspace.conductor.post(room, "bob", "@helper hi")
    run_id = (await reply_in(room)).run_id
    _, ann_room = await member_room(tabs, "ann")
    await tabs.workspace.conductor.post(ann_room, "ann", "@helper hi")
    await reply_in(ann_room)
    record, token = await tokens.create_token(bob, "laptop")
    client = tabs.user.http_client

    async def runs(bearer: str) -> Any:
        return await client.get("/api/v1/agent/runs", headers={"Authorization": f"Bearer {bearer}"})

    listed = await runs(token)
    assert listed.status_code == 200 and [run["run_id"] for run in listed.json()["runs"]] == [run_id]
    assert (await tokens.tokens_of(bob))[0].last_used_at is not None
    assert (await runs("invented")).status_code == 401
    await accounts.set_disabled(admin, bob.id, True)
    assert (await runs(token)).status_code == 401
    await accounts.set_disabled(admin, bob.id, False)
    assert (await runs(token)).status_code == 200
    assert await tokens.revoke_token(bob, record.id)
    assert (await runs(token)).status_code == 401


async def test_tokens_are_made_shown_once_and_revoked_in_settings(tabs: Tabs) -> None:  # noqa: F811
    """SEC-4: Settings → API tokens makes a named token, shows it once (only its hash is kept),
    lists its last use, and Revoke stops it at once."""
    page = tabs.user
    await page.open("/settings")
    page.find(marker="token-name").type("ci")
    page.find(marker="create-token").click()
    await page.should_see(marker="secret-once", retries=RETRIES)
    token = page.find(marker="secret-once").elements.pop().value
    assert token.startswith("oz_")
    stored = (await tokens.tokens_of(await accounts.local_user()))[0]
    assert stored.name == "ci" and stored.token_hash == tokens.digest(token) and token not in str(vars(stored))
    headers = {"Authorization": f"Bearer {token}"}
    assert (await page.http_client.get("/api/v1/agent/runs", headers=headers)).status_code == 200
    await page.open("/settings")
    await page.should_see(marker="token-ci", retries=RETRIES)
    assert not _shown(page, "secret-once")  # never shown again
    page.find(marker="revoke-ci").click()
    await page.should_see(marker="confirm-delete", retries=RETRIES)
    page.find(marker="confirm-delete").click()
    await eventually(lambda: _no_tokens())
    assert (await page.http_client.get("/api/v1/agent/runs", headers=headers)).status_code == 401


def _shown(page: Any, marker: str) -> bool:
    try:
        page.find(marker=marker)
    except AssertionError:
        return False
    return True


async def _no_tokens() -> bool:
    return not await tokens.tokens_of(await accounts.local_user())


async def test_a_personal_provider_that_is_rate_limited_does_not_block_the_team(tabs: Tabs) -> None:  # noqa: F811
    """SEC-2: Bob names his own provider like the team's and has it answer 429 for an hour; the
    team's provider of that name still answers everyone else."""
    own = FakeOpenAI(status=429, retry_after="3600")
    try:
        plane = tabs.workspace.plane
        bob, room = await member_room(tabs, "bob")
        body = ProviderIn(type="openai_compatible", base_url=own.url, api_key="sk-bob")
        await store_provider(plane.catalog, plane.vault, plane.executor.provider_types, "fake", body, owner=bob)
        await tabs.workspace.conductor.post(room, "bob", "@helper hi")
        failed = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="failed"))
        status = (await shown(failed))["status"]
        assert "rate-limited" in status or "429" in status
        _, ann_room = await member_room(tabs, "ann")
        await tabs.workspace.conductor.post(ann_room, "ann", "@helper hi")
        assert (await shown(await reply_in(ann_room)))["content"] == "Hello there!"
    finally:
        own.close()
