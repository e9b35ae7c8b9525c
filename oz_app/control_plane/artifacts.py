"""Artifacts and handoff attachments (CP-13).

Every artifact kind the SDK types is a row of ``artifacts``: ``PLAN`` (markdown inline),
``PULL_REQUEST``, ``EXTERNAL_REFERENCE``, and ``FILE`` and ``SCREENSHOT``, whose bytes are a
``stored_files`` row. Files leave only through signed links: ``/files/{id}?expires=&signature=``,
an HMAC of the file id and the expiry with a key derived from the secret key, valid
:data:`LINK_SECONDS`. The link is the permission (no bearer token), so it can be handed to a
browser or a download tool; a new one is signed each time an artifact or the attachments are read.

Tenancy is the run's: an artifact belongs to the tenant of the run (or room owner) that made it,
and another tenant's artifact answers 404. A public artifact is readable by anyone, without a
token; such anonymous reads leave out a file's ``filepath``, as the SDK says.
"""

import hmac
import mimetypes
import re
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from hashlib import sha256
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from tortoise import connections
from tortoise.transactions import in_transaction

from oz_app.control_plane.http import ApiError, Authenticator, Caller
from oz_app.control_plane.inputs import json_problem, text_problem
from oz_app.control_plane.run_items import stored_iso, stored_json
from oz_app.control_plane.service import now
from oz_app.control_plane.tokens import user_tenant
from oz_app.db import in_dialect
from oz_app.db.models import Artifact, Room, Run, StoredFile
from oz_app.errors import Invalid, checked_text

ARTIFACT_TYPES = ("PLAN", "PULL_REQUEST", "SCREENSHOT", "FILE", "EXTERNAL_REFERENCE")
FILE_TYPES = ("FILE", "SCREENSHOT")
# The workspace's word for each type (its Artifacts page shows it); rooms' documents keep "document".
KINDS = {"PLAN": "plan", "PULL_REQUEST": "pull_request", "SCREENSHOT": "screenshot", "FILE": "file"}
KINDS["EXTERNAL_REFERENCE"] = "reference"
LEGACY_TYPES = {"plan": "PLAN", "pull_request": "PULL_REQUEST", "document": "PLAN"}  # rows made before CP-13
PURPOSES = ("handoff", "artifact")
LINK_SECONDS = 15 * 60
MAX_FILE_BYTES = 25 * 1024 * 1024
UPLOAD_PATH = re.compile(r".*/selfhosted/runs/[^/]+/files")  # bodies up to MAX_FILE_BYTES (http.py)
MAX_ID = 36
MARKDOWN = "text/markdown"
_MIME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,99}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,99}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class ArtifactError(ValueError):
    """An artifact or file that cannot be stored; the message says why."""


# --- signed links ------------------------------------------------------------------------------


class FileLinks:
    """Signs and checks download links; ``key`` is derived from the secret key (``Vault.derive``),
    so every process sharing ``OZ_SECRET_KEY`` accepts the links of the others."""

    def __init__(self, key: bytes, public_url: str = "", seconds: int = LINK_SECONDS) -> None:
        self._key = key
        self.public_url = public_url.rstrip("/")
        self.seconds = seconds

    def signature(self, file_id: str, expires: int) -> str:
        return hmac.new(self._key, f"{file_id}\n{expires}".encode(), sha256).hexdigest()

    def sign(self, request: Request, file_id: str) -> tuple[str, datetime]:
        """A download URL for ``file_id`` and the moment it stops working."""
        expires = int(time.time()) + self.seconds
        url = str(request.url_for("download_file", file_id=file_id))
        if self.public_url:  # behind a proxy: the address people use
            url = self.public_url + urlsplit(url).path
        query = f"?expires={expires}&signature={self.signature(file_id, expires)}"
        return url + query, datetime.fromtimestamp(expires, UTC)

    def check(self, file_id: str, expires: str, signature: str) -> None:
        """Raise a 403 unless the link was signed here for ``file_id`` and has not expired."""
        if not expires.isdigit() or len(expires) > 12 or len(signature) != 64:
            raise ApiError(403, "This download link is not valid; read the artifact again for a new one.")
        if not hmac.compare_digest(self.signature(file_id, int(expires)), signature):
            raise ApiError(403, "This download link is not valid; read the artifact again for a new one.")
        if int(expires) < time.time():
            raise ApiError(403, "This download link has expired; read the artifact again for a new one.")


