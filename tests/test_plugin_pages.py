"""Plugins add workspace pages through ``oz_register_pages`` (PL-2): the page is served inside
the workspace's frame, and on a team server only to someone signed in."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui.testing import user_simulation

from tests.test_workspace import MAIN, RETRIES, llm, workspace_env  # noqa: F401 (fixtures)


@pytest.fixture
def page_plugin(workspace_env: dict[str, str], monkeypatch: Any) -> None:  # noqa: F811
    monkeypatch.setenv("OZ_TEST_PAGE_PLUGIN", "1")  # workspace_main.py registers tests/page_plugin.py


async def test_a_plugin_page_is_served_in_the_frame(page_plugin: None) -> None:
    """PL-2: a plugin's page answers at its path with the header's navigation around it."""
    async with user_simulation(main_file=MAIN) as user:
        await user.open("/plugin/hello")
        await user.should_see(marker="plugin-page", retries=RETRIES)
        await user.should_see("Agents")  # the frame's navigation


async def test_a_plugin_page_needs_a_sign_in_on_a_team_server(page_plugin: None, monkeypatch: Any) -> None:
    """PL-2, SEC-5: a stranger asking for a plugin's page is sent to log in and sees none of it."""
    monkeypatch.setenv("OZ_TEST_LOGIN", "1")
    async with user_simulation(main_file=MAIN) as user:
        await user.open("/plugin/hello")
        await user.should_see("Log in", retries=RETRIES)
        await user.should_not_see(marker="plugin-page")
