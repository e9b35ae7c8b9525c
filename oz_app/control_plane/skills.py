"""Skills (CP-12): the ``SKILL.md`` files in the repositories of the caller's environments, listed
by ``GET /agent`` and run by name (a run of a skill needs no prompt).

A skill file starts with YAML front matter holding ``name`` and ``description``; the rest of the
file is the skill's base prompt. Repositories are fetched with ``git`` (shallow, never blocking
the event loop) into bare repositories under ``<data dir>/skills``, read with ``git ls-tree`` and
``git cat-file``, and reused until a caller asks for ``refresh=true``. A repository that cannot
be fetched is reported in the answer's ``unavailable`` list, never as a server error.
"""

import asyncio
import hashlib
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Depends, Query
from loguru import logger
from tortoise.expressions import Q
from tortoise.functions import Max

from oz_app.config import DEFAULT_SKILL_HOSTS
from oz_app.control_plane.environments import valid_repo
from oz_app.control_plane.http import ApiError, Caller
from oz_app.control_plane.inputs import Text, text_problem
from oz_app.control_plane.run_items import stored_time
from oz_app.db.models import Environment, Run

SKILL_FILE = "SKILL.md"
REF = "refs/oz/skills"  # the fetched commit, in each cached bare repository
FETCH_TIMEOUT_SECONDS = 120.0
RETRY_FAILED_SECONDS = 60.0  # a repository that failed is not asked again sooner, unless refreshed
MAX_SKILL_BYTES = 256 * 1024
MAX_SKILLS_PER_REPO = 500
PARALLEL_FETCHES = 4
OWNER_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Repo:
    """A repository as an environment names it: what git fetches, and its owner and name."""

    url: str
    owner: str
    name: str

    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.name}"


def repo_of(spec: str) -> Repo:
    """``owner/repo`` is GitHub's (as the worker's sidecar clones it); a URL keeps its last two
    path parts as owner and name."""
    url = f"https://github.com/{spec}.git" if OWNER_REPO.fullmatch(spec) else spec
    path = spec.removesuffix("/").removesuffix(".git")
    owner, _, name = path.rpartition("/")
    return Repo(url=url, owner=owner.rpartition("/")[2].rpartition(":")[2], name=name)


@dataclass(frozen=True)
class Skill:
    """One ``SKILL.md``; ``error`` says why a malformed one could not be read."""

    repo: Repo
    path: str
    name: str
    description: str = ""
    base_prompt: str = ""
    error: str | None = None

    @property
    def id(self) -> str:
        """The variant id the SDK documents, ``{owner}/{repo}:{skill_path}``."""
        return f"{self.repo.slug}:{self.path}"

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]


class MalformedSkill(ValueError):
    """A SKILL.md that cannot be read as a skill; the message says why."""


def parse_skill(data: bytes) -> tuple[str, str, str]:
    """``(name, description, base prompt)`` of a SKILL.md, or :class:`MalformedSkill`."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise MalformedSkill("SKILL.md is not UTF-8 text") from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise MalformedSkill("SKILL.md does not start with front matter (a '---' line, name: and description:, '---')")
    end = next((index for index, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        raise MalformedSkill("the front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load("".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise MalformedSkill(f"the front matter is not valid YAML: {_yaml_reason(exc)}") from None
    if not isinstance(meta, dict):
        raise MalformedSkill("the front matter must be a mapping with name and description")
    values = []
    for key in ("name", "description"):
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            raise MalformedSkill(f"the front matter has no {key} (text)")
        values.append(value.strip())
    body = "".join(lines[end + 1 :]).strip()
    for what, value in (("name", values[0]), ("description", values[1]), ("body", body)):
        if (problem := text_problem(value)) is not None:
            raise MalformedSkill(f"the {what} {problem}")
    if len(values[0]) > 200:
        raise MalformedSkill("the name is longer than 200 characters")
    return values[0], values[1], body


def _yaml_reason(exc: yaml.YAMLError) -> str:
    """The problem and its line in SKILL.md (the front matter starts on line 2)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        return exc.problem + (f" (line {mark.line + 2})" if mark is not None else "")
    return " ".join(str(exc).split())


def read_skill(repo: Repo, path: str, data: bytes | None) -> Skill:
    """The skill at ``path``; ``data`` None means the file was too large to read."""
    folder = path.rpartition("/")[0]
    fallback = folder.rpartition("/")[2] or repo.name
    if data is None:
        return Skill(repo, path, fallback, error=f"SKILL.md is larger than {MAX_SKILL_BYTES // 1024} KiB")
    try:
        name, description, body = parse_skill(data)
    except MalformedSkill as exc:
        return Skill(repo, path, fallback, error=str(exc))
    return Skill(repo, path, name, description, body)


