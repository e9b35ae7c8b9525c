"""The OpenAPI document lists every answer the tests saw (CP-14).

While the session runs, every answer a test receives from the API, through httpx (which the SDK
uses) or requests (which schemathesis uses), is noted as ``(method, path, status)``: a set insert
per answer, in this process, whatever server or in-process app gave it. At the end of the session
each is matched to its operation of the document, built from the current code, and a status the
operation does not list fails the run with the list of them. Paths that are no operation's
(unknown paths, 405s, apps a test built itself) are not checked.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

API_PREFIX = "/api/v1"
SEEN: set[tuple[str, str, int]] = set()
_SENDERS: list[tuple[type, str, Callable[..., Any]]] = []


def _note(method: str, path: str, status: int) -> None:
    if path.startswith(API_PREFIX + "/") or path in ("/health", "/metrics"):
        SEEN.add((method.upper(), path, status))


def _noting_sync(send: Callable[..., Any], path_of: Callable[[Any], tuple[str, str]]) -> Callable[..., Any]:
    @functools.wraps(send)
    def noting(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = send(self, request, *args, **kwargs)
        _note(*path_of(request), response.status_code)
        return response

    return noting


def _noting_async(send: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(send)
    async def noting(self: Any, request: httpx.Request, *args: Any, **kwargs: Any) -> Any:
        response = await send(self, request, *args, **kwargs)
        _note(request.method, request.url.path, response.status_code)
        return response

    return noting


def _httpx_path(request: httpx.Request) -> tuple[str, str]:
    return request.method, request.url.path


def _requests_path(request: requests.PreparedRequest) -> tuple[str, str]:
    return str(request.method), urllib.parse.unquote(urllib.parse.urlsplit(str(request.url)).path)


def start() -> None:
    """Note every answer from now on."""
    for owner, name, wrap in (
        (httpx.Client, "send", lambda send: _noting_sync(send, _httpx_path)),
        (httpx.AsyncClient, "send", _noting_async),
        (requests.Session, "send", lambda send: _noting_sync(send, _requests_path)),
    ):
        original = getattr(owner, name)
        _SENDERS.append((owner, name, original))
        setattr(owner, name, wrap(original))


def stop() -> None:
    while _SENDERS:
        owner, name, original = _SENDERS.pop()
        setattr(owner, name, original)


def current_document() -> dict[str, Any]:
    """The control plane's OpenAPI document, as the code of this checkout builds it."""
    from oz_app.config import load_settings
    from oz_app.control_plane.app import ControlPlane, build_api
    from oz_app.plugins import new_manager

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            {"OZ_ADMIN_API_KEY": "x", "OZ_CONFIG_FILE": "", "DATABASE_URL": f"sqlite://{folder}/oz.db"},
            data_dir=folder,
        )
        return build_api(ControlPlane(settings, new_manager())).openapi()


def undocumented(document: dict[str, Any], seen: Iterable[tuple[str, str, int]]) -> list[str]:
    """``"METHOD /template status"`` for each answer in ``seen`` its operation does not list."""
    operations = []
    for template, methods in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")
        literal = template.count("/") - template.count("{")  # a literal segment wins over a parameter
        for method, operation in methods.items():
            operations.append((method.upper(), pattern, -literal, template, set(operation["responses"])))
    missing = set()
    for method, path, status in seen:
        matches = sorted(
            (rank, template, codes) for m, p, rank, template, codes in operations if m == method and p.match(path)
        )
        if matches and str(status) not in matches[0][2]:
            missing.add(f"{method} {matches[0][1]} {status}")
    return sorted(missing)


def check(session: pytest.Session) -> None:
    """Fail the session if it saw a status the document does not list (writes what it saw)."""
    stop()
    if not SEEN:
        return
    missing = undocumented(current_document(), SEEN)
    if not missing:
        return
    factory = getattr(session.config, "_tmp_path_factory", None)  # pytest's tmp_path_factory
    folder = Path(factory.getbasetemp()) if factory else Path(tempfile.mkdtemp())
    report = folder / "api-answers-seen.json"
    report.write_text(json.dumps(sorted(SEEN), indent=1))
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [
        "CP-14: the tests saw answers the OpenAPI document does not list (add the code to the route's "
        f"entry in oz_app/control_plane/openapi.py ANSWERS, or fix the route); all answers seen: {report}",
        *(f"  {line}" for line in missing),
    ]
    for line in lines:
        if terminal is not None:
            terminal.write_line(line, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
