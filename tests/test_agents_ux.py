"""Agents that look different and answer through the provider they were given (UX-7); dialogs,
deletes, errors and the runs page in words a person reads (UX-8). NiceGUI's simulated user,
with real providers (fake LLM servers speaking the OpenAI wire format) where routing matters."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from nicegui import app
from nicegui.testing.user_simulation import user_simulation

from oz_app.control_plane import tokens
from oz_app.control_plane.provider_config import ProviderIn, remove_provider, store_provider
from oz_app.db.models import Agent, Message, Notification, ProviderRecord, Run
from oz_app.workspace import avatars, service, wording
from oz_app.workspace.pages.runs import duration
from tests.fake_llm import FakeOpenAI
from tests.test_browser import App, Browser, browser, chromium, workspace  # noqa: F401 (fixtures)
from tests.test_workspace import (  # noqa: F401 (fixtures)
    MAIN,
    RETRIES,
    Tabs,
    eventually,
    llm,
    make_room,
    shown,
    tabs,
    workspace_env,
)

# Distinct colours and avatars (UX-7) ----------------------------------------------------------------


def test_the_colour_sequence_is_distinct_and_skips_taken_colours() -> None:
    """UX-7: twelve agents get twelve colours; a colour already taken is never handed out again."""
    colours = [avatars.color_at(index) for index in range(12)]
    assert len(set(colours)) == 12
    assert avatars.new_color([]) == colours[0]
    assert avatars.new_color([colours[0].upper(), colours[2]]) == colours[1]
    assert avatars.initials("code-reviewer") == "CR" and avatars.initials("helper") == "He"
    assert avatars.initials("bigModel") == "BM"


async def test_new_agents_get_distinct_colours_and_old_ones_look_distinct_too(tabs: Tabs) -> None:  # noqa: F811
    """UX-7: each new agent gets a colour none of its owner's agents has, and an initials avatar;
    agents made before (all #5c6bc0 with the robot icon) are drawn in colours derived from their
    ids, without anything written to the database."""
    owner = await tabs.local_user()
    made = [await service.create_agent(owner, name=name) for name in ("alpha", "beta", "gamma", "delta")]
    assert len({agent.color for agent in made}) == 4
    stamp = service.now()
    old = [
        await Agent.create(id=f"old-agent-{i}", owner=owner, name=f"old{i}", created_at=stamp, tenant=None)
        for i in range(3)
    ]
    assert {agent.color for agent in old} == {avatars.OLD_DEFAULT_COLOR}
    drawn = {avatars.color_of(agent) for agent in [*made, *old]}
    assert len(drawn) == 7
    newest = await service.create_agent(owner, name="epsilon")
    assert newest.color not in drawn
    await tabs.user.open("/agents")
    await tabs.user.should_see(marker="avatar-alpha", retries=RETRIES)
    await tabs.user.should_see(marker="avatar-old0", retries=RETRIES)
    with tabs.user:
        circle = tabs.user.find(marker="avatar-old0").elements.pop()
        assert avatars.color_of(old[0]) in circle._style.get("background-color", "")
    await tabs.user.should_see("Al", retries=RETRIES)
    assert (await Agent.get(id=old[0].id)).color == avatars.OLD_DEFAULT_COLOR  # derived, not stored


# The provider picker and routing (UX-7) ---------------------------------------------------------------


@pytest.fixture
async def bare(workspace_env: dict[str, str], monkeypatch: Any) -> AsyncIterator[Tabs]:  # noqa: F811
    """A workspace with no provider from the environment and no OZ_DEFAULT_PROVIDER: every
    provider is added in Settings, as on a fresh install."""
    for name in list(workspace_env):
        if name.startswith("OZ_PROVIDER_") or name == "OZ_DEFAULT_PROVIDER":
            monkeypatch.delenv(name)
    unused = FakeOpenAI(words=["unused"])
    async with user_simulation(main_file=MAIN) as user:
        await app.state.workspace.ready.wait()
        yield Tabs(user, unused)
    unused.close()


@pytest.fixture
def servers() -> Any:
    made: list[FakeOpenAI] = []

    def make(word: str) -> FakeOpenAI:
        made.append(FakeOpenAI(words=[word]))
        return made[-1]

    yield make
    for server in made:
        server.close()


async def add_provider(tabs: Tabs, key: str, server: FakeOpenAI) -> None:  # noqa: F811
    plane = tabs.workspace.plane
    body = ProviderIn(type="openai_compatible", base_url=server.url, api_key="sk-" + key, model="m")
    await store_provider(plane.catalog, plane.vault, plane.executor.provider_types, key, body)


async def answer(tabs: Tabs, room: Any, text: str, agent: str) -> str:  # noqa: F811
    """Mention ``agent`` and return what its reply said (a failure's text too)."""
    before = await Message.filter(room=room, author_name=agent).count()
    await tabs.workspace.conductor.post(room, "local", text)

    async def ended() -> Message | None:
        done = await Message.filter(room=room, author_name=agent, state__in=["done", "failed"]).order_by("id")
        return done[-1] if len(done) > before else None

    reply = await eventually(ended, within=15)
    view = await shown(reply)
    return str(view["content"] or (await Run.get(id=reply.run_id)).status_message)


async def routed_room(tabs: Tabs, servers: Any) -> tuple[Agent, Any]:  # noqa: F811
    """Providers mmm (the oldest: the default) and xray; agent first on xray, agent second on the
    default, both in the room Routes."""
    await add_provider(tabs, "mmm", servers("from-mmm"))
    await add_provider(tabs, "xray", servers("from-xray"))
    owner = await tabs.local_user()
    first = await service.create_agent(owner, name="first", provider="xray")
    second = await service.create_agent(owner, name="second")
    return first, await service.create_room(owner, "Routes", "", [first.id, second.id])


async def test_each_agent_is_answered_by_its_provider_and_adding_one_moves_nobody(bare: Tabs, servers: Any) -> None:
    """UX-7: agent A was given provider xray, agent B the harness's default; each reply comes from
    its own provider. Adding a provider whose key sorts first (aaa) leaves B where it was (the
    default is the oldest provider, not the first by name). A deleted provider fails A's reply
    with a message that names it."""
    _, room = await routed_room(bare, servers)
    assert await answer(bare, room, "@first hi", "first") == "from-xray"
    assert await answer(bare, room, "@second hi", "second") == "from-mmm"

    newcomer = servers("from-aaa")
    await add_provider(bare, "aaa", newcomer)
    assert await answer(bare, room, "@second again", "second") == "from-mmm"
    assert await answer(bare, room, "@first again", "first") == "from-xray"
    assert newcomer.requests == []

    await remove_provider(bare.workspace.plane.catalog, "xray")
    failed = await answer(bare, room, "@first still there?", "first")
    assert "'xray'" in failed and "no longer configured" in failed

    await bare.user.open("/agents")
    await bare.user.should_see("Provider: Harness default (mmm)", retries=RETRIES)
    await bare.user.should_see("Provider: xray (removed: pick another)", retries=RETRIES)


async def test_the_room_shows_each_agent_with_its_avatar_and_provider(bare: Tabs, servers: Any) -> None:
    """UX-7: in a room, each member agent is drawn with its own avatar, and its chip says which
    provider answers it; its replies carry the same avatar."""
    first, room = await routed_room(bare, servers)
    assert await answer(bare, room, "@first hi", "first") == "from-xray"
    await bare.user.open(f"/rooms/{room.id}")
    await bare.user.should_see("Provider: xray", retries=RETRIES)
    await bare.user.should_see("Provider: Harness default (mmm)", retries=RETRIES)
    with bare.user:
        avatars_drawn = bare.user.find(marker="avatar-first").elements
        colours = {element.style.get("background-color") for element in avatars_drawn}
    assert len(avatars_drawn) >= 2 and colours == {first.color}  # its chip and its reply


async def test_the_agent_dialog_picks_a_provider_and_the_page_shows_it(bare: Tabs, servers: Any) -> None:
    """UX-7, UX-8: the dialog has a title, Cancel and a provider picker offering the harness
    default and every configured provider; the choice is stored and shown on the agent."""
    await add_provider(bare, "mmm", servers("from-mmm"))
    await add_provider(bare, "xray", servers("from-xray"))
    user = bare.user
    await user.open("/agents")
    user.find(marker="new-agent").click()
    await user.should_see("New agent", retries=RETRIES)
    await user.should_see(marker="cancel-agent")
    user.find(marker="agent-name").type("picked")
    with user:
        picker = user.find(marker="agent-provider").elements.pop()
        assert list(picker.options) == ["", "mmm", "xray"]
        assert picker.options[""] == "Harness default (mmm)"
        picker.set_value("xray")
    user.find(marker="save-agent").click()
    await user.should_see("Provider: xray", retries=RETRIES)
    agent = await Agent.get(name="picked")
    assert agent.provider == "xray" and agent.color.startswith("#") and agent.icon == "smart_toy"

    user.find(marker="edit-picked").click()
    await user.should_see("Edit @picked", retries=RETRIES)
    user.find(marker="cancel-agent").click()
    await user.should_not_see("Edit @picked", retries=RETRIES)
    assert (await Agent.get(name="picked")).provider == "xray"


async def test_the_default_is_the_oldest_provider_with_the_environments_first(
    tabs: Tabs,  # noqa: F811
    servers: Any,
    monkeypatch: Any,
) -> None:
    """UX-7: with no OZ_DEFAULT_PROVIDER a snapshot lists the environment's providers first, then
    stored ones by when they were added, whatever their keys."""
    monkeypatch.setattr(tabs.workspace.plane.executor.settings, "default_provider", "")
    await add_provider(tabs, "zulu", servers("z"))
    await add_provider(tabs, "bravo", servers("b"))
    catalog = tabs.workspace.plane.catalog
    assert list(await catalog.snapshot()) == ["fake", "zulu", "bravo"]
    assert tabs.workspace.plane.executor.default_provider("default", await catalog.snapshot()) == "fake"


# Deletes ask first (UX-8) -------------------------------------------------------------------------------


async def test_every_delete_asks_first_naming_what_goes(tabs: Tabs) -> None:  # noqa: F811
    """UX-8: deleting an agent, a provider, a notification or revoking a token opens a dialog that
    names it; Cancel keeps it, the dialog's button removes it."""
    owner = await tabs.local_user()
    await service.create_agent(owner, name="helper")
    await service.notify(owner.id, "Build finished")
    await add_provider(tabs, "spare", tabs.llm)
    await tokens.create_token(owner, "laptop")
    user = tabs.user

    await user.open("/agents")
    user.find(marker="delete-helper").click()
    await user.should_see("Delete @helper?", retries=RETRIES)
    user.find(marker="cancel-confirm").click()
    await user.should_not_see("Delete @helper?", retries=RETRIES)
    assert await Agent.exists(name="helper")
    user.find(marker="delete-helper").click()
    await user.should_see(marker="confirm-delete", retries=RETRIES)
    user.find(marker="confirm-delete").click()
    await eventually(lambda: _gone(Agent.filter(name="helper")))

    await user.open("/inbox")
    user.find(marker="delete-Build finished").click()
    await user.should_see("Delete the notification “Build finished”?", retries=RETRIES)
    user.find(marker="confirm-delete").click()
    await eventually(lambda: _gone(Notification.filter(title="Build finished")))

    await user.open("/settings")
    user.find(marker="delete-spare").click()
    await user.should_see("Delete the provider spare?", retries=RETRIES)
    user.find(marker="cancel-confirm").click()
    assert await ProviderRecord.exists(key="spare")
    user.find(marker="delete-spare").click()
    await user.should_see(marker="confirm-delete", retries=RETRIES)
    user.find(marker="confirm-delete").click()
    await eventually(lambda: _gone(ProviderRecord.filter(key="spare")))

    user.find(marker="revoke-laptop").click()
    await user.should_see("Revoke the token laptop?", retries=RETRIES)
    user.find(marker="confirm-delete").click()
    await eventually(lambda: _no_tokens(owner))


async def _gone(query: Any) -> bool:
    return not await query.exists()


async def _no_tokens(owner: Any) -> bool:
    return not await tokens.tokens_of(owner)


# Errors in words (UX-8) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"base_url": "ftp://example.com"}, "Base URL must start with http:// or https://."),
        ({"msg_limit": -1}, "Messages per window must be 0 or more."),
        ({"msg_limit": 1.5}, "Messages per window must be a whole number."),
        ({"type": ""}, "Type cannot be empty."),
        ({"model": "m" * 201}, "Model is longer than 200 characters."),
        ({"model": "a\x07b"}, "Model contains a control character (U+0007 at position 1); only tabs"),
    ],
)
def test_provider_validation_errors_are_sentences_naming_the_field(fields: dict[str, Any], said: str) -> None:
    """UX-8: a provider form's refusal names the field by its label and says what to type."""
    with pytest.raises(Exception) as caught:
        ProviderIn.model_validate({"type": "openai_compatible", **fields})
    assert wording.explain(caught.value).startswith(said)