# --- stored files ----------------------------------------------------------------------------


def _text(value: Any, what: str, max_length: int, *, required: bool = False) -> str:
    """``value`` (None: empty) checked as :func:`oz_app.errors.checked_text` does, and free of
    control characters; a refusal is an :class:`ArtifactError`."""
    try:
        value = checked_text("" if value is None else value, what, max_length, required=required)
    except Invalid as exc:
        raise ArtifactError(str(exc)) from None
    if (problem := text_problem(value)) is not None:
        raise ArtifactError(f"{what} {problem}.")
    return value


def _url(value: Any, what: str) -> str:
    url = _text(value, what, 2000, required=True)
    if not _URL.match(url):
        raise ArtifactError(f"{what} must be an http:// or https:// address.")
    return url


def file_name(value: Any) -> str:
    """A file's name as stored: its last path component, printable, at most 255 characters."""
    name = _text(value, "The filename", 1000, required=True).replace("\\", "/").rsplit("/", 1)[-1]
    if name in ("", ".", "..") or len(name) > 255:
        raise ArtifactError("The filename must name a file in at most 255 characters.")
    return name


def mime_type(value: str | None, filename: str) -> str:
    """The media type given (``type/subtype``, parameters dropped), else one guessed from the name."""
    given = (value or "").split(";", 1)[0].strip().lower()
    if given and given != "application/octet-stream":
        if not _MIME.match(given):
            raise ArtifactError(f"{given[:100]!r} is not a media type such as text/plain.")
        return given
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


async def store_file(
    run_id: str | None, tenant: str | None, purpose: str, filename: str, content_type: str | None, data: bytes
) -> StoredFile:
    """Keep ``data`` as a file of ``run_id`` for ``purpose`` (handoff or artifact)."""
    if purpose not in PURPOSES:
        raise ArtifactError(f"The purpose must be one of {', '.join(PURPOSES)}.")
    if len(data) > MAX_FILE_BYTES:
        raise ArtifactError(f"The file is larger than the limit of {MAX_FILE_BYTES} bytes.")
    name = file_name(filename)
    return await StoredFile.create(
        id=str(uuid.uuid4()), tenant=tenant, run_id=run_id, purpose=purpose, filename=name,
        mime_type=mime_type(content_type, name), size_bytes=len(data), data=data, created_at=now(),
    )  # fmt: skip


# --- artifacts as rows -----------------------------------------------------------------------


