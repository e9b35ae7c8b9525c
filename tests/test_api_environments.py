"""Environments in the seed's and the SDK's shapes, with secret env vars (CP-5)."""

from __future__ import annotations

import secrets
import sqlite3

import httpx
import pytest

from tests.conftest import ADMIN_KEY, TEST_DATABASE, sdk


def _call(server, method, path, token, **kwargs):
    return httpx.request(method, server.api + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def _create(server, token, **fields):
    body = {"name": "web", "docker_image": "python:3.11-slim", **fields}
    response = _call(server, "POST", "/environments", token, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_get_update_delete_in_the_seed_shape(server, token):
    """CP-5: the seed's /environments CRUD round-trips every field."""
    env = _create(
        server,
        token,
        repos=["acme/api", "https://git.example.com/acme/web.git", "git@github.com:acme/tools.git"],
        setup_commands=["pip install -e .", "make deps"],
        env_vars={"API_TOKEN": "abc"},
    )
    assert env["environment_id"] == env["id"] and len(env["id"]) == 22
    assert env["scope"] == "tenant"
    fetched = _call(server, "GET", f"/environments/{env['id']}", token).json()
    assert fetched["repos"][1] == "https://git.example.com/acme/web.git"
    assert fetched["setup_commands"] == ["pip install -e .", "make deps"]
    assert fetched["env_vars"] == {"API_TOKEN": "abc"}

    patched = _call(server, "PATCH", f"/environments/{env['id']}", token, json={"name": "web2", "env_vars": {"B": "2"}})
    assert patched.status_code == 200
    assert patched.json()["name"] == "web2" and patched.json()["env_vars"] == {"B": "2"}
    assert patched.json()["docker_image"] == "python:3.11-slim"
    assert [e["id"] for e in _call(server, "GET", "/environments", token).json()["environments"]] == [env["id"]]

    assert _call(server, "DELETE", f"/environments/{env['id']}", token).status_code == 204
    assert _call(server, "GET", f"/environments/{env['id']}", token).status_code == 404


def test_sdk_lists_environments_in_its_shape(server, token):
    """CP-5: client.agent.list_environments() parses our /agent/environments."""
    env = _create(server, token, name="sdk-env", repos=["acme/api"], setup_commands=["make"])
    listed = sdk(server, token).agent.list_environments()
    [item] = [e for e in listed.environments if e.uid == env["id"]]
    assert item.config.name == "sdk-env"
    assert item.config.docker_image == "python:3.11-slim"
    assert [(r.owner, r.repo) for r in item.config.github_repos] == [("acme", "api")]
    assert item.config.setup_commands == ["make"]
    assert item.scope.type == "User"
    names = [e.config.name for e in sdk(server, token).agent.list_environments(sort_by="name").environments]
    assert names == sorted(names)


def test_other_tenants_cannot_see_or_change_an_environment(server, token):
    """CP-1, CP-5: another tenant gets 404 for get, update, delete, and cannot start runs in it."""
    env = _create(server, token)
    other = "tenant-" + secrets.token_hex(8)
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"name": "x"}}), ("DELETE", {})):
        assert _call(server, method, f"/environments/{env['id']}", other, **kwargs).status_code == 404
    assert env["id"] not in [e["id"] for e in _call(server, "GET", "/environments", other).json()["environments"]]
    response = _call(
        server, "POST", "/agent/runs", other, json={"prompt": "x", "config": {"environment_id": env["id"]}}
    )
    assert response.status_code == 404
    assert _call(server, "GET", f"/environments/{env['id']}", token).json()["name"] == "web"


def test_global_environments_are_admin_only_and_redact_secrets(server, token):
    """CP-5: only the admin makes global environments; tenants see them with env var values redacted."""
    refused = _call(
        server, "POST", "/environments", token, json={"name": "g", "docker_image": "busybox", "scope": "global"}
    )
    assert refused.status_code == 403
    secret = secrets.token_hex(16)
    env = _create(server, ADMIN_KEY, name="shared", scope="global", env_vars={"DEPLOY_KEY": secret})
    assert env["scope"] == "global" and env["env_vars"] == {"DEPLOY_KEY": secret}
    seen = _call(server, "GET", f"/environments/{env['id']}", token)
    assert seen.status_code == 200
    assert seen.json()["env_vars"] == {"DEPLOY_KEY": "********"}
    assert secret not in _call(server, "GET", "/environments", token).text
    assert secret not in _call(server, "GET", "/agent/environments", token).text
    assert _call(server, "PATCH", f"/environments/{env['id']}", token, json={"name": "mine"}).status_code == 403
    assert _call(server, "DELETE", f"/environments/{env['id']}", token).status_code == 403
    assert sdk(server, token).agent.run(prompt="x", config={"environment_id": env["id"]}).state == "PENDING"
    _call(server, "DELETE", f"/environments/{env['id']}", ADMIN_KEY)


def test_admin_sees_tenant_environments_with_values(server, token):
    """CP-1, CP-5: the admin sees every environment, secrets included."""
    env = _create(server, token, env_vars={"X": "1"})
    assert _call(server, "GET", f"/environments/{env['id']}", ADMIN_KEY).json()["env_vars"] == {"X": "1"}


@pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="reads the SQLite file directly")
def test_env_var_values_are_encrypted_at_rest(server, token):
    """CP-5: the database file never holds an env var value in clear text."""
    secret = "plain-" + secrets.token_hex(16)
    _create(server, token, env_vars={"SECRET": secret})
    path = server.database_url.removeprefix("sqlite://")
    with sqlite3.connect(path) as conn:
        dump = "\n".join(str(row) for row in conn.execute("SELECT * FROM environments"))
    assert secret not in dump
    assert "SECRET" not in dump


@pytest.mark.parametrize(
    "fields, mentions",
    [
        ({"env_vars": {"1BAD": "x"}}, "1BAD"),
        ({"env_vars": {"HAS SPACE": "x"}}, "HAS SPACE"),
        ({"env_vars": {"IFS": "x"}}, "IFS"),
        ({"env_vars": {"_oz_dir": "x"}}, "_oz_dir"),
        ({"env_vars": {"OK": 5}}, "env_vars"),
        ({"repos": ["--upload-pack=evil"]}, "--upload-pack=evil"),
        ({"repos": ["not a repo"]}, "not a repo"),
        ({"repos": ["ftp://example.com/x"]}, "ftp://"),
        ({"repos": "acme/api"}, "repos"),
        ({"docker_image": "Bad Image!"}, "Bad Image!"),
        ({"name": ""}, "name"),
        ({"setup_commands": [1, 2]}, "setup_commands"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_environment_input_is_refused_clearly(server, token, fields, mentions):
    """CP-8, WK-9: bad env var names (also those the task's shell reserves), malformed or
    option-like repo specs and wrong types answer 422 naming the problem."""
    before = _call(server, "GET", "/environments", token).json()["environments"]
    response = _call(server, "POST", "/environments", token, json={"name": "x", "docker_image": "busybox", **fields})
    assert response.status_code == 422, response.text
    assert mentions in response.json()["error"]
    assert _call(server, "GET", "/environments", token).json()["environments"] == before


def test_bad_update_changes_nothing(server, token):
    """CP-8: a refused PATCH leaves the environment as it was."""
    env = _create(server, token, env_vars={"A": "1"})
    response = _call(server, "PATCH", f"/environments/{env['id']}", token, json={"name": "ok", "repos": ["-x"]})
    assert response.status_code == 422
    after = _call(server, "GET", f"/environments/{env['id']}", token).json()
    assert after["name"] == "web" and after["env_vars"] == {"A": "1"}
