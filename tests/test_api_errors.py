"""Bad input answers a clear 4xx JSON error and changes nothing; health, request ids, CORS (CP-7, CP-8)."""

from __future__ import annotations

import httpx
import oz_agent_sdk
import pytest

from tests.conftest import sdk


def _post(server, token, path, **kwargs):
    return httpx.post(
        server.api + path, headers={"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}, **kwargs
    )


def _assert_clear_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and "/oz_app/" not in response.text and ".py" not in response.text


def test_invalid_json_is_400(server, token):
    """CP-8: a body that is not JSON."""
    response = _post(server, token, "/agent/runs", content=b"{not json", headers={"content-type": "application/json"})
    _assert_clear_error(response, 400)
    assert "not valid JSON" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": 42},
        {"prompt": ""},
        {"prompt": " \n\t "},
        {"prompt": "x", "config": "abc"},
        {"prompt": "x", "config": {"model_id": 7}},
        [1],
    ],
)
def test_wrong_types_are_refused_and_nothing_is_created(server, token, body):
    """CP-8: wrong or missing fields are a 4xx naming the field; no run appears."""
    response = _post(server, token, "/agent/runs", json=body)
    assert 400 <= response.status_code < 500
    _assert_clear_error(response, response.status_code)
    assert sdk(server, token).agent.runs.list().runs == []


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc",
        "limit=0",
        "limit=1000",
        "limit=-1",
        "cursor=%%%",
        "cursor=bm90LWpzb24",
        "state=DONE",
        "sort_by=x",
        "sort_order=sideways",
        "created_after=yesterday",
        "created_after=2026-01-01T00:00:00",
    ],
)
def test_bad_list_parameters_are_400(server, token, query):
    """CP-8: bad limit, cursor, state, sort or timestamp answer 400, never 500 or a file path."""
    response = httpx.get(f"{server.api}/agent/runs?{query}", headers={"Authorization": f"Bearer {token}"})
    _assert_clear_error(response, 400)


def test_cursor_from_another_sort_is_refused(server, token):
    """CP-8: a cursor is tied to its sort order."""
    client = sdk(server, token)
    for i in range(3):
        client.agent.run(prompt=f"r{i}")
    cursor = client.agent.runs.list(limit=1).page_info.next_cursor
    response = httpx.get(
        f"{server.api}/agent/runs?limit=1&sort_order=asc&cursor={cursor}", headers={"Authorization": f"Bearer {token}"}
    )
    _assert_clear_error(response, 400)


def test_oversized_body_is_413(server, token):
    """CP-8: bodies over the documented 1 MiB limit are refused before they are parsed."""
    response = _post(server, token, "/agent/runs", json={"prompt": "x" * (1024 * 1024 + 10)})
    _assert_clear_error(response, 413)
    assert sdk(server, token).agent.runs.list().runs == []

    def chunks():
        for _ in range(40):
            yield b"x" * 65536

    chunked = _post(server, token, "/agent/runs", content=chunks(), headers={"content-type": "application/json"})
    _assert_clear_error(chunked, 413)


def test_unknown_ids_are_404(server, token):
    """CP-8: unknown run and environment ids answer 404 JSON."""
    client = sdk(server, token)
    with pytest.raises(oz_agent_sdk.NotFoundError):
        client.agent.runs.retrieve("no-such-run")
    with pytest.raises(oz_agent_sdk.NotFoundError):
        client.agent.runs.cancel("no-such-run")
    response = httpx.get(server.api + "/environments/nope", headers={"Authorization": f"Bearer {token}"})
    _assert_clear_error(response, 404)
    _assert_clear_error(httpx.get(server.api + "/no/such/route", headers={"Authorization": f"Bearer {token}"}), 404)


def test_health_request_id_and_openapi(server):
    """CP-7: /health needs no auth; X-Request-Id is echoed or generated; the OpenAPI document is served."""
    health = httpx.get(server.url + "/health", headers={"X-Request-Id": "trace-me-42"})
    assert health.status_code == 200
    assert health.json() == {"ok": True, "db": "ok"}
    assert health.headers["x-request-id"] == "trace-me-42"
    generated = httpx.get(server.url + "/health").headers["x-request-id"]
    assert len(generated) >= 16
    spec = httpx.get(server.api + "/openapi.json").json()
    assert "/api/v1/agent/runs" in spec["paths"]
    assert "/api/v1/environments" in spec["paths"]


def test_cors_allows_the_configured_origin_only(make_server):
    """CP-7: CORS answers for OZ_CORS_ORIGIN and not for other origins."""
    srv = make_server({"OZ_CORS_ORIGIN": "https://workspace.example"})
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = httpx.options(srv.api + "/agent/runs", headers={"Origin": "https://workspace.example", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://workspace.example"
    denied = httpx.options(srv.api + "/agent/runs", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in denied.headers
