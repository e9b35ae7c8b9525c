"""Settings a plugin declares are read and checked by the core (PL-5)."""

from __future__ import annotations

import pytest

from oz_app.config import ConfigError
from oz_app.plugin_settings import Setting, declared, hidden, read

DECLARED = [
    Setting("cli_cmd", required=True, help="name the program to run"),
    Setting("cli_args"),
    Setting("timeout", float, default=600.0, low=1),
    Setting("workers", int, default=2, low=1, high=64),
    Setting("verbose", bool),
    Setting("mode", choices=("fast", "careful"), default="fast"),
    Setting("token", secret=True),
]
PREFIX = "OZ_PROVIDER_LOCAL_"


def test_declared_settings_are_read_from_their_variables_and_converted() -> None:
    values = {"OZ_PROVIDER_LOCAL_CLI_CMD": " claude ", "OZ_PROVIDER_LOCAL_WORKERS": "8"}
    values |= {"OZ_PROVIDER_LOCAL_VERBOSE": "yes", "OZ_PROVIDER_LOCAL_TOKEN": "s3cret", "OTHER": "x"}
    got = read(DECLARED, values, PREFIX)
    assert got == {
        "cli_cmd": "claude",
        "cli_args": "",
        "timeout": 600.0,
        "workers": 8,
        "verbose": True,
        "mode": "fast",
        "token": "s3cret",
    }
    assert hidden(DECLARED, got) == ["s3cret"]


def test_every_bad_value_is_one_sentence_naming_its_variable() -> None:
    values = {
        "OZ_PROVIDER_LOCAL_TIMEOUT": "soon",
        "OZ_PROVIDER_LOCAL_WORKERS": "100",
        "OZ_PROVIDER_LOCAL_VERBOSE": "maybe",
        "OZ_PROVIDER_LOCAL_MODE": "reckless",
    }
    with pytest.raises(ConfigError) as caught:
        read(DECLARED, values, PREFIX)
    assert caught.value.problems == [
        "OZ_PROVIDER_LOCAL_CLI_CMD is not set: name the program to run.",
        "OZ_PROVIDER_LOCAL_TIMEOUT must be a number such as 1.5, not 'soon'.",
        "OZ_PROVIDER_LOCAL_WORKERS must be between 1 and 64, not '100'.",
        "OZ_PROVIDER_LOCAL_VERBOSE must be true or false, not 'maybe'.",
        "OZ_PROVIDER_LOCAL_MODE must be one of fast, careful, not 'reckless'.",
    ]


def test_a_secret_default_is_never_shown_and_bad_declarations_are_refused() -> None:
    assert Setting("token", secret=True, default="x").public()["default"] is None

    class Factory:
        settings = [DECLARED[0], "not a setting"]

    assert declared(Factory) == [DECLARED[0]]
    with pytest.raises(ValueError):
        Setting("Bad-Name")
    with pytest.raises(ValueError):
        Setting("list", list)


def test_the_docker_backend_reads_its_own_settings_from_the_environment_and_the_file(tmp_path) -> None:
    """PL-5: the docker backend's settings are its own declared ones, no longer the core's; a bad
    one stops it with a sentence naming the variable."""
    from oz_worker_docker.backend import DockerBackend

    from oz_app.config import load_settings
    from oz_app.worker_backend import BackendError

    config = tmp_path / "config.toml"
    config.write_text('OZ_WORKER_CPUS = 1.5\nOZ_WORKER_MEMORY_LIMIT = "512M"\n')
    settings = load_settings({"OZ_CONFIG_FILE": str(config), "OZ_WORKER_PIDS_LIMIT": "64"}, data_dir=str(tmp_path))
    options = DockerBackend(settings).options
    assert (options["cpus"], options["memory_limit"], options["pids_limit"], options["network"]) == (
        1.5,
        "512m",
        64,
        "",
    )
    bad = load_settings(
        {"OZ_CONFIG_FILE": "", "OZ_WORKER_CPUS": "fast", "OZ_WORKER_MEMORY_LIMIT": "lots", "OZ_WORKER_NETWORK": "a b"},
        data_dir=str(tmp_path),
    )
    with pytest.raises(BackendError) as refused:
        DockerBackend(bad)
    assert str(refused.value) == (
        "OZ_WORKER_CPUS must be a number such as 1.5, not 'fast'. "
        "OZ_WORKER_MEMORY_LIMIT must be a size such as 512m or 2g, not 'lots'. "
        "OZ_WORKER_NETWORK must be a Docker network such as bridge or host, not 'a b'."
    )