class FetchError(Exception):
    """A repository git could not fetch or read; the message says why."""


async def git(*args: str, env: dict[str, str], stdin: bytes | None = None, limit: float = 30.0) -> bytes:
    """Run git without a terminal (it never asks for a password) and return its output."""
    process = await asyncio.create_subprocess_exec(
        "git",
        *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), limit)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise FetchError(f"git did not finish within {limit:.0f} s") from None
    if process.returncode != 0:
        raise FetchError(_git_reason(err.decode(errors="replace"), process.returncode))
    return out


def _git_reason(stderr: str, status: int | None) -> str:
    """git's first fatal or error line (what went wrong), else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return "git: " + line.removeprefix(prefix)
    return "git: " + lines[-1] if lines else f"git exited with status {status}"


@dataclass
class Listing:
    """The skills a caller can see, with the environments offering each, and what failed."""

    repos: list[Repo] = field(default_factory=list)
    skills: list[tuple[Skill, list[Environment]]] = field(default_factory=list)
    unavailable: list[dict[str, Any]] = field(default_factory=list)


def host_of(url: str) -> str:
    """The host a repository URL names: ``https://host/...``, ``ssh://user@host:22/...`` or ``user@host:path``."""
    if "://" in url:
        address = url.split("://", 1)[1].split("/", 1)[0]
    else:
        address = url.split(":", 1)[0]
    return address.rpartition("@")[2].split(":", 1)[0].lower()


