"""Who the API answers to, attacked through the real SDK and real control-plane processes:
tokens the admin issued (``OZ_TENANT_TOKENS=issued``), invented tokens, and a stored provider
key that must never travel to a new address (SEC-3, SEC-4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oz_agent_sdk import AuthenticationError

from tests.conftest import ADMIN_KEY, sdk
from tests.fake_llm import FakeOpenAI

ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def issue(server: Any, name: str) -> dict[str, Any]:
    response = httpx.post(server.api + "/admin/tokens", json={"name": name}, headers=ADMIN, timeout=10)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_issued_tokens_only(make_server: Any) -> None:
    """SEC-4: with OZ_TENANT_TOKENS=issued an invented token reads nothing (401); a token the admin
    issued is a tenant of its own until it is revoked; only the admin issues tokens."""
    server = make_server({"OZ_TENANT_TOKENS": "issued"})
    assert "only tokens the admin issued are accepted" in server.log()
    with pytest.raises(AuthenticationError):
        sdk(server, "invented-token").agent.runs.list()
    team_a, team_b = issue(server, "team a"), issue(server, "team b")
    assert team_a["token"] not in httpx.get(server.api + "/admin/tokens", headers=ADMIN, timeout=10).text
    run = sdk(server, team_a["token"]).agent.run(prompt="hello")
    assert [r.run_id for r in sdk(server, team_a["token"]).agent.runs.list()] == [run.run_id]
    assert list(sdk(server, team_b["token"]).agent.runs.list()) == []
    forbidden = httpx.post(
        server.api + "/admin/tokens", json={"name": "x"}, headers={"Authorization": f"Bearer {team_a['token']}"}
    )
    assert forbidden.status_code == 403
    assert httpx.delete(f"{server.api}/admin/tokens/{team_a['id']}", headers=ADMIN).status_code == 204
    with pytest.raises(AuthenticationError):
        sdk(server, team_a["token"]).agent.runs.list()


def test_the_default_says_any_token_is_a_tenant(make_server: Any) -> None:
    """SEC-4: the headless control plane keeps the Oz semantics and says so when it starts."""
    server = make_server()
    assert "any bearer token is a tenant of its own" in server.log()
    assert list(sdk(server, "made-up").agent.runs.list()) == []


def test_a_stored_key_never_goes_to_a_new_address(make_server: Any) -> None:
    """SEC-3: moving a stored provider to another base URL (or type) without typing its key
    again is refused, and the new address never sees the key; with the key it is allowed."""
    owner, attacker = FakeOpenAI(), FakeOpenAI()
    try:
        server = make_server()
        url = f"{server.api}/providers/team"
        stored = {"type": "openai_compatible", "base_url": owner.url, "api_key": "sk-owner-secret"}
        assert httpx.put(url, json=stored, headers=ADMIN, timeout=10).status_code == 200
        moved = {"type": "openai_compatible", "base_url": attacker.url}
        refused = httpx.put(url, json=moved, headers=ADMIN, timeout=10)
        assert refused.status_code == 422 and "needs its API key again" in refused.json()["error"]
        run = sdk(server, ADMIN_KEY).agent.run(prompt="hi")
        _wait_done(server, run.run_id)
        assert attacker.requests == []
        assert owner.requests and owner.requests[0]["headers"]["Authorization"] == "Bearer sk-owner-secret"
        allowed = httpx.put(url, json={**moved, "api_key": "sk-new"}, headers=ADMIN, timeout=10)
        assert allowed.status_code == 200 and "sk-" not in allowed.text
    finally:
        owner.close()
        attacker.close()


def _wait_done(server: Any, run_id: str) -> None:
    from tests.conftest import wait_for

    client = sdk(server, ADMIN_KEY)
    wait_for(lambda: client.agent.runs.retrieve(run_id).state in ("SUCCEEDED", "FAILED"), timeout=20)
