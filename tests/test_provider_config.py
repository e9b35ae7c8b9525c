"""Providers configured in the database through the admin API (PR-2, WS-11): keys sealed, never returned."""

from __future__ import annotations

import secrets
import sqlite3

import httpx
import pytest

from tests.conftest import ADMIN_KEY, TEST_DATABASE, sdk, wait_for
from tests.fake_llm import FakeOpenAI


@pytest.fixture
def fake():
    server = FakeOpenAI(words=["from", " the", " database"])
    yield server
    server.close()


def _admin(server, method, path, **kwargs):
    return httpx.request(method, server.api + path, headers={"Authorization": f"Bearer {ADMIN_KEY}"}, **kwargs)


def test_a_provider_added_through_the_api_answers_runs(make_server, fake, token):
    """PR-2: a provider stored in the database answers runs like one from the environment."""
    srv = make_server({"OZ_DEFAULT_PROVIDER": "stored"})
    key = "sk-" + secrets.token_hex(16)
    response = _admin(
        srv,
        "PUT",
        "/providers/stored",
        json={"type": "openai_compatible", "base_url": fake.url, "model": "m", "api_key": key},
    )
    assert response.status_code == 200, response.text
    assert response.json()["has_api_key"] is True and key not in response.text
    client = sdk(srv, token)
    run_id = client.agent.run(prompt="hi").run_id
    run = wait_for(lambda: (r := client.agent.runs.retrieve(run_id)).state in ("SUCCEEDED", "FAILED") and r)
    assert (run.state, run.output, run.provider) == ("SUCCEEDED", "from the database", "stored")
    assert fake.requests[0]["headers"]["Authorization"] == f"Bearer {key}"

    listed = _admin(srv, "GET", "/providers")
    assert key not in listed.text
    [stored] = listed.json()["providers"]
    assert stored["key"] == "stored" and stored["source"] == "database" and stored["base_url"] == fake.url

    # omitting api_key keeps it; the change takes effect for the next run
    assert _admin(
        srv, "PUT", "/providers/stored", json={"type": "openai_compatible", "base_url": fake.url, "model": "m2"}
    ).json()["has_api_key"]
    second = client.agent.run(prompt="again").run_id
    wait_for(lambda: client.agent.runs.retrieve(second).state == "SUCCEEDED")
    assert fake.requests[1]["body"]["model"] == "m2"
    assert fake.requests[1]["headers"]["Authorization"] == f"Bearer {key}"

    assert _admin(srv, "DELETE", "/providers/stored").status_code == 204
    assert _admin(srv, "GET", "/providers").json()["providers"] == []
    assert key not in srv.log()
    if TEST_DATABASE == "sqlite":
        with sqlite3.connect(srv.database_url.removeprefix("sqlite://")) as conn:
            assert conn.execute("SELECT count(*) FROM providers").fetchone() == (0,)


@pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="reads the SQLite file directly")
def test_provider_keys_are_encrypted_at_rest(make_server, fake):
    """PR-2: the database never holds a provider's API key in clear text."""
    srv = make_server()
    key = "sk-" + secrets.token_hex(16)
    _admin(srv, "PUT", "/providers/enc", json={"type": "openai_compatible", "base_url": fake.url, "api_key": key})
    with sqlite3.connect(srv.database_url.removeprefix("sqlite://")) as conn:
        assert key not in str(conn.execute("SELECT * FROM providers").fetchall())


def test_only_the_admin_manages_providers_and_bad_input_changes_nothing(make_server, fake, token):
    """PR-2, CP-8: tenants get 403; unknown types, bad keys and environment-defined providers are refused."""
    srv = make_server({"OZ_PROVIDER_FIXED_TYPE": "openai_compatible", "OZ_PROVIDER_FIXED_API_KEY": "env-secret-key"})
    tenant = {"Authorization": f"Bearer {token}"}
    assert httpx.get(srv.api + "/providers", headers=tenant).status_code == 403
    body = {"type": "openai_compatible", "base_url": fake.url}
    assert httpx.put(srv.api + "/providers/mine", json=body, headers=tenant).status_code == 403

    unknown = _admin(srv, "PUT", "/providers/x", json={"type": "no-such-type"})
    assert unknown.status_code == 422 and "openai_compatible" in unknown.json()["error"]
    assert _admin(srv, "PUT", "/providers/Bad-Key", json=body).status_code == 400
    assert _admin(srv, "PUT", "/providers/x", json={**body, "msg_limit": -1}).status_code == 422
    assert _admin(srv, "PUT", "/providers/x", json={**body, "base_url": "ftp://x"}).status_code == 422
    clash = _admin(srv, "PUT", "/providers/fixed", json=body)
    assert clash.status_code == 409 and "OZ_PROVIDER_FIXED_" in clash.json()["error"]
    assert _admin(srv, "DELETE", "/providers/fixed").status_code == 409
    assert _admin(srv, "DELETE", "/providers/nothere").status_code == 404

    [fixed] = _admin(srv, "GET", "/providers").json()["providers"]
    assert fixed["key"] == "fixed" and fixed["source"] == "environment" and fixed["has_api_key"] is True
    assert "env-secret-key" not in _admin(srv, "GET", "/providers").text