class SkillLibrary:
    """Fetches and reads the skills of repositories, cached under ``cache_dir``."""

    def __init__(
        self, cache_dir: Path, local_root: Path | None = None, hosts: tuple[str, ...] = DEFAULT_SKILL_HOSTS
    ) -> None:
        self.cache_dir = cache_dir
        self.local_root = local_root
        self.hosts = {host.lower() for host in hosts}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._read: dict[str, tuple[bytes, list[Skill]]] = {}  # cache key -> (commit, skills)
        self._failed: dict[str, tuple[float, str]] = {}  # cache key -> (when, why)
        protocols = "https:http:ssh:git" + (":file" if local_root else "")
        self._env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ALLOW_PROTOCOL": protocols,
            "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"),
            "LC_ALL": "C",
        }

    async def skills_in(self, repo: Repo, refresh: bool = False) -> list[Skill]:
        """The skills of ``repo``, fetched when not cached or when ``refresh``."""
        if repo.url.startswith("file://"):
            if not valid_repo(repo.url, self.local_root):
                raise FetchError("local repositories are allowed only under OZ_LOCAL_REPOS_DIR")
        elif "*" not in self.hosts and host_of(repo.url) not in self.hosts:
            allowed = ", ".join(sorted(self.hosts)) or "none"
            raise FetchError(f"this server fetches skills only from OZ_SKILL_REPO_HOSTS ({allowed})")
        key = hashlib.sha256(repo.url.encode()).hexdigest()[:32]
        folder = self.cache_dir / key
        async with self._locks[key]:
            commit = None if refresh else await self._commit(folder)
            if commit is None:
                await self._fetch(key, repo, folder, refresh)
                commit = await self._commit(folder)
            if commit is None:
                raise FetchError("the fetched repository has no commit")
            cached = self._read.get(key)
            if cached is None or cached[0] != commit:
                cached = (commit, await self._skills_at(repo, folder))
                self._read[key] = cached
            return cached[1]

    async def _commit(self, folder: Path) -> bytes | None:
        if not (folder / "HEAD").exists():
            return None
        try:
            return (await git("-C", str(folder), "rev-parse", "-q", "--verify", REF, env=self._env)).strip()
        except FetchError:
            return None

    async def _fetch(self, key: str, repo: Repo, folder: Path, refresh: bool) -> None:
        failed = self._failed.get(key)
        if failed and not refresh and time.monotonic() - failed[0] < RETRY_FAILED_SECONDS:
            raise FetchError(failed[1])
        try:
            if not (folder / "HEAD").exists():
                self.cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                await git("init", "-q", "--bare", str(folder), env=self._env)
            fetch = ("fetch", "-q", "--depth", "1", "--no-tags", "--end-of-options", repo.url, "HEAD")
            await git("-C", str(folder), *fetch, env=self._env, limit=FETCH_TIMEOUT_SECONDS)
            await git("-C", str(folder), "update-ref", REF, "FETCH_HEAD", env=self._env)
        except FetchError as exc:
            reason = str(exc).replace(str(self.cache_dir), "<cache>")
            self._failed[key] = (time.monotonic(), reason)
            logger.warning("the repository {} could not be fetched for its skills: {}", repo.slug, reason)
            raise FetchError(reason) from None
        self._failed.pop(key, None)

    async def _skills_at(self, repo: Repo, folder: Path) -> list[Skill]:
        listing = await git("-C", str(folder), "ls-tree", "-r", "-z", "-l", REF, env=self._env)
        found: list[tuple[str, str, int]] = []
        for record in listing.split(b"\0"):
            meta, _, raw_path = record.partition(b"\t")
            parts = meta.split()
            path = raw_path.decode("utf-8", errors="replace")
            if len(parts) == 4 and parts[1] == b"blob" and (path == SKILL_FILE or path.endswith("/" + SKILL_FILE)):
                found.append((path, parts[2].decode(), int(parts[3])))
        found = sorted(found)[:MAX_SKILLS_PER_REPO]
        wanted = [oid for _, oid, size in found if size <= MAX_SKILL_BYTES]
        blobs = await self._blobs(folder, wanted)
        return await asyncio.to_thread(lambda: [read_skill(repo, path, blobs.get(oid)) for path, oid, _ in found])

    async def _blobs(self, folder: Path, oids: list[str]) -> dict[str, bytes]:
        if not oids:
            return {}
        stdin = "".join(f"{oid}\n" for oid in oids).encode()
        out = await git("-C", str(folder), "cat-file", "--batch", env=self._env, stdin=stdin)
        blobs: dict[str, bytes] = {}
        at = 0
        while at < len(out):
            header_end = out.index(b"\n", at)
            header = out[at:header_end].decode().split()
            at = header_end + 1
            if len(header) == 3:  # "<oid> blob <size>"; a missing object is "<oid> missing"
                size = int(header[2])
                blobs[header[0]] = out[at : at + size]
                at += size + 1
        return blobs

    async def listing(self, caller: Caller, keep: Callable[[Repo], bool], refresh: bool = False) -> Listing:
        """The skills of the repositories ``keep`` accepts among the caller's environments'."""
        repos: dict[str, tuple[Repo, list[Environment]]] = {}
        for environment in await visible_environments(caller):
            for spec in environment.repos:
                repo = repo_of(spec)
                if keep(repo):
                    repos.setdefault(repo.url, (repo, []))[1].append(environment)
        gate = asyncio.Semaphore(PARALLEL_FETCHES)

        async def one(repo: Repo) -> list[Skill] | FetchError:
            async with gate:
                try:
                    return await self.skills_in(repo, refresh)
                except FetchError as exc:
                    return exc

        results = await asyncio.gather(*(one(repo) for repo, _ in repos.values()))
        listing = Listing(repos=[repo for repo, _ in repos.values()])
        for (repo, environments), result in zip(repos.values(), results, strict=True):
            if isinstance(result, FetchError):
                where = [environment_ref(environment) for environment in environments]
                listing.unavailable.append({"repo": repo.slug, "environments": where, "error": str(result)})
            else:
                listing.skills.extend((skill, environments) for skill in result)
        return listing

    async def find(self, caller: Caller, spec: str) -> Skill:
        """The one well-formed skill ``spec`` names ("owner/repo:path", "repo:name" ...), else 400."""
        repo_part, colon, skill_part = spec.partition(":")
        if not colon or not repo_part or not skill_part:
            raise ApiError(400, f"{spec!r} is not a skill: write owner/repo:path/to/SKILL.md or repo:skill_name.")
        listing = await self.listing(caller, lambda repo: _repo_matches(repo, repo_part))
        named = [skill for skill, _ in listing.skills if _skill_matches(skill, skill_part)]
        exact = [skill for skill in named if skill.path == skill_part and not skill.error]
        usable = exact or [skill for skill in named if not skill.error]
        ids = sorted({skill.id for skill in usable})
        if len(ids) == 1:
            return usable[0]
        if len(ids) > 1:
            raise ApiError(400, f"The skill {spec!r} is ambiguous: {', '.join(ids[:5])}; give one of these ids.")
        raise ApiError(400, _not_found(spec, named, listing.unavailable))


def _not_found(spec: str, named: list[Skill], unavailable: list[dict[str, Any]]) -> str:
    if named:
        return f"The skill {spec!r} is malformed: {named[0].error}."
    message = f"No skill {spec!r} was found in the repositories of your environments."
    if unavailable:
        failed = unavailable[0]
        message += f" {failed['repo']} could not be fetched: {failed['error']}."
    return message


def _repo_matches(repo: Repo, part: str) -> bool:
    part = part.lower()
    return part == repo.slug.lower() or ("/" not in part and part == repo.name.lower())


def _skill_matches(skill: Skill, part: str) -> bool:
    part = part.strip("/")
    return part in (skill.path, skill.folder, skill.name, skill.folder.rpartition("/")[2])


