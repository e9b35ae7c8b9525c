"""Skills through the official oz-agent-sdk client, sync and async: ``GET /agent`` lists the
SKILL.md files of the caller's environments' repositories (real git repositories in a temporary
folder, allowed by ``OZ_LOCAL_REPOS_DIR``), and runs and agents find a skill by its spec (CP-12)."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import oz_agent_sdk
import pytest

from oz_app.control_plane import service
from oz_app.control_plane.http import ApiError, Caller, tenant_of
from oz_app.control_plane.skills import resolve_skill
from oz_app.db.models import Run
from oz_app.plugins import new_manager
from tests.conftest import TEST_DATABASE, Server, drop_postgres_database, in_process_app, new_database_url, sdk
from tests.conftest import start_server as start_control_plane

DEPLOY = "---\nname: deploy\ndescription: Ships the service\n---\nRun the deploy script, then check /health.\n"
REVIEW = "---\nname: review\ndescription: >\n  Reviews a change\n  line by line\n---\nRead the diff twice.\n"


def make_repo(root: Path, slug: str, files: dict[str, str]) -> str:
    """A git repository at ``root/slug`` holding ``files``, as a file:// URL."""
    folder = root / slug
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    commit(folder, files)
    return f"file://{folder}"


def commit(folder: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "skills"], check=True)


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repos")
    make_repo(
        root,
        "acme/tools",
        {
            ".claude/skills/deploy/SKILL.md": DEPLOY,
            "skills/review/SKILL.md": REVIEW,
            "broken/SKILL.md": "no front matter here\n",
            "bad-yaml/SKILL.md": "---\nname: [unclosed\n---\nbody\n",
            "README.md": "not a skill",
        },
    )
    make_repo(root, "acme/other", {"SKILL.md": "---\nname: deploy\ndescription: Another deploy\n---\nOther.\n"})
    return root


@pytest.fixture(scope="module")
def skills_server(tmp_path_factory: pytest.TempPathFactory, repos: Path) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("skills-plane")
    url = new_database_url(data_dir)
    server = start_control_plane(data_dir, url, {"OZ_LOCAL_REPOS_DIR": str(repos)})
    yield server
    server.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(url)


def environment(server: Any, token: str, repos: list[str], name: str = "py") -> httpx.Response:
    body = {"name": name, "docker_image": "python:3.11", "repos": repos}
    return httpx.post(server.api + "/environments", json=body, headers={"Authorization": f"Bearer {token}"})


def names(listing: Any) -> list[str]:
    return [agent.name for agent in listing.agents]


def test_skills_of_the_callers_environments(skills_server: Server, repos: Path) -> None:
    """CP-12: GET /agent lists each SKILL.md of the environments' repositories once, by name, with
    its variant id, description, base prompt (the body) and environments; malformed ones only
    when asked, with their parse error; another tenant sees none of them."""
    token = "tenant-" + secrets.token_hex(8)
    env = environment(skills_server, token, [f"file://{repos}/acme/tools", f"file://{repos}/acme/other"]).json()
    environment(skills_server, token, [f"file://{repos}/acme/tools"], name="second")
    listing = sdk(skills_server, token).agent.list()
    assert names(listing) == ["deploy", "review"]
    deploy = {variant.id: variant for variant in listing.agents[0].variants}
    assert sorted(deploy) == ["acme/other:SKILL.md", "acme/tools:.claude/skills/deploy/SKILL.md"]
    tools = deploy["acme/tools:.claude/skills/deploy/SKILL.md"]
    assert tools.base_prompt == "Run the deploy script, then check /health."
    assert tools.description == "Ships the service" and tools.error is None
    assert (tools.source.owner, tools.source.name, tools.source.skill_path) == (
        "acme",
        "tools",
        ".claude/skills/deploy/SKILL.md",
    )
    assert sorted(e.name for e in tools.environments) == ["py", "second"]
    assert [e.uid for e in deploy["acme/other:SKILL.md"].environments] == [env["id"]]
    assert listing.agents[1].variants[0].description == "Reviews a change line by line"

    malformed = sdk(skills_server, token).agent.list(include_malformed_skills=True)
    errors = {v.id: v.error for agent in malformed.agents for v in agent.variants if v.error}
    assert "does not start with front matter" in errors["acme/tools:broken/SKILL.md"]
    assert "not valid YAML" in errors["acme/tools:bad-yaml/SKILL.md"]
    assert sdk(skills_server, "tenant-" + secrets.token_hex(8)).agent.list().agents == []


def test_repo_narrows_and_refresh_fetches_again(skills_server: Server, repos: Path) -> None:
    """CP-12: repo=owner/repo lists that repository's skills only (404 for one no environment has,
    400 for what is no owner/repo); a new commit shows only after refresh=true."""
    token = "tenant-" + secrets.token_hex(8)
    url = make_repo(repos / "fresh" / secrets.token_hex(4), "team/fresh", {"a/SKILL.md": DEPLOY})
    local = Path(url.removeprefix("file://"))
    environment(skills_server, token, [url, f"file://{repos}/acme/other"])
    client = sdk(skills_server, token)
    only = client.agent.list(repo="team/fresh")
    assert [v.id for agent in only.agents for v in agent.variants] == ["team/fresh:a/SKILL.md"]
    commit(local, {"b/SKILL.md": REVIEW})
    assert names(client.agent.list(repo="team/fresh")) == ["deploy"]  # the cached fetch
    assert names(client.agent.list(repo="team/fresh", refresh=True)) == ["deploy", "review"]
    with pytest.raises(oz_agent_sdk.NotFoundError, match="None of your environments has the repository acme/tools"):
        client.agent.list(repo="acme/tools")
    with pytest.raises(oz_agent_sdk.BadRequestError, match="owner/repo"):
        client.agent.list(repo="-upload-pack=evil")