def _plan(data: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    content = item.get("content", data.get("content"))
    fields = {
        "title": _text(data.get("title"), "A plan's title", 500) or "Plan",
        "content": _text(content, "A plan's content", 1_000_000),
        "data": {key: _text(data.get(key), key, 100) for key in ("document_uid", "notebook_uid") if data.get(key)},
    }
    if data.get("url"):
        fields["url"] = _url(data["url"], "A plan's url")
    return fields


def _pull_request(data: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    url = _url(data.get("url"), "A pull request's url")
    branch = _text(data.get("branch"), "A pull request's branch", 500)
    return {"title": _text(data.get("title"), "The title", 500) or url, "url": url, "data": {"branch": branch}}


def _reference(data: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    url = _url(data.get("url"), "A reference's url")
    reference_type = _text(data.get("reference_type"), "The reference_type", 100, required=True)
    stored: dict[str, Any] = {"reference_type": reference_type}
    metadata = data.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict) or json_problem(metadata) or len(str(metadata)) > 20_000:
            raise ArtifactError("A reference's metadata must be a JSON object of at most 20,000 characters.")
        stored["metadata"] = metadata
    return {"title": _text(data.get("title"), "The title", 500), "url": url, "data": stored}


async def _file(data: dict[str, Any], item: dict[str, Any], run_id: str | None) -> dict[str, Any]:
    file_id = _text(item.get("file_id", data.get("file_id")), "The file_id", MAX_ID, required=True)
    found = StoredFile.filter(id=file_id, run_id=run_id, purpose="artifact")
    stored = await found.only("id", "filename", "mime_type", "size_bytes").first()
    if stored is None:
        raise ArtifactError(f"No file {file_id} was uploaded for this run as an artifact.")
    filepath = _text(data.get("filepath"), "The filepath", 1000) or stored.filename
    shown = {
        "filename": stored.filename,
        "filepath": filepath,
        "mime_type": stored.mime_type,
        "size_bytes": stored.size_bytes,
        "description": _text(data.get("description"), "The description", 5000) or None,
    }
    title = _text(data.get("title"), "The title", 500)
    return {"title": title or stored.filename, "file_id": stored.id, "data": shown}


async def artifact_fields(item: Any, run_id: str | None) -> dict[str, Any]:
    """The columns of an artifact reported in the SDK's ``ArtifactItem`` shape (``file_id`` names
    the uploaded file of a FILE or SCREENSHOT; ``public`` makes it readable by anyone)."""
    if not isinstance(item, dict):
        raise ArtifactError("An artifact must be a JSON object with artifact_type and data.")
    artifact_type = item.get("artifact_type")
    if artifact_type not in ARTIFACT_TYPES:
        raise ArtifactError(f"artifact_type must be one of {', '.join(ARTIFACT_TYPES)}.")
    data = item.get("data") or {}
    if not isinstance(data, dict):
        raise ArtifactError("An artifact's data must be a JSON object.")
    if artifact_type in FILE_TYPES:
        fields = await _file(data, item, run_id)
    else:
        fields = {"PLAN": _plan, "PULL_REQUEST": _pull_request, "EXTERNAL_REFERENCE": _reference}[artifact_type](
            data, item
        )
    public = item.get("public", False)
    if not isinstance(public, bool):
        raise ArtifactError("public must be true or false.")
    return {"artifact_type": artifact_type, "kind": KINDS[artifact_type], "public": public, **fields}


async def add_artifacts(run_id: str, tenant: str, items: list[dict[str, Any]]) -> None:
    """Store artifacts a worker or an agent reported for ``run_id`` (of ``tenant``), each in the
    SDK's ``ArtifactItem`` shape. All are checked first: one bad item raises :class:`ArtifactError`
    and nothing is stored."""
    rows = [await artifact_fields(item, run_id) for item in items]
    async with in_transaction():
        for fields in rows:
            await Artifact.create(id=str(uuid.uuid4()), run_id=run_id, tenant=tenant, created_at=now(), **fields)


ROOM_TYPES = {"plan": "PLAN", "pull_request": "PULL_REQUEST", "document": "FILE"}


async def add_room_artifact(
    room_id: str, tenant: str, kind: str, title: str, *, url: str = "", content: str = "", branch: str = "",
    run_id: str | None = None,
) -> Artifact:  # fmt: skip
    """A room's artifact (the workspace's agent API), owned by ``tenant`` (the room owner's) so
    the SDK shows it to them: ``plan`` → PLAN, ``pull_request`` → PULL_REQUEST (``url`` needed),
    ``document`` → FILE, its ``content`` a markdown file with a download link. The caller checked
    kind, title and url; ``run_id`` must name a run of ``tenant``."""
    artifact_type = ROOM_TYPES[kind]
    # A run of another tenant is refused; an unknown one is kept (remote runner mode: the run
    # lives in another control plane's database).
    if run_id is not None and await Run.filter(id=run_id).exclude(tenant=tenant).exists():
        raise ArtifactError(f"No run {run_id} belongs to this room's owner.")
    if artifact_type == "PULL_REQUEST" and not url:
        raise ArtifactError("A pull request needs its URL.")
    fields: dict[str, Any] = {"data": {"branch": _text(branch, "The branch", 500)} if branch else {}}
    artifact_id = str(uuid.uuid4())
    async with in_transaction():
        if artifact_type == "FILE":
            name = (re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-.")[:100] or "document") + ".md"
            stored = await store_file(run_id, tenant, "artifact", name, MARKDOWN, content.encode())
            shown = {"filename": name, "filepath": name, "mime_type": MARKDOWN, "size_bytes": stored.size_bytes}
            fields.update(file_id=stored.id, data=shown)
        return await Artifact.create(
            id=artifact_id, room_id=room_id, tenant=tenant, artifact_type=artifact_type, kind=kind, title=title,
            url=url, content=content, run_id=run_id, created_at=now(), **fields,
        )  # fmt: skip


def _item_data(artifact_type: str, uid: str, title: str, url: str, data: dict[str, Any]) -> dict[str, Any]:
    """An artifact's ``data`` as the SDK's ``ArtifactItem`` has it (with ``artifact_uid`` always)."""
    shown = {**data, "artifact_uid": uid}
    if artifact_type == "PLAN":
        shown.setdefault("document_uid", uid)
        shown.setdefault("notebook_uid", uid)
        shown.update(title=title or None, url=url or None)
    elif artifact_type in ("PULL_REQUEST", "EXTERNAL_REFERENCE"):
        shown.update(url=url, title=title or None)
    elif artifact_type == "FILE":
        shown["title"] = title or None
    return shown


def artifact_item(artifact: Artifact) -> dict[str, Any]:
    """``artifact`` in the SDK's ``ArtifactItem`` shape, as a run lists it."""
    artifact_type = artifact.artifact_type or LEGACY_TYPES.get(artifact.kind, "PLAN")
    return {
        "artifact_type": artifact_type,
        "created_at": artifact.created_at.isoformat(),
        "data": _item_data(artifact_type, artifact.id, artifact.title, artifact.url, artifact.data),
    }


LISTED = ("id", "run_id", "artifact_type", "title", "url", "data", "created_at")


async def artifacts_of(run_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each run's artifacts in the SDK's ``ArtifactItem`` shape, oldest first, in one query for a
    whole page of runs (runs without any are absent). The caller has checked who may see the runs:
    an artifact's ``run_id`` always names a run of its own tenant (checked where it is stored).
    Plain SQL: every get and list asks, and Tortoise's query builder cost more than the query."""
    found: dict[str, list[dict[str, Any]]] = {}
    if not run_ids:
        return found
    columns = ",".join(f'"{column}"' for column in LISTED)
    statement = (
        f'SELECT {columns} FROM "artifacts" WHERE "run_id" IN ({",".join("?" * len(run_ids))}) '
        'AND "artifact_type"<>\'\' ORDER BY "created_at","id"'
    )
    _, rows = await connections.get("default").execute_query(in_dialect(statement), list(run_ids))
    for uid, run_id, artifact_type, title, url, data, created_at in rows:
        item = {
            "artifact_type": artifact_type,
            "created_at": stored_iso(created_at),
            "data": _item_data(artifact_type, uid, title, url, stored_json(data) or {}),
        }
        found.setdefault(run_id, []).append(item)
    return found


async def attach_artifacts(items: Iterable[dict[str, Any]]) -> None:
    """Add the artifacts stored as rows to run items (``run_item`` shapes) after those the run
    itself holds (reported before CP-13), with one query for the whole page."""
    items = list(items)
    stored = await artifacts_of([item["run_id"] for item in items])
    for item in items:
        if item["run_id"] in stored:
            item["artifacts"] = [*(item.get("artifacts") or []), *stored[item["run_id"]]]


# --- what the API answers --------------------------------------------------------------------


async def _owner_tenant(artifact: Artifact) -> str | None:
    """Whose the artifact is: its tenant, else (a room's, made before CP-13) the room owner's."""
    if artifact.tenant is not None:
        return artifact.tenant
    room_id = getattr(artifact, "room_id", None)
    if room_id is None:
        return None
    owner_id = await Room.filter(id=room_id).values_list("owner_id", flat=True)
    return user_tenant(str(owner_id[0])) if owner_id else None


def _summary(artifact_type: str, title: str, url: str, data: dict[str, Any]) -> str:
    """Markdown for a pull request or a reference, so SDK code written for plans reads something."""
    if artifact_type == "PULL_REQUEST":
        branch = f" (branch `{data['branch']}`)" if data.get("branch") else ""
        return f"Pull request: [{title or url}]({url}){branch}"
    return f"{data.get('reference_type', 'Reference')}: [{title or url}]({url})"


def artifact_detail(artifact: Artifact, links: FileLinks, request: Request, anonymous: bool) -> dict[str, Any]:
    """``GET /agent/artifacts/{uid}``: the SDK's ``AgentGetArtifactResponse`` for PLAN, FILE and
    SCREENSHOT; a pull request or reference in its ``ArtifactItem`` data plus a markdown
    ``content`` (the SDK reads these two as a plan-shaped object whose fields all work)."""
    item = artifact_item(artifact)
    artifact_type, data = item["artifact_type"], item["data"]
    if artifact_type == "PLAN":
        data.update(content=artifact.content, content_type=MARKDOWN)
    elif artifact_type in FILE_TYPES:
        url, expires_at = links.sign(request, str(artifact.file_id))
        data.update(content_type=data.pop("mime_type"), download_url=url, expires_at=expires_at.isoformat())
        if anonymous:
            data.pop("filepath", None)
    else:
        data.update(content=_summary(artifact_type, artifact.title, artifact.url, data), content_type=MARKDOWN)
    return {**item, "artifact_uid": artifact.id}


def _disposition(filename: str) -> str:
    plain = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _id_or_404(value: str, what: str) -> str:
    if len(value) > MAX_ID or text_problem(value) is not None:
        raise ApiError(404, f"{what} was not found.")
    return value


def build_router(auth: Authenticator, links: FileLinks) -> APIRouter:
    """Artifacts, handoff attachments, signed downloads and the workers' upload route."""
    router = APIRouter(tags=["artifacts"])
    CallerDep = Annotated[Caller, Depends(auth)]
    AdminDep = Annotated[Caller, Depends(auth.admin)]

    async def visible_run(run_id: str, caller: Caller) -> Run:
        run = await Run.filter(id=_id_or_404(run_id, f"Run {run_id[:MAX_ID]}")).only("id", "tenant").first()
        if run is None or not (caller.is_admin or run.tenant == caller.tenant):
            raise ApiError(404, f"Run {run_id} was not found.")
        return run

    @router.get(
        "/agent/artifacts/{artifact_uid}", summary="Get an artifact: a plan's content or a file's download link"
    )
    async def get_artifact(artifact_uid: str, request: Request) -> dict[str, Any]:
        uid = artifact_uid
        caller = await auth(request) if request.headers.get("authorization") else None
        artifact = await Artifact.get_or_none(id=_id_or_404(uid, f"Artifact {uid[:MAX_ID]}"))
        visible = artifact is not None and (
            artifact.public
            or (caller is not None and (caller.is_admin or await _owner_tenant(artifact) == caller.tenant))
        )
        if artifact is None or not visible:
            hint = "" if caller else " (send your bearer token to read a private artifact)"
            raise ApiError(404, f"Artifact {uid} was not found{hint}.")
        return artifact_detail(artifact, links, request, anonymous=caller is None)

    @router.get("/agent/runs/{run_id}/handoff/attachments", summary="Download links of a run's handoff files")
    async def handoff_attachments(run_id: str, caller: CallerDep, request: Request) -> dict[str, Any]:
        run = await visible_run(run_id, caller)
        handoff = StoredFile.filter(run_id=run.id, purpose="handoff").order_by("created_at", "id")
        files = await handoff.only("id", "filename", "mime_type")
        attachments = [
            {"attachment_id": f.id, "download_url": links.sign(request, f.id)[0], "filename": f.filename,
             "mime_type": f.mime_type}
            for f in files
        ]  # fmt: skip
        return {"attachments": attachments}

    @router.get("/files/{file_id}", name="download_file", summary="Download a file through a signed link (no token)")
    async def download_file(file_id: str, expires: str = "", signature: str = "") -> Response:
        links.check(file_id, expires, signature)
        stored = await StoredFile.get_or_none(id=_id_or_404(file_id, "The file"))
        if stored is None:
            raise ApiError(404, "The file was not found; it may have been deleted with its run.")
        headers = {
            "Content-Disposition": _disposition(stored.filename),
            "Content-Security-Policy": "sandbox; default-src 'none'",  # never a page on this origin
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        }
        return Response(bytes(stored.data), media_type=stored.mime_type, headers=headers)

    @router.post(
        "/selfhosted/runs/{run_id}/files",
        status_code=201,
        summary=f"Upload a file a run left (admin; the body is the file, at most {MAX_FILE_BYTES} bytes)",
    )
    async def upload_file(
        run_id: str, admin: AdminDep, request: Request, purpose: str = "", filename: str = ""
    ) -> dict[str, Any]:
        run = await visible_run(run_id, admin)
        try:
            stored = await store_file(
                run.id, run.tenant, purpose, filename, request.headers.get("content-type"), await request.body()
            )
        except ArtifactError as exc:
            raise ApiError(422, str(exc)) from None
        return {"file_id": stored.id, "purpose": stored.purpose, "filename": stored.filename,
                "mime_type": stored.mime_type, "size_bytes": stored.size_bytes}  # fmt: skip

    return router