async def test_the_settings_form_shows_human_errors_and_saves_nothing(tabs: Tabs) -> None:  # noqa: F811
    """UX-8: a bad Base URL in the provider dialog is refused in words, and nothing is stored;
    on a fresh install the runner-mode text reads as a sentence."""
    user = tabs.user
    await user.open("/settings")
    await user.should_see("There is no config file to save to (OZ_CONFIG_FILE is empty)", retries=RETRIES)
    user.find(marker="add-provider").click()
    await user.should_see(marker="provider-key", retries=RETRIES)
    user.find(marker="provider-key").type("broken")
    user.find(marker="provider-url").type("example.com/v1")
    user.find(marker="save-provider").click()
    await user.should_see("Base URL must start with http:// or https://.", retries=RETRIES)
    await user.should_not_see("String should match pattern")
    assert not await ProviderRecord.exists(key="broken")


async def test_agent_fields_are_refused_in_words(tabs: Tabs) -> None:  # noqa: F811
    """UX-8: an agent's colour, icon and provider are checked before anything is written."""
    owner = await tabs.local_user()
    with pytest.raises(service.Invalid, match="colour is written #rrggbb"):
        await service.create_agent(owner, name="x", color="red; background: url(x)")
    with pytest.raises(service.Invalid, match="Material icon"):
        await service.create_agent(owner, name="x", icon="img:https://example.com/a.png")
    with pytest.raises(service.Invalid, match="provider is named by its key"):
        await service.create_agent(owner, name="x", provider="Not A Key")
    assert not await Agent.exists(name="x")


