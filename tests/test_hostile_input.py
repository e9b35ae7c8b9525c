"""Hostile input to the API: never a 5xx; a clear 4xx that changes nothing (SEC-13), and a 500
that does happen carries its request id in the answer and in the log (SEC-14).

Every case here answered 500 before (on SQLite, PostgreSQL or both): control characters and NUL
in text, integers over 64 bits and deep nesting in ``config``, timestamps that overflow when
turned into UTC, ids longer than their columns.
"""

from __future__ import annotations

import io
import json

import httpx
from fastapi import FastAPI

from tests.conftest import ADMIN_KEY


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
