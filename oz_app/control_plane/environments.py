"""Environments, in the seed's shape (``/environments``) and the SDK's (``/agent/environments``) (CP-5).

Environment variable values are secrets: sealed at rest, shown only to the owner and the admin,
never logged.
"""

import pathlib
import re
import secrets
import string
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from tortoise.expressions import Q

from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text
from oz_app.db.models import Environment
from oz_app.secrets import Vault
from oz_app.task_input import SHELL_RESERVED

REDACTED = "********"
_ALPHABET = string.ascii_letters + string.digits
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OWNER_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$")
_HTTP_REPO = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%-]+)+/?$")
_SSH_REPO = re.compile(r"^(ssh://)?[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d+)?[:/][A-Za-z0-9._~/-]+$")
_FILE_REPO = re.compile(r"^file:///[A-Za-z0-9._~/-]+$")  # only under OZ_LOCAL_REPOS_DIR (CP-12)
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*$")
REPO_FORMS = "use owner/repo, an https URL or an ssh URL"
EnvironmentId = Annotated[Text, Path(max_length=32)]  # longer names no environment


def valid_repo(spec: str, local_root: pathlib.Path | None = None) -> bool:
    """owner/repo, an http(s) URL or an ssh URL; nothing option-like (``-...``) or with spaces.
    A ``file://`` URL only when it names a folder under ``local_root`` (``OZ_LOCAL_REPOS_DIR``)."""
    if spec.startswith("-") or ".." in spec:
        return False
    if _FILE_REPO.fullmatch(spec):
        return local_root is not None and pathlib.Path(spec.removeprefix("file://")).resolve().is_relative_to(
            local_root
        )
    return any(pattern.fullmatch(spec) for pattern in (_OWNER_REPO, _HTTP_REPO, _SSH_REPO))


def _check_local_repos(repos: list[str] | None, local_root: pathlib.Path | None) -> None:
    """The field validator lets ``file://`` URLs through; here they must lie under ``local_root``."""
    for spec in repos or []:
        if not valid_repo(spec, local_root):
            raise ApiError(422, f"Invalid request: repos: {spec!r} is not a repository: {REPO_FORMS}.")


class _EnvironmentFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: Text | None = Field(None, max_length=10_000)
    repos: list[Annotated[Text, Field(max_length=2000)]] | None = Field(None, max_length=50)
    setup_commands: list[Annotated[Text, Field(max_length=10_000)]] | None = Field(None, max_length=100)
    env_vars: dict[Annotated[Text, Field(max_length=200)], Annotated[Text, Field(max_length=32_768)]] | None = Field(
        None, max_length=200
    )

    @field_validator("repos")
    @classmethod
    def _repos(cls, repos: list[str] | None) -> list[str] | None:
        for spec in repos or []:
            if not (valid_repo(spec) or _FILE_REPO.fullmatch(spec)):
                raise ValueError(f"{spec!r} is not a repository: {REPO_FORMS}")
        return repos

    @field_validator("env_vars")
    @classmethod
    def _env_names(cls, env_vars: dict[str, str] | None) -> dict[str, str] | None:
        for name in env_vars or {}:
            if not _ENV_NAME.fullmatch(name):
                raise ValueError(
                    f"{name!r} is not a valid variable name (letters, digits, _; not starting with a digit)"
                )
            if name in SHELL_RESERVED or name.startswith("_oz_"):
                raise ValueError(f"{name!r} is reserved by the shell that starts a task (WK-9); rename it")
        return env_vars


def _check_image(image: str | None) -> str | None:
    if image is not None and not _IMAGE.fullmatch(image):
        raise ValueError(f"{image!r} is not a Docker image reference")
    return image


class EnvironmentCreate(_EnvironmentFields):
    name: Text = Field(min_length=1, max_length=200)
    docker_image: Text = Field(min_length=1, max_length=500)
    scope: Literal["tenant", "global"] = "tenant"
    _image = field_validator("docker_image")(_check_image)


class EnvironmentUpdate(_EnvironmentFields):
    name: Text | None = Field(None, min_length=1, max_length=200)
    docker_image: Text | None = Field(None, min_length=1, max_length=500)
    _image = field_validator("docker_image")(_check_image)


def _new_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(22))


def cloud_config(environment: Environment) -> dict[str, Any]:
    """An environment as the SDK's ``CloudEnvironmentConfig`` (no secrets in it)."""
    github_repos = []
    for spec in environment.repos:
        path = spec.removesuffix(".git").rstrip("/")
        owner, _, repo = path.rpartition("/")
        github_repos.append({"owner": owner.rpartition("/")[2].rpartition(":")[2], "repo": repo})
    return {
        "name": environment.name,
        "description": environment.description,
        "docker_image": environment.docker_image,
        "github_repos": github_repos,
        "setup_commands": environment.setup_commands,
    }


