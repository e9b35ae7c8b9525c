"""Artifacts and handoff attachments through the official SDK, sync and async (CP-13).

A scripted worker (tests/test_worker_hub.py's FakeWorker) uploads files and reports artifacts
exactly as ``oz-app --worker`` does; the real Docker worker is tested in test_worker_e2e.py.
"""

from __future__ import annotations

import inspect
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import oz_agent_sdk
import pytest
from oz_agent_sdk import AsyncOzAPI
from oz_agent_sdk.types.agent_get_artifact_response import (
    FileArtifactResponse,
    PlanArtifactResponse,
    ScreenshotArtifactResponse,
)

from oz_app.control_plane import tokens
from oz_app.control_plane.artifacts import MAX_FILE_BYTES, FileLinks
from oz_app.control_plane.service import now
from oz_app.db.models import Artifact
from oz_app.secrets import Vault
from oz_app.workspace import accounts
from tests.conftest import (
    ADMIN_KEY,
    TEST_DATABASE,
    Server,
    async_sdk,
    drop_postgres_database,
    new_database_url,
    sdk,
    start_server,
)
from tests.test_worker_hub import FakeWorker, _environment, _state
from tests.test_workspace import AGENT_KEY, RETRIES, Tabs, llm, make_room, tabs, workspace_env  # noqa: F401 (fixtures)
from tests.test_workspace_tenancy import member_room, reply_in

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture(scope="module")
def plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A control plane of this module's own: its fake workers take only this module's runs."""
    data_dir = tmp_path_factory.mktemp("artifacts-plane")
    url = new_database_url(data_dir)
    server = start_server(data_dir, url)
    yield server
    server.stop()
    if TEST_DATABASE == "postgres":
        drop_postgres_database(url)


def fetch(url: str, **options: Any) -> httpx.Response:
    """A plain GET, as a browser or a download tool follows a link (blocking: the server is
    another process)."""
    return httpx.get(url, timeout=10, **options)


def upload(
    server: Server, run_id: str, purpose: str, filename: str, body: bytes, mime: str, bearer: str = ADMIN_KEY
) -> httpx.Response:
    """What a worker sends for a file its run left."""
    return httpx.post(
        f"{server.api}/selfhosted/runs/{run_id}/files",
        params={"purpose": purpose, "filename": filename},
        content=body,
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": mime},
        timeout=30,
    )


async def finished_run(server: Server, token: str, files: list[tuple[str, str, bytes, str]], report: Any) -> str:
    """A run a worker executed: it uploads ``files`` (purpose, name, bytes, type) and completes
    the run reporting ``report(file_ids)`` as its artifacts. Returns the run id."""
    client = sdk(server, token)
    run_id = client.agent.run(prompt="make things", config={"environment_id": _environment(server, token)}).run_id
    async with FakeWorker(server, worker_id=f"w-{uuid.uuid4().hex[:8]}") as worker:
        assignment = await worker.receive()
        assert assignment["data"]["task_id"] == run_id
        await worker.send("task_claimed", {"task_id": run_id})
        file_ids = []
        for purpose, name, body, mime in files:
            response = upload(server, run_id, purpose, name, body, mime)
            assert response.status_code == 201, response.text
            file_ids.append(response.json()["file_id"])
        result = {"task_id": run_id, "output": "done\n", "artifacts": report(file_ids), "exit_code": 0}
        await worker.send("task_completed", result)
        await _state(client, run_id, "SUCCEEDED")
    return run_id


async def read(client: Any, uid: str) -> Any:
    """``client.agent.get_artifact(uid)`` with the sync or the async client."""
    answer = client.agent.get_artifact(uid)
    return await answer if inspect.isawaitable(answer) else answer


def every_kind(file_ids: list[str]) -> list[dict[str, Any]]:
    return [
        {"artifact_type": "PLAN", "data": {"title": "The plan", "content": "# Plan\n\n1. fix it"}},
        {"artifact_type": "PULL_REQUEST", "data": {"url": "https://github.com/acme/api/pull/7", "branch": "oz/fix"}},
        {
            "artifact_type": "EXTERNAL_REFERENCE",
            "data": {"reference_type": "linear_issue", "url": "https://linear.app/acme/issue/AC-1", "title": "AC-1"},
        },
        {"artifact_type": "FILE", "file_id": file_ids[0], "data": {"filepath": "out/report.txt", "title": "Report"}},
        {"artifact_type": "SCREENSHOT", "file_id": file_ids[1], "data": {"description": "the page"}},
    ]


EVERY_FILE = [("artifact", "report.txt", b"all good\n", "text/plain"), ("artifact", "shot.png", PNG, "image/png")]


async def test_every_kind_is_listed_on_its_run_and_retrievable_by_uid(plane: Server, token: str) -> None:
    """CP-13: plan, pull request, reference, file and screenshot reported by a worker are listed
    on the run (retrieve and list) and each is read by its uid: the plan's markdown, the files
    through signed links that serve their bytes, type and name."""
    run_id = await finished_run(plane, token, EVERY_FILE, every_kind)
    client = sdk(plane, token)
    listed = client.agent.runs.retrieve(run_id).artifacts
    assert [a.artifact_type for a in listed] == ["PLAN", "PULL_REQUEST", "EXTERNAL_REFERENCE", "FILE", "SCREENSHOT"]
    assert [a.artifact_type for a in client.agent.runs.list().runs[0].artifacts] == [a.artifact_type for a in listed]
    plan_item, pr_item, _, file_item, shot_item = listed
    assert file_item.data.filename == "report.txt" and file_item.data.filepath == "out/report.txt"
    assert (file_item.data.mime_type, file_item.data.size_bytes, file_item.data.title) == ("text/plain", 9, "Report")
    assert shot_item.data.mime_type == "image/png" and pr_item.data.branch == "oz/fix"

    plan = client.agent.get_artifact(plan_item.data.artifact_uid)
    assert isinstance(plan, PlanArtifactResponse)
    assert (plan.data.content, plan.data.content_type, plan.data.title) == (
        "# Plan\n\n1. fix it",
        "text/markdown",
        "The plan",
    )
    assert plan.data.document_uid == plan_item.data.document_uid and plan.artifact_uid == plan_item.data.artifact_uid

    report = client.agent.get_artifact(file_item.data.artifact_uid)
    assert isinstance(report, FileArtifactResponse)
    assert (report.data.filename, report.data.filepath, report.data.size_bytes) == ("report.txt", "out/report.txt", 9)
    assert timedelta(minutes=14) < report.data.expires_at - datetime.now(UTC) <= timedelta(minutes=15)
    download = fetch(report.data.download_url)  # the link is the permission: no token
    assert download.status_code == 200 and download.content == b"all good\n"
    assert download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"].startswith('attachment; filename="report.txt"')

    shot = client.agent.get_artifact(shot_item.data.artifact_uid)
    assert isinstance(shot, ScreenshotArtifactResponse)
    assert (shot.data.content_type, shot.data.description) == ("image/png", "the page")
    assert fetch(shot.data.download_url).content == PNG


async def test_pull_requests_and_references_read_through_the_sdk(plane: Server, token: str) -> None:
    """CP-13: the SDK's get_artifact types only plans and files; a pull request or a reference
    still comes back with its type, uid, url, branch or reference type, and a markdown summary
    in ``content``, with the sync and the async client."""
    run_id = await finished_run(plane, token, EVERY_FILE, every_kind)
    _, pr_item, reference_item, *_ = sdk(plane, token).agent.runs.retrieve(run_id).artifacts
    for client in (sdk(plane, token), async_sdk(plane, token)):
        pr = await read(client, pr_item.data.artifact_uid)
        reference = await read(client, reference_item.data.artifact_uid)
        assert (pr.artifact_type, pr.artifact_uid) == ("PULL_REQUEST", pr_item.data.artifact_uid)
        assert (pr.data.url, pr.data.branch) == ("https://github.com/acme/api/pull/7", "oz/fix")
        assert "https://github.com/acme/api/pull/7" in pr.data.content and "oz/fix" in pr.data.content
        assert reference.artifact_type == "EXTERNAL_REFERENCE" and reference.data.reference_type == "linear_issue"
        assert (reference.data.url, reference.data.title) == ("https://linear.app/acme/issue/AC-1", "AC-1")


async def test_handoff_attachments_are_listed_with_fresh_links(plane: Server, token: str) -> None:
    """CP-13: the files a run left for handoff are listed (async SDK) with links that download
    them; a run that left none lists nothing."""
    files = [("handoff", "notes.md", b"# where I stopped\n", "text/markdown"), ("handoff", "state.json", b"{}", "")]
    run_id = await finished_run(plane, token, files, lambda ids: [])
    client = async_sdk(plane, token)
    attachments = (await client.agent.runs.list_handoff_attachments(run_id)).attachments
    assert [(a.filename, a.mime_type) for a in attachments] == [
        ("notes.md", "text/markdown"),
        ("state.json", "application/json"),
    ]
    async with httpx.AsyncClient() as web:
        assert (await web.get(attachments[0].download_url)).content == b"# where I stopped\n"
    assert (await client.agent.runs.retrieve(run_id)).artifacts in ([], None)
    bare = await finished_run(plane, token, [], lambda ids: [])
    assert (await client.agent.runs.list_handoff_attachments(bare)).attachments == []


async def test_another_tenant_sees_nothing_and_odd_ids_are_404(plane: Server, token: str) -> None:
    """CP-13: another tenant's artifact, attachments and run answer 404 (sync SDK), so does a
    request without a token; the admin reads them; ids of any length or character are 404."""
    run_id = await finished_run(plane, token, [*EVERY_FILE, ("handoff", "n.txt", b"n", "text/plain")], every_kind)
    uids = [a.data.artifact_uid for a in sdk(plane, token).agent.runs.retrieve(run_id).artifacts]
    intruder = sdk(plane, "tenant-intruder-" + uuid.uuid4().hex)
    for uid in uids:
        with pytest.raises(oz_agent_sdk.NotFoundError):
            intruder.agent.get_artifact(uid)
        assert fetch(f"{plane.api}/agent/artifacts/{uid}").status_code == 404
        assert sdk(plane, ADMIN_KEY).agent.get_artifact(uid).artifact_uid == uid
    with pytest.raises(oz_agent_sdk.NotFoundError):
        intruder.agent.runs.list_handoff_attachments(run_id)
    assert len(sdk(plane, ADMIN_KEY).agent.runs.list_handoff_attachments(run_id).attachments) == 1
    headers = {"Authorization": f"Bearer {token}"}
    for odd in ("x" * 5000, "%00", "%E2%80%AE", "...", "a'b\"c", "%F0%9F%98%80" * 20, str(uuid.uuid4())):
        for path in (f"/agent/artifacts/{odd}", f"/agent/runs/{odd}/handoff/attachments"):
            response = fetch(plane.api + path, headers=headers)
            assert response.status_code == 404, (path, response.text)
            assert response.json()["error"] and response.json()["request_id"]


async def test_public_artifacts_are_read_without_a_token_but_without_the_filepath(plane: Server, token: str) -> None:
    """CP-13: a public artifact is readable without a token; an anonymous read of a public file
    leaves out its filepath, which its owner still sees."""

    def public_file(ids: list[str]) -> list[dict[str, Any]]:
        return [{"artifact_type": "FILE", "file_id": ids[0], "public": True, "data": {"filepath": "secret/dir/a.txt"}}]

    run_id = await finished_run(plane, token, [("artifact", "a.txt", b"hello", "text/plain")], public_file)
    [item] = sdk(plane, token).agent.runs.retrieve(run_id).artifacts
    anonymous = fetch(f"{plane.api}/agent/artifacts/{item.data.artifact_uid}")
    assert anonymous.status_code == 200
    assert "filepath" not in anonymous.json()["data"] and "secret/dir" not in anonymous.text
    assert fetch(anonymous.json()["data"]["download_url"]).content == b"hello"
    assert sdk(plane, token).agent.get_artifact(item.data.artifact_uid).data.filepath == "secret/dir/a.txt"


async def test_download_links_expire_and_cannot_be_altered(plane: Server, token: str) -> None:
    """CP-13: a link with another file's id, a changed expiry or signature, no signature, or an
    expired one is refused with 403 and a JSON sentence; a deleted file's link is 404."""
    files = [("artifact", "a.txt", b"A", "text/plain"), ("artifact", "b.txt", b"B", "text/plain")]

    def two(ids: list[str]) -> list[dict[str, Any]]:
        return [{"artifact_type": "FILE", "file_id": file_id} for file_id in ids]

    run_id = await finished_run(plane, token, files, two)
    items = sdk(plane, token).agent.runs.retrieve(run_id).artifacts
    link_a, link_b = (sdk(plane, token).agent.get_artifact(i.data.artifact_uid).data.download_url for i in items)
    url_a, query_a = link_a.split("?")
    expires = int(query_a.split("expires=")[1].split("&")[0])
    forged = [
        f"{link_b.split('?')[0]}?{query_a}",  # b's address with a's signature
        link_a.replace(f"expires={expires}", f"expires={expires + 3600}"),
        link_a[:-4] + "0000",
        url_a,
    ]
    key = Vault((plane.data_dir / "secret.key").read_bytes().strip()).derive("file links")
    past = int(time.time()) - 1
    file_a = url_a.rsplit("/", 1)[1]
    expired = f"{url_a}?expires={past}&signature={FileLinks(key).signature(file_a, past)}"
    for link in forged:
        refused = fetch(link)
        assert refused.status_code == 403 and "not valid" in refused.json()["error"], link
    refused = fetch(expired)
    assert refused.status_code == 403 and "expired" in refused.json()["error"]
    assert fetch(link_a).content == b"A"


