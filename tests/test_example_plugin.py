"""A third-party provider plugin installed with pip shows up and answers runs (PL-1, PL-4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sdk, wait_for

EXAMPLE = Path(__file__).parent.parent / "examples" / "oz-provider-echo"


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory) -> Path:
    """``pip install`` the example into its own folder, as a user would into their environment."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        timeout=120,
    )
    return target


def _pythonpath(site: Path) -> str:
    return os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])


def test_the_installed_plugin_is_listed_with_its_hook(installed_example):
    """PL-4: `oz-app plugins` lists the pip-installed plugin next to the built-in ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZ_")}
    env.update(PYTHONPATH=_pythonpath(installed_example), OZ_CONFIG_FILE="")
    result = subprocess.run(
        [sys.executable, "-m", "oz_app.cli", "plugins"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "echo: oz_register_providers" in result.stdout.splitlines()
    assert "openai_compatible: oz_register_providers" in result.stdout.splitlines()


def test_the_installed_plugin_answers_runs(installed_example, make_server, token):
    """PL-4: a run is answered by the third-party provider exactly like by a built-in one."""
    env = {
        "PYTHONPATH": _pythonpath(installed_example),
        "OZ_PROVIDER_ECHO_TYPE": "echo",
        "OZ_PROVIDER_ECHO_MODEL": "parrot",
        "OZ_DEFAULT_PROVIDER": "echo",
    }
    client = sdk(make_server(env), token)
    run_id = client.agent.run(prompt="hello plugin world").run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state in ("SUCCEEDED", "FAILED") and r)
    assert run.state == "SUCCEEDED"
    assert run.output == "parrot: hello plugin world"
    assert run.provider == "echo"

    refused = client.agent.run(prompt="please fail").run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(refused)).state in ("SUCCEEDED", "FAILED") and r)
    assert run.state == "FAILED"
    assert "the echo provider was asked to fail" in run.status_message.message
