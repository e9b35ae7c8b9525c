"""Hostile input to the API: never a 5xx; a clear 4xx that changes nothing (SEC-13), and a 500
that does happen carries its request id in the answer and in the log (SEC-14).

Every case here answered 500 before (on SQLite, PostgreSQL or both): control characters and NUL
in text, integers over 64 bits and deep nesting in ``config``, timestamps that overflow when
turned into UTC, ids longer than their columns.
"""

from __future__ import annotations

import base64
import io
import json

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import ADMIN_KEY


def _nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def _objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _cursor(**raw: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def _call(server, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:  # sent as written: json.dumps would refuse the deepest documents
        headers["content-type"] = "application/json"
    return httpx.request(method, server.api + path, headers=headers, content=body, timeout=10)


def _assert_clear_error(response, statuses=(400, 422)):
    assert response.status_code in statuses, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"].endswith(".")
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and ".py" not in response.text
    return body["error"]


LONG_RUN_ID = "r" * 37
LONG_ENVIRONMENT_ID = "e" * 33

RUN_BODIES = {
    "prompt-only-a-control-character": ('{"prompt": "\\u001c"}', "control character"),
    "prompt-with-nul": ('{"prompt": "a\\u0000b"}', "control character"),
    "prompt-with-escape": ('{"prompt": "colour \\u001b[31mred"}', "control character"),
    "prompt-with-lone-surrogate": ('{"prompt": "a\\ud800b"}', "surrogate"),
    "config-with-lone-surrogate": ('{"prompt": "hi", "config": {"x": "\\udfff"}}', "surrogate"),
    "title-with-nul": ('{"prompt": "hi", "title": "t\\u0000"}', "control character"),
    "config-string-with-nul": ('{"prompt": "hi", "config": {"name": "\\u0000"}}', "control character"),
    "config-extra-with-nul": ('{"prompt": "hi", "config": {"skill": {"x": ["\\u0000"]}}}', "control character"),
    "config-key-with-nul": ('{"prompt": "hi", "config": {"k\\u0000": 1}}', "control character"),
    "config-integer-over-64-bits": ('{"prompt": "hi", "config": {"x": 1180591620717411303424}}', "64-bit"),
    "config-negative-integer-over-64-bits": ('{"prompt": "hi", "config": {"x": -9223372036854775809}}', "64-bit"),
    "config-not-finite": ('{"prompt": "hi", "config": {"x": Infinity}}', "finite"),
    "config-nested-254-deep": (f'{{"prompt": "hi", "config": {{"x": {_nested(254)}}}}}', "levels"),
    "config-nested-300-deep": (f'{{"prompt": "hi", "config": {{"x": {_objects(300)}}}}}', "levels"),
    "body-nested-100000-deep": (f'{{"prompt": "hi", "config": {{"x": {_nested(100_000)}}}}}', "nested too deeply"),
    "body-with-a-5000-digit-number": (f'{{"prompt": "hi", "config": {{"x": {"9" * 5000}}}}}', "number too long"),
    "config-environment-id-33": (f'{{"prompt": "hi", "config": {{"environment_id": "{"e" * 33}"}}}}', "32"),
    "config-environment-id-64": (f'{{"prompt": "hi", "config": {{"environment_id": "{"e" * 64}"}}}}', "32"),
}


@pytest.mark.parametrize("path", ["/agent/runs", "/agent/run"])
@pytest.mark.parametrize(("body", "says"), RUN_BODIES.values(), ids=RUN_BODIES.keys())
def test_hostile_run_bodies_are_refused_and_create_nothing(server, token, path, body, says):
    """SEC-13: text with control characters, NUL or lone surrogates, and a config holding an
    integer over 64 bits, a non-finite number, nesting 254+ levels deep or an environment id
    longer than any environment's, answer a clear 4xx naming the problem; no run appears."""
    error = _assert_clear_error(_call(server, "POST", path, token, body))
    assert says in error
    listed = _call(server, "GET", "/agent/runs", token)
    assert listed.status_code == 200 and listed.json()["runs"] == []


def test_tabs_and_line_breaks_are_fine_in_a_prompt(server, token):
    """SEC-13: the control characters of ordinary text (tab, LF, CR) are accepted and kept."""
    prompt = "first line\r\n\tindented\nlast"
    created = _call(server, "POST", "/agent/runs", token, json.dumps({"prompt": prompt, "metadata": {"k": "a\tb"}}))
    assert created.status_code == 201, created.text
    run = _call(server, "GET", f"/agent/runs/{created.json()['run_id']}", token).json()
    assert run["prompt"] == prompt and run["title"] == "first line"
    assert run["metadata"] == {"k": "a\tb"}


LIST_QUERIES = {
    "created-after-overflows-utc": "created_after=9999-12-31T23:59:59-23:59",
    "created-before-underflows-utc": "created_before=0001-01-01T00:00:00%2B23:59",
    "q-with-nul": "q=%00",
    "model-id-with-nul": "model_id=a%00",
    "model-id-too-long": "model_id=" + "m" * 201,
    "environment-id-with-nul": "environment_id=%00",
    "environment-id-too-long": "environment_id=" + "e" * 33,
    "q-too-long": "q=" + "q" * 1001,
    "cursor-with-nul-id": "sort_by=title&cursor=" + _cursor(s="title", o="desc", v="x", i="\u0000"),
    "cursor-with-nul-title": "sort_by=title&cursor=" + _cursor(s="title", o="desc", v="\u0000", i="x"),
    "cursor-overflowing-utc": "cursor=" + _cursor(s="created_at", o="desc", v="9999-12-31T23:59:59-23:59", i="x"),
}


@pytest.mark.parametrize("query", LIST_QUERIES.values(), ids=LIST_QUERIES.keys())
def test_hostile_list_parameters_are_400(server, token, query):
    """SEC-13: list filters with NUL, longer than their columns, or timestamps that overflow when
    converted to UTC (in the query or in a forged cursor) answer 400 with a sentence naming the
    parameter."""
    error = _assert_clear_error(_call(server, "GET", f"/agent/runs?{query}", token), (400,))
    assert query.split("&")[-1].split("=")[0] in error


ID_PATHS = {
    "get-run": ("GET", f"/agent/runs/{LONG_RUN_ID}"),
    "cancel-run": ("POST", f"/agent/runs/{LONG_RUN_ID}/cancel"),
    "follow-run": ("GET", f"/agent/runs/{LONG_RUN_ID}/events"),
    "get-run-nul": ("GET", "/agent/runs/%00"),
    "get-environment": ("GET", f"/environments/{LONG_ENVIRONMENT_ID}"),
    "patch-environment": ("PATCH", f"/environments/{LONG_ENVIRONMENT_ID}"),
    "delete-environment": ("DELETE", f"/environments/{LONG_ENVIRONMENT_ID}"),
    "get-environment-nul": ("GET", "/environments/a%00"),
}


@pytest.mark.parametrize(("method", "path"), ID_PATHS.values(), ids=ID_PATHS.keys())
def test_ids_longer_than_their_column_or_with_nul_are_400(server, token, method, path):
    """SEC-13: a run id over 36 characters, an environment id over 32, or one with NUL, is a 400
    naming the id (as admin too, who may see every record)."""
    body = '{"name": "x"}' if method == "PATCH" else None
    for caller in (token, ADMIN_KEY):
        error = _assert_clear_error(_call(server, method, path, caller, body), (400,))
        assert "_id" in error


ENVIRONMENT_BODIES = {
    "name-with-nul": {"name": "a\u0000", "docker_image": "python"},
    "description-with-nul": {"name": "a", "docker_image": "python", "description": "\u0000"},
    "setup-command-with-nul": {"name": "a", "docker_image": "python", "setup_commands": ["make\u0000"]},
    "env-value-with-nul": {"name": "a", "docker_image": "python", "env_vars": {"A": "\u0000"}},
    "env-name-with-newline": {"name": "a", "docker_image": "python", "env_vars": {"A\n": "1"}},
    "image-with-newline": {"name": "a", "docker_image": "python\n"},
    "repo-with-newline": {"name": "a", "docker_image": "python", "repos": ["acme/api\n"]},
}


@pytest.mark.parametrize("body", ENVIRONMENT_BODIES.values(), ids=ENVIRONMENT_BODIES.keys())
def test_hostile_environment_bodies_are_refused_and_change_nothing(server, token, body):
    """SEC-13: environment fields with NUL or a trailing newline are a 422; nothing is created, and
    a PATCH with them leaves the environment as it was."""
    _assert_clear_error(_call(server, "POST", "/environments", token, json.dumps(body)), (422,))
    assert _call(server, "GET", "/environments", token).json()["environments"] == []
    created = _call(server, "POST", "/environments", token, '{"name": "keep", "docker_image": "python"}').json()
    changes = {key: value for key, value in body.items() if key != "docker_image" or "\n" in value}
    path = f"/environments/{created['id']}"
    _assert_clear_error(_call(server, "PATCH", path, token, json.dumps(changes)), (422,))
    assert _call(server, "GET", path, token).json() == created


PROVIDER_CASES = {
    "model-with-nul": ("abc", {"type": "openai_compatible", "model": "\u0000"}),
    "cli-args-with-nul": ("abc", {"type": "openai_compatible", "cli_args": "\u0000"}),
    "limit-over-32-bits": ("abc", {"type": "openai_compatible", "msg_limit": 2**31}),
    "window-over-32-bits": ("abc", {"type": "openai_compatible", "window_seconds": 2**40}),
    "key-with-trailing-newline": ("abc%0A", {"type": "openai_compatible"}),
    "key-too-long": ("k" * 41, {"type": "openai_compatible"}),
}


def test_hostile_provider_input_is_refused_and_stores_nothing(make_server):
    """SEC-13: PUT /providers/{key} with NUL in a field, a number beyond the column or a key with
    a trailing newline is a clear 4xx; no provider is stored. DELETE of such a key is a 400 (or
    404 when the key itself is fine)."""
    srv = make_server()
    for key, body in PROVIDER_CASES.values():
        _assert_clear_error(_call(srv, "PUT", f"/providers/{key}", ADMIN_KEY, json.dumps(body)))
        _assert_clear_error(_call(srv, "DELETE", f"/providers/{key}", ADMIN_KEY), (400, 404))
    assert _call(srv, "GET", "/providers", ADMIN_KEY).json()["providers"] == []


# ---------------------------------------------------------------------------------------------
# SEC-14: a 500 that still happens
# ---------------------------------------------------------------------------------------------


async def test_an_unexpected_error_answers_500_with_its_request_id_and_logs_the_traceback(tmp_path):
    """SEC-14: an exception escaping a route answers a JSON 500 whose body and X-Request-Id
    header carry the same id, and the one log line for it has that id and the traceback."""
    from loguru import logger

    from oz_app import logging as oz_logging
    from oz_app.config import load_settings
    from oz_app.control_plane.app import ControlPlane, build_api
    from oz_app.plugins import new_manager

    settings = load_settings({"OZ_ADMIN_API_KEY": ADMIN_KEY, "OZ_CONFIG_FILE": ""}, data_dir=str(tmp_path))
    app: FastAPI = build_api(ControlPlane(settings, new_manager()))

    async def explode() -> None:
        raise RuntimeError("a bug nobody foresaw")

    app.add_api_route("/api/v1/test-only/explode", explode)

    stderr = io.StringIO()
    sink = logger.add(lambda message: oz_logging._json_sink(message, stderr), level="ERROR")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            given = await client.get("/api/v1/test-only/explode", headers={"X-Request-Id": "trace-500"})
            generated = await client.get("/api/v1/test-only/explode")
    finally:
        logger.remove(sink)

    for response in (given, generated):
        assert response.status_code == 500
        request_id = response.headers["x-request-id"]
        assert response.json() == {
            "error": "Internal error; the request id identifies it in the server log.",
            "request_id": request_id,
        }
    assert given.headers["x-request-id"] == "trace-500"
    lines = [json.loads(line) for line in stderr.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["trace-500", generated.headers["x-request-id"]]
    for line in lines:
        assert "RuntimeError: a bug nobody foresaw" in line["traceback"]
        assert "Traceback (most recent call last)" in line["traceback"] and "explode" in line["traceback"]