async def test_the_upload_route_is_admin_only_size_limited_and_checked(plane: Server, token: str) -> None:
    """CP-13: only the admin uploads; a file over the limit is 413, a bad purpose or name 422, an
    unknown run 404; none of them stores anything."""
    client = sdk(plane, token)
    run_id = client.agent.run(prompt="x", config={"environment_id": _environment(plane, token)}).run_id
    as_tenant = upload(plane, run_id, "handoff", "a.txt", b"x", "text/plain", bearer=token)
    assert as_tenant.status_code == 403
    assert upload(plane, run_id, "handoff", "big.bin", b"\0" * (MAX_FILE_BYTES + 1), "").status_code == 413
    assert upload(plane, run_id, "secrets", "a.txt", b"x", "text/plain").status_code == 422
    assert upload(plane, run_id, "handoff", "..", b"x", "text/plain").status_code == 422
    assert upload(plane, run_id, "handoff", "a\x01.txt", b"x", "text/plain").status_code == 422
    assert upload(plane, run_id, "handoff", "a.txt", b"x", "not a type").status_code == 422
    assert upload(plane, str(uuid.uuid4()), "handoff", "a.txt", b"x", "text/plain").status_code == 404
    assert client.agent.runs.list_handoff_attachments(run_id).attachments == []
    client.agent.runs.cancel(run_id)


