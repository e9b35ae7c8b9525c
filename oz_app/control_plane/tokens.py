"""Bearer tokens the server issued (SEC-4): users' personal API tokens and the admin's tenant
tokens. Only a token's sha256 is stored; the token itself is shown once, when it is made.

A personal token acts as its user (tenant ``user:<id>``, the tenant of the runs their messages
start; an admin's token is admin). A tenant token the admin issued is the tenant
``sha256(token)``, exactly as an unissued token is under ``OZ_TENANT_TOKENS=any``.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from oz_app.control_plane.service import now
from oz_app.db.models import ApiToken, User

LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often per token


def digest(token: str) -> str:
    """sha256 of a secret token: what is stored of tokens, sessions and invites, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


USER_TENANT = "user:"


def user_tenant(user_id: str) -> str:
    """The tenant of a workspace user's runs."""
    return f"{USER_TENANT}{user_id}"


def tenant_user(tenant: str | None) -> str | None:
    """The workspace user a tenant of :func:`user_tenant` names; None for any other tenant."""
    if not tenant or not tenant.startswith(USER_TENANT):
        return None
    return tenant.removeprefix(USER_TENANT) or None


class TokenError(ValueError):
    """A token request that cannot be done; the message says why."""


async def create_token(user: User | None, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` (None: a tenant token) and the token itself, shown only now."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 100 or not name.isprintable():
        raise TokenError("A token needs a name of 1 to 100 printable characters.")
    token = "oz_" + secrets.token_urlsafe(32)
    record = await ApiToken.create(
        id=uuid.uuid4().hex, token_hash=digest(token), name=name, user=user, created_at=now()
    )
    return record, token


async def tokens_of(user: User | None) -> list[ApiToken]:
    """``user``'s tokens, or with None the admin's tenant tokens (``user=None`` is ``IS NULL``)."""
    return await ApiToken.filter(user=user).order_by("-created_at")


async def revoke_token(user: User | None, token_id: str) -> bool:
    return bool(await ApiToken.filter(id=token_id, user=user).delete())


async def resolve(token: str) -> tuple[str, bool] | None:
    """``(tenant, is_admin)`` of an issued token, or None for an unknown, revoked or disabled one."""
    record = await ApiToken.get_or_none(token_hash=digest(token)).prefetch_related("user")
    if record is None:
        return None
    user: User | None = record.user
    if user is not None and user.disabled:
        return None
    stamp = now()
    if record.last_used_at is None or stamp - record.last_used_at > LAST_USED_RESOLUTION:
        await ApiToken.filter(id=record.id).update(last_used_at=stamp)
    if user is None:
        return record.token_hash, False
    return user_tenant(user.id), user.role == "admin"


def token_view(record: ApiToken) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "created_at": record.created_at.isoformat(),
        "last_used_at": record.last_used_at.isoformat() if record.last_used_at else None,
    }


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: StrictStr = Field(min_length=1, max_length=100)


def build_router(admin: Any) -> APIRouter:
    """``/admin/tokens``: the admin issues, lists and revokes tenant tokens."""
    from oz_app.control_plane.http import ApiError

    router = APIRouter(prefix="/admin/tokens", tags=["admin"])
    AdminDep = Annotated[Any, Depends(admin)]

    @router.post("", status_code=201, summary="Issue a tenant token (admin); the token is in this answer only")
    async def issue(body: TokenIn, _: AdminDep) -> dict[str, Any]:
        try:
            record, token = await create_token(None, body.name)
        except TokenError as exc:
            raise ApiError(422, str(exc)) from None
        return {**token_view(record), "token": token, "tenant": record.token_hash}

    @router.get("", summary="List tenant tokens (admin), without the tokens themselves")
    async def listed(_: AdminDep) -> dict[str, Any]:
        return {"tokens": [token_view(record) for record in await tokens_of(None)]}

    @router.delete("/{token_id}", status_code=204, summary="Revoke a tenant token (admin)")
    async def revoke(token_id: str, _: AdminDep) -> Response:
        if len(token_id) > 32 or not await revoke_token(None, token_id):
            raise ApiError(404, "No such token.")
        return Response(status_code=204)

    return router