# The runs page in words (UX-8) --------------------------------------------------------------------------


def test_durations_read_as_people_say_them() -> None:
    """UX-8: run times are said in seconds, minutes or hours."""
    assert [duration(value) for value in ("PT1.234S", "PT42.4S", "PT185S", "PT3900S", None)] == [
        "1.2 s",
        "42 s",
        "3 min",
        "1 h 5 min",
        "",
    ]


async def test_runs_page_says_states_in_words_with_local_times(tabs: Tabs) -> None:  # noqa: F811
    """UX-8: a run's state reads "Succeeded" (not SUCCEEDED), its time carries the ISO moment for
    the browser to show in its own time zone, and its provider is named."""
    room = await make_room(tabs)
    await tabs.workspace.conductor.post(room, "local", "@helper hi")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    run = await tabs.workspace.runner.get(reply.run_id)
    await tabs.user.open("/runs")
    await tabs.user.should_see(marker=f"state-{reply.run_id}", retries=RETRIES)
    with tabs.user:
        assert tabs.user.find(marker=f"state-{reply.run_id}").elements.pop().text == "Succeeded"
        moment = tabs.user.find(marker=f"created-{reply.run_id}").elements.pop()
        assert moment.props["data-oz-time"] == run["created_at"]
    await tabs.user.should_not_see("SUCCEEDED")
    await tabs.user.should_see("fake", retries=RETRIES)
    tabs.user.find(marker=f"output-{reply.run_id}").click()
    await tabs.user.should_see("Output of helper in Design", retries=RETRIES)