def build_router(auth: Any, vault: Vault, local_repos: pathlib.Path | None = None) -> APIRouter:
    router = APIRouter(tags=["environments"])
    CallerDep = Annotated[Caller, Depends(auth)]

    def env_vars_for(environment: Environment, caller: Caller) -> dict[str, str]:
        values: dict[str, str] = vault.open(environment.env_vars_sealed)
        if caller.is_admin or environment.tenant == caller.tenant:
            return values
        return dict.fromkeys(values, REDACTED)

    def seed_shape(environment: Environment, caller: Caller) -> dict[str, Any]:
        return {
            "environment_id": environment.id,
            "id": environment.id,
            "name": environment.name,
            "description": environment.description,
            "docker_image": environment.docker_image,
            "repos": environment.repos,
            "setup_commands": environment.setup_commands,
            "env_vars": env_vars_for(environment, caller),
            "scope": "global" if environment.tenant is None else "tenant",
            "created_at": environment.created_at.isoformat(),
            "updated_at": environment.updated_at.isoformat(),
        }

    def sdk_shape(environment: Environment) -> dict[str, Any]:
        return {
            "uid": environment.id,
            "config": cloud_config(environment),
            "last_updated": environment.updated_at.isoformat(),
            "setup_failed": False,
            "scope": {"type": "Team"}
            if environment.tenant is None
            else {"type": "User", "uid": environment.tenant[:16]},
        }

    async def visible(environment_id: str, caller: Caller) -> Environment:
        environment = await Environment.get_or_none(id=environment_id)
        if environment is None or not caller.can_see(environment.tenant):
            raise ApiError(404, f"Environment {environment_id} was not found.")
        return environment

    async def writable(environment_id: str, caller: Caller) -> Environment:
        environment = await visible(environment_id, caller)
        if not caller.is_admin and environment.tenant != caller.tenant:
            raise ApiError(403, "Only the admin can change a global environment.")
        return environment

    def visible_query(caller: Caller) -> Any:
        if caller.is_admin:
            return Environment.all()
        return Environment.filter(Q(tenant=caller.tenant) | Q(tenant__isnull=True))

    @router.post("/environments", status_code=201, summary="Create an environment")
    async def create(body: EnvironmentCreate, caller: CallerDep) -> dict[str, Any]:
        if body.scope == "global" and not caller.is_admin:
            raise ApiError(403, "Only the admin can create a global environment.")
        _check_local_repos(body.repos, local_repos)
        stamp = service.now()
        environment = await Environment.create(
            id=_new_id(),
            tenant=None if body.scope == "global" else caller.tenant,
            name=body.name,
            description=body.description or "",
            docker_image=body.docker_image,
            repos=body.repos or [],
            setup_commands=body.setup_commands or [],
            env_vars_sealed=vault.seal(body.env_vars or {}),
            created_at=stamp,
            updated_at=stamp,
        )
        return seed_shape(environment, caller)

    @router.get("/environments", summary="List environments (seed shape)")
    async def list_seed(caller: CallerDep) -> dict[str, Any]:
        environments = await visible_query(caller).order_by("-updated_at", "id")
        return {"environments": [seed_shape(environment, caller) for environment in environments]}

    @router.get("/environments/{environment_id}", summary="Get an environment")
    async def get(environment_id: EnvironmentId, caller: CallerDep) -> dict[str, Any]:
        return seed_shape(await visible(environment_id, caller), caller)

    @router.patch("/environments/{environment_id}", summary="Change an environment")
    async def update(environment_id: EnvironmentId, body: EnvironmentUpdate, caller: CallerDep) -> dict[str, Any]:
        environment = await writable(environment_id, caller)
        _check_local_repos(body.repos, local_repos)
        changes = body.model_dump(exclude_none=True)
        if "env_vars" in changes:
            environment.env_vars_sealed = vault.seal(changes.pop("env_vars"))
        for name, value in changes.items():
            setattr(environment, name, value)
        environment.updated_at = service.now()
        await environment.save()
        return seed_shape(environment, caller)

    @router.delete("/environments/{environment_id}", status_code=204, summary="Delete an environment")
    async def delete(environment_id: EnvironmentId, caller: CallerDep) -> Response:
        environment = await writable(environment_id, caller)
        await environment.delete()
        return Response(status_code=204)

    @router.get("/agent/environments", summary="List environments (SDK shape)")
    async def list_sdk(caller: CallerDep, sort_by: Literal["name", "last_updated"] = "last_updated") -> dict[str, Any]:
        ordering = ("name", "id") if sort_by == "name" else ("-updated_at", "id")
        environments = await visible_query(caller).order_by(*ordering)
        return {"environments": [sdk_shape(environment) for environment in environments]}

    return router
