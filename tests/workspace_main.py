"""The workspace as NiceGUI's ``user`` fixture runs it (see ``workspace`` in test_workspace.py):
settings from the environment the test prepared, login on when ``OZ_TEST_LOGIN=1``."""

import os

from nicegui import app, ui

from oz_app.config import load_settings
from oz_app.plugins import load_entry_points, new_manager
from oz_app.workspace.app import setup, storage_secret

settings = load_settings()
manager = new_manager()
load_entry_points(manager, settings.load_plugins, settings.disable_plugins)
if os.environ.get("OZ_TEST_PAGE_PLUGIN") == "1":
    from tests import page_plugin

    manager.register(page_plugin, name="page_plugin")
app.state.workspace = setup(settings, manager, login=os.environ.get("OZ_TEST_LOGIN") == "1")
ui.run(storage_secret=storage_secret(settings))