async def test_a_bad_reported_artifact_is_skipped_and_the_rest_kept(plane: Server, token: str) -> None:
    """CP-13: a worker's report with a javascript: link, an unknown type or another run's file
    loses only those items; the run succeeds with its good artifacts."""
    other_run = await finished_run(plane, token, [("artifact", "o.txt", b"o", "text/plain")], lambda ids: [])
    other_file = upload(plane, other_run, "artifact", "theirs.txt", b"t", "text/plain").json()["file_id"]

    def mixed(ids: list[str]) -> list[dict[str, Any]]:
        return [
            {"artifact_type": "PULL_REQUEST", "data": {"url": "javascript:alert(1)", "branch": "x"}},
            {"artifact_type": "VIDEO", "data": {}},
            {"artifact_type": "FILE", "file_id": other_file},
            "not an object",
            {"artifact_type": "PULL_REQUEST", "data": {"url": "https://github.com/acme/api/pull/8", "branch": "b"}},
        ]

    run_id = await finished_run(plane, token, [], mixed)
    artifacts = sdk(plane, token).agent.runs.retrieve(run_id).artifacts
    assert [(a.artifact_type, a.data.url) for a in artifacts] == [
        ("PULL_REQUEST", "https://github.com/acme/api/pull/8")
    ]


