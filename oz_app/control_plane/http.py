"""HTTP plumbing shared by every route: request ids, body limit, JSON errors, auth (CP-1, CP-7, CP-8)."""

from __future__ import annotations

import hmac
import re
import sqlite3
import time
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import BaseORMException

from oz_app.control_plane.tokens import digest, resolve
from oz_app.storage import is_disk_full, note_full_write

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
REQUEST_ID_STATE = "request_id"  # where the id is kept in request.state
INTERNAL_ERROR = "Internal error; the request id identifies it in the server log."


class ApiError(Exception):
    """An error a caller caused; answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "request_id": request_id_var.get()}, status_code=status, headers=headers)


class RequestContextMiddleware:
    """Gives every request an id (the caller's ``X-Request-Id`` if sane), refuses oversized
    bodies with 413, and logs one line per request with its id. ``larger_bodies`` maps a path
    pattern (a full match) to the limit of its bodies, for routes that take files."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, larger_bodies: Mapping[re.Pattern[str], int] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger_bodies = dict(larger_bodies or {})

    def limit_for(self, path: str) -> int:
        """The largest body a request to ``path`` may send."""
        for pattern, limit in self.larger_bodies.items():
            if pattern.fullmatch(path):
                return max(limit, self.max_body_bytes)
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if 0 < len(given) <= 128 and given.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status: int | None = None  # set once the answer starts
        received = 0
        too_large = False
        limit = self.limit_for(scope["path"])

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def send_unless_too_large(message: Message) -> None:
            if too_large:  # whatever the app answered to a cut-off body, the caller gets the 413
                if message["type"] == "http.response.start":
                    await self._too_large(limit, scope, receive, send_with_id)
                return
            await send_with_id(message)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        scope.setdefault("state", {})[REQUEST_ID_STATE] = request_id
        try:
            with logger.contextualize(request_id=request_id):
                declared = headers.get(b"content-length")
                if declared is not None and (not declared.isdigit() or int(declared) > limit):
                    await self._too_large(limit, scope, receive, send_with_id)
                    return
                try:
                    await self.app(scope, limited_receive, send_unless_too_large)
                except _BodyTooLarge:
                    await self._too_large(limit, scope, receive, send_with_id)
                except Exception as exc:
                    # Answered here, inside the request's context, so that the log line and the
                    # answer carry the request id (Starlette's last-resort handler runs outside it).
                    if status is None:
                        await failure_response(exc)(scope, receive, send_with_id)
                    else:  # too late for a 500: the server closes the unfinished answer
                        logger.opt(exception=exc).error("unexpected error while handling a request")
                logger.debug(
                    "{} {} -> {} in {:.1f} ms",
                    scope["method"],
                    scope["path"],
                    status,
                    (time.perf_counter() - started) * 1000,
                )
        finally:
            request_id_var.reset(token)

    async def _too_large(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"The request body is larger than the limit of {limit} bytes.")
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _describe_validation(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return 400, "The request body is not valid JSON."
    parts = []
    for error in errors[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
        parts.append(f"{where or 'body'}: {error.get('msg', 'is invalid')}")
    in_body = all(error.get("loc", ("",))[0] == "body" for error in errors)
    return (422 if in_body else 400), "Invalid request: " + "; ".join(parts) + "."


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``{"error": sentence, "request_id": id}``; never a traceback."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _describe_validation(exc)
        return error_response(status, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Not found.", 405: "Method not allowed."}
        if exc.detail == "There was an error parsing the body":  # FastAPI's words for what json.loads refused
            return error_response(
                400, "The request body is not JSON this API reads: nested too deeply or a number too long."
            )
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in messages else None
        return error_response(exc.status_code, detail or messages.get(exc.status_code, "Request failed."), exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Only what escapes RequestContextMiddleware itself lands here, after the request's
        # context has ended: the id is read from the request, and the header added here.
        request_id = getattr(request.state, REQUEST_ID_STATE, "") or uuid.uuid4().hex
        with logger.contextualize(request_id=request_id):
            logger.opt(exception=exc).error("unexpected error while handling a request")
        body = {"error": INTERNAL_ERROR, "request_id": request_id}
        return JSONResponse(body, status_code=500, headers={"X-Request-Id": request_id})

    async def _storage(_: Request, exc: Exception) -> JSONResponse:
        return failure_response(exc)

    # Errors the database or the disk raise, answered inside the request's context.
    for storage_error in (OSError, sqlite3.Error, BaseORMException):
        app.add_exception_handler(storage_error, _storage)


def failure_response(exc: Exception) -> JSONResponse:
    """A request that failed on the server: 503 when the disk or the database is full (SEC-12),
    else 500 (SEC-14); the one place where a full disk becomes an answer."""
    if is_disk_full(exc):
        note_full_write()
        logger.error("a write failed because the disk holding the database is full: {}", exc)
        return error_response(503, "The disk holding the database is full, so nothing was saved; try again later.")
    logger.opt(exception=exc).error("unexpected error while handling a request")
    return error_response(500, INTERNAL_ERROR)


@dataclass(frozen=True)
class Caller:
    """Who sent a request: a tenant (``sha256(token)``) and whether it holds the admin key."""

    tenant: str
    is_admin: bool

    def can_see(self, owner: str | None) -> bool:
        """Admins see everything; a tenant sees its own records and global ones (owner None)."""
        return self.is_admin or owner is None or owner == self.tenant


def tenant_of(token: str) -> str:
    """The tenant a bearer token names: its digest, as an issued tenant token's is stored."""
    return digest(token)


class Authenticator:
    """Turns ``Authorization: Bearer <token>`` into a :class:`Caller` (CP-1, SEC-4).

    ``tokens="any"`` keeps the Oz semantics: any token is a tenant. ``tokens="issued"`` (the
    workspace's control plane, or ``OZ_TENANT_TOKENS=issued``) answers only to the admin key and
    tokens the server issued; any other token gets 401.
    """

    def __init__(self, admin_key: str, tokens: str = "any") -> None:
        self._admin = admin_key.encode()
        self.tokens = tokens

    async def __call__(self, request: Request) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "Missing bearer token: send 'Authorization: Bearer <token>'.")
        if bool(self._admin) and hmac.compare_digest(token.encode(), self._admin):
            return Caller(tenant=tenant_of(token), is_admin=True)
        if self.tokens == "any":
            return Caller(tenant=tenant_of(token), is_admin=False)
        found = await resolve(token)
        if found is None:
            raise ApiError(401, "Unknown or revoked token: use a token issued by this server.")
        return Caller(tenant=found[0], is_admin=found[1])

    async def admin(self, request: Request) -> Caller:
        """A dependency that lets only the admin through (403 for anyone else)."""
        caller = await self(request)
        if not caller.is_admin:
            raise ApiError(403, "Only the admin may do this.")
        return caller