def test_a_repository_that_cannot_be_fetched_is_reported(skills_server: Server, repos: Path) -> None:
    """CP-12: a repository git cannot fetch is named in ``unavailable`` with git's reason; the
    others are still listed and the answer is a 200."""
    token = "tenant-" + secrets.token_hex(8)
    environment(skills_server, token, [f"file://{repos}/acme/missing", f"file://{repos}/acme/other"])
    listing = sdk(skills_server, token).agent.list()
    assert names(listing) == ["deploy"]
    [failed] = listing.unavailable
    assert failed["repo"] == "acme/missing" and failed["error"] and failed["environments"][0]["name"] == "py"


def test_local_repositories_only_under_the_allowed_folder(
    skills_server: Server, server: Server, tmp_path: Path
) -> None:
    """CP-12: a file:// repository outside OZ_LOCAL_REPOS_DIR, or on a server without it, is no
    repository (422), and no environment is made."""
    token = "tenant-" + secrets.token_hex(8)
    outside = make_repo(tmp_path, "x/y", {"SKILL.md": DEPLOY})
    for plane in (skills_server, server):
        refused = environment(plane, token, [outside])
        assert refused.status_code == 422 and "is not a repository" in refused.json()["error"]
    assert httpx.get(server.api + "/environments", headers={"Authorization": f"Bearer {token}"}).json() == {
        "environments": []
    }


async def test_last_run_order_resolve_and_agents_skills(tmp_path: Path, repos: Path) -> None:
    """CP-12: sort_by=last_run puts the skill run most recently first (from runs' skill_spec);
    resolve_skill finds a skill by "repo:name", "owner/repo:path" or its folder and refuses an
    unknown or malformed one with a 400 naming it; an agent's skills are stored as variant ids."""
    token = "tenant-" + secrets.token_hex(8)
    caller = Caller(tenant_of(token), False)
    async with in_process_app(tmp_path, new_manager(), OZ_LOCAL_REPOS_DIR=str(repos)) as app:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test/api/v1")
        client = oz_agent_sdk.AsyncOzAPI(api_key=token, base_url="http://test/api/v1", http_client=http)
        response = await http.post(
            "/environments",
            json={"name": "e", "docker_image": "python:3.11", "repos": [f"file://{repos}/acme/tools"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 201
        assert names(await client.agent.list(sort_by="last_run")) == ["deploy", "review"]
        stamp = service.now()
        for spec, tenant, ago in (
            ("acme/tools:skills/review/SKILL.md", caller.tenant, 5),
            ("acme/tools:.claude/skills/deploy/SKILL.md", caller.tenant, 50),
            ("acme/tools:.claude/skills/deploy/SKILL.md", tenant_of("someone else"), 1),
        ):
            at = stamp - timedelta(seconds=ago)
            await Run.create(
                id=secrets.token_hex(8), tenant=tenant, title="t", prompt="p", state="SUCCEEDED", skill_spec=spec,
                created_at=at, updated_at=at,
            )  # fmt: skip
        recent = await client.agent.list(sort_by="last_run")
        assert names(recent) == ["review", "deploy"]
        review = recent.agents[0].variants[0]
        assert abs(review.last_run_timestamp - (stamp - timedelta(seconds=5))) < timedelta(seconds=1)

        for spec in ("tools:review", "acme/tools:skills/review/SKILL.md", "acme/tools:skills/review"):
            assert await resolve_skill(caller, spec) == ("review", "Read the diff twice.")
        for spec, words in (("tools:nothing", "No skill 'tools:nothing'"), ("no-colon", "is not a skill"),
                            ("tools:broken", "is malformed: SKILL.md does not start")):  # fmt: skip
            with pytest.raises(ApiError, match=words) as refused:
                await resolve_skill(caller, spec)
            assert refused.value.status == 400

        agent = await client.agent.agent.create(name="shipper", skills=["tools:deploy"])
        assert agent.skills == ["acme/tools:.claude/skills/deploy/SKILL.md"]
        with pytest.raises(oz_agent_sdk.BadRequestError, match="No skill 'tools:nope'"):
            await client.agent.agent.update(agent.uid, skills=["tools:nope"])
        await http.aclose()


def test_skills_are_fetched_only_from_the_allowed_hosts(tmp_path: Path) -> None:
    """CP-12, SEC: a tenant's environment names its repositories, so the server fetches skills
    only from OZ_SKILL_REPO_HOSTS (GitHub, GitLab, Bitbucket, Codeberg unless set): an address
    inside the network is reported as not allowed, never fetched."""
    from oz_app.control_plane.skills import FetchError, SkillLibrary, repo_of

    library = SkillLibrary(tmp_path / "cache")
    for url in ("http://169.254.169.254/latest/meta-data.git", "ssh://git@intranet:22/ops/x.git", "me@10.0.0.5:x.git"):
        with pytest.raises(FetchError, match="OZ_SKILL_REPO_HOSTS"):
            asyncio.run(library.skills_in(repo_of(url)))
    assert not list((tmp_path / "cache").glob("*"))  # nothing was fetched