async def visible_environments(caller: Caller) -> list[Environment]:
    """The environments the caller may use: its own and global ones; the admin's are all."""
    query = Environment.all() if caller.is_admin else Environment.filter(Q(tenant=caller.tenant) | Q(tenant=None))
    return list(await query.order_by("name", "id"))


def environment_ref(environment: Environment) -> dict[str, str]:
    return {"uid": environment.id, "name": environment.name}


async def last_runs(caller: Caller, ids: Iterable[str]) -> dict[str, datetime]:
    """When the caller last ran each skill id (``Run.skill_spec``)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    query = Run.filter(skill_spec__in=wanted)
    if not caller.is_admin:
        query = query.filter(tenant=caller.tenant)
    rows = await query.group_by("skill_spec").annotate(last=Max("created_at")).values("skill_spec", "last")
    return {row["skill_spec"]: last for row in rows if (last := stored_time(row["last"])) is not None}


def skills_view(listing: Listing, last: dict[str, datetime], include_malformed: bool, sort_by: str) -> dict[str, Any]:
    """The SDK's ``AgentListResponse``: skills by name, each with its variants (one per file)."""
    variants: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for skill, environments in listing.skills:
        if skill.error and not include_malformed:
            continue
        variant = variants.get(skill.id)
        if variant is None:
            variant = variants[skill.id] = _variant(skill, last.get(skill.id))
            names[skill.id] = skill.name
        known = {ref["uid"] for ref in variant["environments"]}
        variant["environments"] += [environment_ref(env) for env in environments if env.id not in known]
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for skill_id, variant in variants.items():
        grouped[names[skill_id]].append(variant)
    agents: list[dict[str, Any]] = [
        {"name": name, "variants": sorted(group, key=lambda v: v["id"])} for name, group in grouped.items()
    ]
    agents.sort(key=lambda agent: (agent["name"].lower(), agent["name"]))
    if sort_by == "last_run":
        agents.sort(key=lambda agent: _newest(agent["variants"]), reverse=True)
    return {"agents": agents, "unavailable": listing.unavailable}


def _newest(variants: list[dict[str, Any]]) -> str:
    return max((variant["last_run_timestamp"] or "" for variant in variants), default="")


def _variant(skill: Skill, last_run: datetime | None) -> dict[str, Any]:
    return {
        "id": skill.id,
        "base_prompt": skill.base_prompt,
        "description": skill.description,
        "environments": [],
        "source": {"owner": skill.repo.owner, "name": skill.repo.name, "skill_path": skill.path},
        "error": skill.error,
        "last_run_timestamp": last_run.astimezone(UTC).isoformat() if last_run else None,
    }


_active: SkillLibrary | None = None


def install(library: SkillLibrary) -> None:
    """Make ``library`` the one :func:`find_skill` and :func:`resolve_skill` use (the control plane's)."""
    global _active
    _active = library


async def find_skill(caller: Caller, spec: str) -> Skill:
    """The skill ``spec`` names among the caller's environments' repositories, else ApiError(400)."""
    if _active is None:
        raise ApiError(400, "Skills are not available in this process.")
    return await _active.find(caller, spec)


async def resolve_skill(caller: Caller, spec: str) -> tuple[str, str]:
    """``(skill name, base prompt)`` for a run of the skill ``spec``, else ApiError(400) naming it."""
    skill = await find_skill(caller, spec)
    return skill.name, skill.base_prompt


async def skill_for_run(caller: Caller, spec: str) -> tuple[str, str, str]:
    """``(skill id, name, base prompt)``: a run stores the id, as ``sort_by=last_run`` matches it."""
    skill = await find_skill(caller, spec)
    return skill.id, skill.name, skill.base_prompt


def build_router(auth: Any, library: SkillLibrary) -> APIRouter:
    """``GET /agent``: the skills the caller can run."""
    router = APIRouter(tags=["agents"])
    CallerDep = Annotated[Caller, Depends(auth)]

    @router.get("/agent", summary="List the skills in the repositories of your environments")
    async def list_skills(
        caller: CallerDep,
        include_malformed_skills: bool = False,
        refresh: bool = False,
        repo: Annotated[Text | None, Query(max_length=200)] = None,
        sort_by: Literal["name", "last_run"] = "name",
    ) -> dict[str, Any]:
        if repo is not None and not OWNER_REPO.fullmatch(repo):
            raise ApiError(400, f"repo {repo!r} is not a repository: write it as owner/repo.")
        listing = await library.listing(caller, lambda found: repo is None or _repo_matches(found, repo), refresh)
        if repo is not None and not listing.repos:
            raise ApiError(404, f"None of your environments has the repository {repo}.")
        last = await last_runs(caller, (skill.id for skill, _ in listing.skills))
        return skills_view(listing, last, include_malformed_skills, sort_by)

    return router
