"""A real ``oz-app --headless --login`` process attacked over HTTP: forged client addresses and
the session cookie's attributes (SEC-5, SEC-8)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, new_database_url, wait_for


def start(tmp_path: Path, **env: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    full_env = {
        # NiceGUI behaves as under test when it sees PYTEST_CURRENT_TEST: a real start must not
        **{k: v for k, v in os.environ.items() if not k.startswith(("OZ_", "DATABASE_URL", "AUTH_", "PYTEST_"))},
        "DATABASE_URL": new_database_url(tmp_path),
        "OZ_CONFIG_FILE": "",
        **env,
    }
    command = [sys.executable, "-m", "oz_app.cli", "--headless", "--login", "--port", str(port)]
    command += ["--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        command, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _healthy(base), timeout=30)
    return base, process


def _healthy(base: str) -> bool:
    try:
        return httpx.get(base + "/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    base, process = start(tmp_path, OZ_PUBLIC_URL="https://oz.example.com")
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_a_forged_forwarded_for_does_not_escape_the_share_limit(server: str) -> None:
    """SEC-8: the share page's 60 views a minute count the socket's address; X-Forwarded-For
    from a client that is not a trusted proxy changes nothing."""
    with httpx.Client(base_url=server, timeout=10) as client:
        answers = [
            client.get("/share/no-such-link", headers={"X-Forwarded-For": f"10.0.{i // 250}.{i % 250}"}).status_code
            for i in range(61)
        ]
    assert answers[:60] == [404] * 60
    assert answers[60] == 429


def test_the_session_cookie_is_http_only_lax_and_secure_behind_https(server: str) -> None:
    """SEC-5: with OZ_PUBLIC_URL on https the session cookie is Secure, HttpOnly and SameSite=Lax,
    and lives as long as a session (OZ_SESSION_DAYS, 7 by default); pages may not be framed."""
    response = httpx.get(server + "/login", timeout=10)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert f"max-age={7 * 86400}" in cookie
    assert response.headers["x-frame-options"] == "DENY"
    assert "form-action 'self'" in response.headers["content-security-policy"]