async def test_a_link_to_one_run_opens_its_output(tabs: Tabs) -> None:  # noqa: F811
    """UX-9: a task's card links to /runs?run=<id>, which opens that run's output; another
    person's run id opens nothing (SEC-7)."""
    room = await make_room(tabs)
    await tabs.workspace.conductor.post(room, "local", "@helper hi")
    reply = await eventually(lambda: Message.get_or_none(room=room, author_kind="agent", state="done"))
    await tabs.user.open(f"/runs?run={reply.run_id}")
    await tabs.user.should_see("Output of helper in Design", retries=RETRIES)
    await tabs.user.should_see(marker="run-output")
    other = tabs.new_tab()
    await other.open("/runs?run=not-a-run")
    await other.should_see("Runs", retries=RETRIES)
    await other.should_not_see(marker="run-output")


# In a real browser (UX-7, UX-8) -------------------------------------------------------------------------

FIELD_LABELS_CUT = """return [...document.querySelectorAll('.q-dialog .q-field__label')]
    .filter((label) => label.offsetParent && label.scrollWidth > label.clientWidth + 1)
    .map((label) => label.textContent)"""


def test_agent_dialog_labels_fit_and_run_times_are_local(browser: Browser, workspace: App) -> None:  # noqa: F811
    """UX-7, UX-8 in chromium at 1366x768 and 390x844: the agent and provider dialogs' labels
    (Harness, Provider, Messages per window, ...) are not cut off; agents show distinct avatars;
    a run's time on the runs page is written in the browser's own time zone (Asia/Tokyo here),
    not in UTC."""
    browser.driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    browser.driver.set_window_size(1366, 768)
    browser.sign_up("hana", "pw-" + secrets.token_hex(8))
    browser.create_agent("helper")
    browser.create_agent("code-reviewer")
    colours = browser.driver.execute_script(
        "return [...document.querySelectorAll('.rounded-full')].map((e) => e.style.backgroundColor)"
    )
    assert len(colours) == 2 and len(set(colours)) == 2
    for width, height in ((1366, 768), (390, 844)):
        browser.driver.set_window_size(width, height)
        browser.click("New agent")
        browser.find("//div[contains(@class,'q-dialog')]//div[normalize-space()='New agent']", "the dialog's title")
        browser.button("Cancel", within="//div[contains(@class,'q-dialog')]")
        assert browser.driver.execute_script(FIELD_LABELS_CUT) == []
        browser.screenshot(f"agent-dialog-{width}")
        browser.click("Cancel", within="//div[contains(@class,'q-dialog')]")
        browser.until(lambda: not browser.driver.find_elements(browser.by.CSS_SELECTOR, ".q-dialog"), "closed")
    browser.driver.set_window_size(390, 844)
    browser.open("/settings")
    browser.click("Add provider")
    browser.button("Cancel", within="//div[contains(@class,'q-dialog')]")
    assert browser.driver.execute_script(FIELD_LABELS_CUT) == []
    browser.screenshot("provider-dialog-390")
    browser.driver.set_window_size(1366, 768)
    browser.open("/agents")
    browser.sees("Provider: Harness default (fake)")
    browser.screenshot("agents")

    browser.open("/")
    browser.create_room("Local times")
    browser.add_member("helper")
    browser.post("@helper hi")
    browser.open("/runs")
    browser.sees("Succeeded", timeout=30)
    moment = browser.find("//*[@data-oz-time]", "a run's time")
    expected = browser.driver.execute_script(
        "const when = new Date(arguments[0]); return new Intl.DateTimeFormat(undefined,"
        " {dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo'}).format(when)",
        moment.get_attribute("data-oz-time"),
    )
    browser.until(lambda: moment.text == expected, f"the run's time shown as {expected!r}")
    assert "UTC" not in moment.text
    browser.screenshot("runs")