async def test_room_artifacts_reach_their_owner_through_the_sdk(tabs: Tabs) -> None:  # noqa: F811
    """CP-13, WS-7: what agents post to a room through the agent API is the room owner's: their
    personal token reads the plan, pull request and document (a markdown file) on the run they
    name, through the SDK, as well as one stored before CP-13; another member's token gets 404 and
    cannot attach to their run."""
    await accounts.sign_up("root", "correct horse battery", policy="open")  # the first account: the admin
    bob, room = await member_room(tabs, "bob")
    ann, _ = await member_room(tabs, "ann")
    await tabs.workspace.conductor.post(room, "bob", "@helper hi")
    run_id = (await reply_in(room)).run_id
    web = tabs.user.http_client
    agent = {"X-Agent-Key": AGENT_KEY}
    posted = [
        {"kind": "plan", "title": "The plan", "content": "# Plan\n\nstep 1", "run_id": run_id},
        {"kind": "pull_request", "title": "PR 7", "url": "https://git.example/pr/7", "branch": "b7", "run_id": run_id},
        {"kind": "document", "title": "Design notes", "content": "## Notes\n", "run_id": run_id},
    ]
    for body in posted:
        response = await web.post(f"/internal/agent/rooms/{room.id}/artifacts", json=body, headers=agent)
        assert response.status_code == 201, response.text
    _, bob_token = await tokens.create_token(bob, "sdk")
    _, ann_token = await tokens.create_token(ann, "sdk")
    bob_sdk = AsyncOzAPI(api_key=bob_token, base_url=f"{web.base_url}/api/v1", http_client=web, max_retries=0)
    listed = (await bob_sdk.agent.runs.retrieve(run_id)).artifacts
    assert [a.artifact_type for a in listed] == ["PLAN", "PULL_REQUEST", "FILE"]
    plan = await bob_sdk.agent.get_artifact(listed[0].data.artifact_uid)
    assert (plan.data.content, plan.data.title) == ("# Plan\n\nstep 1", "The plan")
    assert (listed[1].data.url, listed[1].data.branch) == ("https://git.example/pr/7", "b7")
    document = await bob_sdk.agent.get_artifact(listed[2].data.artifact_uid)
    assert (document.data.filename, document.data.content_type) == ("Design-notes.md", "text/markdown")
    assert (await web.get(document.data.download_url)).content == b"## Notes"  # the workspace trims text

    ann_sdk = AsyncOzAPI(api_key=ann_token, base_url=f"{web.base_url}/api/v1", http_client=web, max_retries=0)
    with pytest.raises(oz_agent_sdk.NotFoundError):
        await ann_sdk.agent.get_artifact(plan.artifact_uid)
    # A room artifact stored before CP-13 (no tenant, no type) is still its room owner's alone.
    old = await Artifact.create(
        id="legacy-1", room=room, kind="document", title="Old", content="# old", created_at=now()
    )
    assert (await bob_sdk.agent.get_artifact(old.id)).data.content == "# old"
    with pytest.raises(oz_agent_sdk.NotFoundError):
        await ann_sdk.agent.get_artifact(old.id)
    _, ann_room = await member_room(tabs, "ann2")
    intrusion = {"kind": "plan", "title": "Mine now", "run_id": run_id}
    refused = await web.post(f"/internal/agent/rooms/{ann_room.id}/artifacts", json=intrusion, headers=agent)
    assert refused.status_code == 422 and len((await bob_sdk.agent.runs.retrieve(run_id)).artifacts) == 3


async def test_the_artifacts_page_shows_every_room_kind(tabs: Tabs) -> None:  # noqa: F811
    """CP-13, WS-7: the room's Artifacts page shows plans, pull requests and documents as before."""
    room = await make_room(tabs)
    for body in (
        {"kind": "plan", "title": "The plan", "content": "step 1"},
        {"kind": "pull_request", "title": "PR 7", "url": "https://git.example/pr/7"},
        {"kind": "document", "title": "Design notes", "content": "notes"},
    ):
        response = await tabs.user.http_client.post(
            f"/internal/agent/rooms/{room.id}/artifacts", json=body, headers={"X-Agent-Key": AGENT_KEY}
        )
        assert response.status_code == 201 and response.json()["artifact_uid"]
    await tabs.user.open(f"/rooms/{room.id}")
    for title in ("The plan", "PR 7", "Design notes"):
        await tabs.user.should_see(marker=f"artifact-{title}", retries=RETRIES)
    await tabs.user.should_see("notes", retries=RETRIES)
