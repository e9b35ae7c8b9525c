"""What the workspace pages and the agent API do with the database (WS-1..WS-11).

Every function that takes an id also takes the user it acts for and answers :class:`NotFound`
for an id that user does not own, exactly as for an id that does not exist: nobody learns
what other people have. Bad input raises :class:`Invalid` with a sentence meant for the user,
before anything is written.
"""

from __future__ import annotations

import re
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from oz_app.control_plane import artifacts
from oz_app.control_plane.identities import AGENT_NAME
from oz_app.control_plane.run_items import stored_time
from oz_app.control_plane.service import new_id, now
from oz_app.control_plane.tokens import user_tenant
from oz_app.db import in_dialect
from oz_app.db.models import (
    TERMINAL_STATES,
    Agent,
    Artifact,
    Message,
    Notification,
    Room,
    RoomReader,
    Run,
    StoredFile,
    Task,
    User,
)
from oz_app.errors import Invalid, NotFound, checked_text  # the workspace refuses with these (pages catch them here)
from oz_app.workspace import avatars

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
TASK_STATUSES = ("backlog", "in_progress", "done")
PRIORITIES = ("low", "medium", "high")
ARTIFACT_KINDS = ("plan", "pull_request", "document")
HARNESSES = ("default", "claude-code", "codex", "gemini-cli", "custom")
AGENT_TYPES = ("CUSTOM", "FOREMAN", "TRIAGE", "SPEC", "IMPLEMENT", "REVIEW", "VERIFY")  # the Oz API's; CUSTOM first
ICON = re.compile(r"^[a-z0-9_]{0,64}$")  # a Material icon's name (never "img:" and the like)
PROVIDER_KEY = re.compile(r"^[a-z0-9]{0,40}$")
PAGE = 30  # messages a room opens with; older ones load as the reader scrolls up
MAX_MESSAGE = 100_000
MAX_DRAFT = 100_000
UNREAD_CAP = 100  # a room shows "99+" beyond this: counting stops there, so a huge room costs no more


def _choice(value: Any, what: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid(f"{what} must be one of {', '.join(allowed)}.")
    return str(value)


class Throttle:
    """At most ``limit`` events per key in a sliding ``window`` of seconds (failed logins,
    share-link views)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        horizon = time.monotonic() - self.window
        while events and events[0] < horizon:
            events.popleft()
        if not events:
            del self._events[key]
            return deque()
        return events

    def blocked(self, key: str) -> bool:
        return len(self._recent(key)) >= self.limit

    def add(self, key: str) -> None:
        self._recent(key)
        self._events.setdefault(key, deque()).append(time.monotonic())

    def allow(self, key: str) -> bool:
        """Count one event and say whether it is within the limit."""
        if self.blocked(key):
            return False
        self.add(key)
        return True


# Agents (WS-3) -----------------------------------------------------------------------------


def _agent_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in fields:
        name = checked_text(fields["name"], "The name", 64, required=True)
        if not AGENT_NAME.match(name):
            raise Invalid("An agent's name starts with a letter and has only letters, digits, '_' or '-'.")
        clean["name"] = name
    for key, label, limit in (("model", "The model", 200), ("repository", "The repository", 2000)):
        if key in fields:
            clean[key] = checked_text(fields[key], label, limit)
    _look(fields, clean)
    if "system_prompt" in fields:
        clean["system_prompt"] = checked_text(fields["system_prompt"], "The system prompt", 100_000)
    if "harness" in fields:
        clean["harness"] = _choice(fields["harness"], "The harness", HARNESSES)
    if "agent_type" in fields:
        clean["agent_type"] = _choice(fields["agent_type"] or "CUSTOM", "The agent's type", AGENT_TYPES)
    if "environment_id" in fields:
        clean["environment_id"] = checked_text(fields["environment_id"] or "", "The environment", 32) or None
    if "provider" in fields:
        clean["provider"] = checked_text(fields["provider"] or "", "The provider", 40)
        if not PROVIDER_KEY.match(clean["provider"]):
            raise Invalid("The provider is named by its key: lowercase letters and digits.")
    unknown = set(fields) - set(clean)
    if unknown:
        raise Invalid(f"Unknown agent fields: {', '.join(sorted(unknown))}.")
    return clean


def _look(fields: dict[str, Any], clean: dict[str, Any]) -> None:
    """The colour (#rrggbb; empty: one is generated) and icon (a Material icon; empty: initials)."""
    if "color" in fields:
        clean["color"] = checked_text(fields["color"] or "", "The colour", 32)
        if clean["color"] and not avatars.PLAIN_COLOR.match(clean["color"]):
            raise Invalid("The colour is written #rrggbb, for example #3b82f6.")
    if "icon" in fields:
        clean["icon"] = checked_text(fields["icon"] or "", "The icon", 64)
        if not ICON.match(clean["icon"]):
            raise Invalid("The icon is a Material icon's name, such as rocket_launch (or empty for initials).")
        clean["icon"] = clean["icon"] or avatars.INITIALS_ICONS[-1]  # the column's default: initials


async def create_agent(user: User, **fields: Any) -> Agent:
    clean = _agent_fields(fields)
    if "name" not in clean:
        raise Invalid("An agent needs a name.")
    if await Agent.exists(owner=user, name__iexact=clean["name"]):
        raise Invalid(f"You already have an agent called {clean['name']}.")
    if not clean.get("color"):  # distinct from the owner's other agents (UX-7)
        clean["color"] = avatars.new_color(avatars.color_of(agent) for agent in await agents_of(user))
    stamp = now()
    tenant = user_tenant(user.id)
    return await Agent.create(id=new_id(), owner=user, tenant=tenant, created_at=stamp, updated_at=stamp, **clean)


async def agent_of(user: User, agent_id: str) -> Agent:
    agent = await Agent.get_or_none(id=agent_id, owner=user)
    if agent is None:
        raise NotFound("No such agent.")
    return agent


async def update_agent(user: User, agent_id: str, **fields: Any) -> Agent:
    agent = await agent_of(user, agent_id)
    clean = _agent_fields(fields)
    name = clean.get("name")
    if name and await Agent.filter(owner=user, name__iexact=name).exclude(id=agent.id).exists():
        raise Invalid(f"You already have an agent called {name}.")
    if clean.get("color") == "":
        clean["color"] = avatars.color_of(agent)  # emptied: keep the colour it is drawn in
    await Agent.filter(id=agent.id).update(**clean)
    await agent.refresh_from_db()
    return agent


async def delete_agent(user: User, agent_id: str) -> None:
    agent = await agent_of(user, agent_id)
    await agent.delete()


async def agents_of(user: User) -> list[Agent]:
    return await Agent.filter(owner=user).order_by("name")


# Rooms (WS-2, WS-10) -----------------------------------------------------------------------


async def create_room(user: User, name: str, description: str = "", member_ids: list[str] | None = None) -> Room:
    name = checked_text(name, "The room's name", 200, required=True)
    description = checked_text(description, "The description", 10_000)
    members = [await agent_of(user, agent_id) for agent_id in member_ids or []]
    async with in_transaction():
        room = await Room.create(id=new_id(), owner=user, name=name, description=description, created_at=now())
        if members:
            await room.members.add(*members)
    return room


async def room_of(user: User, room_id: str) -> Room:
    room = await Room.get_or_none(id=room_id, owner=user)
    if room is None:
        raise NotFound("No such room.")
    return room


async def rooms_of(user: User) -> list[Room]:
    return await Room.filter(owner=user).order_by("-created_at")


async def has_agents(user: User) -> bool:
    return await Agent.exists(owner=user)


async def has_conversation(user: User) -> bool:
    """Whether an agent was ever asked in one of the user's rooms (the first run's last step, UX-10)."""
    return await Message.exists(room__owner=user, author_kind="agent")


async def update_room(user: User, room_id: str, *, name: str | None = None, description: str | None = None) -> Room:
    room = await room_of(user, room_id)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = checked_text(name, "The room's name", 200, required=True)
    if description is not None:
        changes["description"] = checked_text(description, "The description", 10_000)
    if changes:
        await Room.filter(id=room.id).update(**changes)
        await room.refresh_from_db()
    return room


async def delete_room(user: User, room_id: str) -> None:
    room = await room_of(user, room_id)
    await room.delete()


async def members_of(room: Room) -> list[Agent]:
    return await room.members.all().order_by("name")


async def set_members(user: User, room_id: str, agent_ids: list[str]) -> list[Agent]:
    room = await room_of(user, room_id)
    agents = [await agent_of(user, agent_id) for agent_id in dict.fromkeys(agent_ids)]
    async with in_transaction():
        await room.members.clear()
        if agents:
            await room.members.add(*agents)
    return sorted(agents, key=lambda agent: agent.name.lower())


async def set_paused(user: User, room_id: str, paused: bool) -> Room:
    room = await room_of(user, room_id)
    await Room.filter(id=room.id).update(paused=paused)
    room.paused = paused
    return room


async def share(user: User, room_id: str) -> str:
    """A new public read-only link token for the room; an earlier link stops working."""
    room = await room_of(user, room_id)
    token = secrets.token_urlsafe(24)
    await Room.filter(id=room.id).update(share_token=token)
    return token


async def unshare(user: User, room_id: str) -> None:
    room = await room_of(user, room_id)
    await Room.filter(id=room.id).update(share_token=None)


async def shared_room(token: str) -> Room:
    room = await Room.get_or_none(share_token=token) if token else None
    if room is None:
        raise NotFound("This link does not exist or was revoked.")
    return room


# Messages (WS-4) ---------------------------------------------------------------------------


async def post_message(room: Room, author_kind: str, author_name: str, content: str, **fields: Any) -> Message:
    return await Message.create(
        room=room, author_kind=author_kind, author_name=author_name, content=content, created_at=now(), **fields
    )


async def messages_of(room: Room, *, before: int | None = None, limit: int = PAGE) -> list[Message]:
    """The newest ``limit`` messages (older than id ``before``), oldest first."""
    query = Message.filter(room=room)
    if before is not None:
        query = query.filter(id__lt=before)
    page = await query.order_by("-id").limit(limit)
    return page[::-1]


async def own_message(user: User, message_id: int) -> Message:
    """A message ``user`` wrote, in a room of theirs (UX-2): anything else is not found."""
    message = await Message.get_or_none(id=message_id, room__owner=user, author_kind="user", author_name=user.username)
    if message is None:
        raise NotFound("No such message of yours.")
    return message


async def edit_message(user: User, message_id: int, content: str) -> Message:
    """Change the text of one's own message. What its mentions asked for was asked when it was
    posted: an edit asks nobody again."""
    message = await own_message(user, message_id)
    content = checked_text(content, "The message", MAX_MESSAGE, required=True)
    if content != message.content:
        message.content, message.edited_at = content, now()
        await Message.filter(id=message.id).update(content=content, edited_at=message.edited_at)
    return message


async def delete_message(user: User, message_id: int) -> Message:
    """Delete one's own message; the replies it asked for stay (they are the agents')."""
    message = await own_message(user, message_id)
    await Message.filter(id=message.id).delete()
    return message


# Readers: unread counts, last activity and drafts (UX-3, UX-4) ---------------------------------


@dataclass
class RoomActivity:
    """A room as the rooms sidebar shows it: unread messages (up to ``UNREAD_CAP``) and when the
    newest was written."""

    id: str
    name: str
    paused: bool
    unread: int
    last_activity: datetime
    members: int = 0


# One statement for all of a user's rooms; each subquery walks the (room_id, id) index of messages
# from the reader's last_read on and stops at UNREAD_CAP rows, however big the room.
ACTIVITY_SQL = f"""
SELECT r."id", r."name", r."paused", r."created_at",
  (SELECT m."created_at" FROM "messages" m WHERE m."room_id" = r."id" ORDER BY m."id" DESC LIMIT 1) AS "newest_at",
  (SELECT COUNT(*) FROM (
      SELECT 1 FROM "messages" m WHERE m."room_id" = r."id" AND m."id" > COALESCE(rr."last_read", 0)
      AND NOT (m."author_kind" = 'user' AND m."author_name" = ?) LIMIT {UNREAD_CAP}) AS unread_rows) AS "unread",
  (SELECT COUNT(*) FROM "room_members" rm WHERE rm."rooms_id" = r."id") AS "members"
FROM "rooms" r LEFT JOIN "room_readers" rr ON rr."room_id" = r."id" AND rr."user_id" = ?
WHERE r."owner_id" = ?
"""


async def room_activity(user: User) -> list[RoomActivity]:
    """The user's rooms with their unread counts (messages after their last read one, not counting
    their own) and last activity, the most recently active first; one query whatever the number."""
    values = [user.username, user.id, user.id]
    _, rows = await connections.get("default").execute_query(in_dialect(ACTIVITY_SQL), values)
    rooms = []
    for row in rows:
        last_activity = stored_time(row["newest_at"] or row["created_at"])
        assert last_activity is not None  # a room always has its creation time
        rooms.append(
            RoomActivity(
                id=str(row["id"]),
                name=str(row["name"]),
                paused=bool(row["paused"]),
                unread=int(row["unread"]),
                last_activity=last_activity,
                members=int(row["members"]),
            )
        )
    return sorted(rooms, key=lambda room: room.last_activity, reverse=True)


async def _reader(user: User, room: Room) -> RoomReader:
    """The user's place in the room, made on first use (two tabs making it at once share one row)."""
    reader = await RoomReader.get_or_none(user=user, room=room)
    if reader is not None:
        return reader
    try:
        return await RoomReader.create(user=user, room=room)
    except IntegrityError:
        return await RoomReader.get(user=user, room=room)


async def mark_room_read(user: User, room: Room, message_id: int) -> bool:
    """The user has seen the room up to ``message_id``; True when that moved their place on (a
    place never moves back, whichever tab reports last)."""
    reader = await _reader(user, room)
    return bool(await RoomReader.filter(id=reader.id, last_read__lt=message_id).update(last_read=message_id))


async def draft_of(user: User, room: Room) -> str:
    reader = await RoomReader.get_or_none(user=user, room=room)
    return reader.draft if reader is not None else ""


async def save_draft(user: User, room_id: str, text: str) -> None:
    """Keep what the user typed in a room but did not send, for their next visit on any device."""
    room = await room_of(user, room_id)
    if not isinstance(text, str) or len(text) > MAX_DRAFT:
        raise Invalid(f"A draft is at most {MAX_DRAFT} characters.")
    reader = await _reader(user, room)
    if reader.draft != text:
        await RoomReader.filter(id=reader.id).update(draft=text)


# Tasks (WS-6) ------------------------------------------------------------------------------


async def _assignee(room: Room, assignee_id: str | None) -> str | None:
    if not assignee_id:
        return None
    if not await Agent.exists(id=assignee_id, owner_id=room.owner_id):  # type: ignore[attr-defined]
        raise Invalid("The assignee must be one of your agents.")
    return assignee_id


async def create_task(
    room: Room,
    title: str,
    *,
    description: str = "",
    status: str = "backlog",
    priority: str = "medium",
    assignee_id: str | None = None,
) -> Task:
    title = checked_text(title, "The task's title", 500, required=True)
    description = checked_text(description, "The description", 100_000)
    status = _choice(status, "The status", TASK_STATUSES)
    priority = _choice(priority, "The priority", PRIORITIES)
    assignee = await _assignee(room, assignee_id)
    stamp = now()
    position = await Task.filter(room=room, status=status).count()
    return await Task.create(
        id=new_id(),
        room=room,
        title=title,
        description=description,
        status=status,
        priority=priority,
        assignee_id=assignee,
        position=position,
        created_at=stamp,
        updated_at=stamp,
    )


async def task_in(room: Room, task_id: str) -> Task:
    task = await Task.get_or_none(id=task_id, room=room)
    if task is None:
        raise NotFound("No such task.")
    return task


async def update_task(room: Room, task_id: str, **fields: Any) -> Task:
    task = await task_in(room, task_id)
    changes: dict[str, Any] = {}
    if "title" in fields:
        changes["title"] = checked_text(fields.pop("title"), "The task's title", 500, required=True)
    if "description" in fields:
        changes["description"] = checked_text(fields.pop("description"), "The description", 100_000)
    if "priority" in fields:
        changes["priority"] = _choice(fields.pop("priority"), "The priority", PRIORITIES)
    if "assignee_id" in fields:
        changes["assignee_id"] = await _assignee(room, fields.pop("assignee_id"))
    if "status" in fields:
        changes["status"] = _choice(fields.pop("status"), "The status", TASK_STATUSES)
        if changes["status"] != task.status:
            changes["position"] = await Task.filter(room=room, status=changes["status"]).count()
            if changes["status"] == "in_progress" and await _run_ended(task.run_id):
                changes["run_id"] = None  # moved by hand: an old run must not move it back when swept
    if fields:
        raise Invalid(f"Unknown task fields: {', '.join(sorted(fields))}.")
    await Task.filter(id=task.id).update(updated_at=now(), **changes)
    await task.refresh_from_db()
    return task


async def _run_ended(run_id: str | None) -> bool:
    return bool(run_id) and await Run.exists(id=run_id, state__in=list(TERMINAL_STATES))


async def delete_task(room: Room, task_id: str) -> None:
    task = await task_in(room, task_id)
    await task.delete()


async def tasks_of(room: Room) -> list[Task]:
    return await Task.filter(room=room).order_by("position", "created_at")


# Artifacts (WS-7) and the inbox (WS-8) --------------------------------------------------------


async def create_artifact(
    room: Room,
    kind: str,
    title: str,
    *,
    url: str = "",
    content: str = "",
    run_id: str | None = None,
    branch: str = "",
) -> Artifact:
    """An artifact of ``room``, owned by the room owner's tenant so that their API token reads it
    through the SDK too (CP-13): a plan is a PLAN, a pull request a PULL_REQUEST, a document a FILE."""
    kind = _choice(kind, "The kind", ARTIFACT_KINDS)
    title = checked_text(title, "The title", 500, required=True)
    url = checked_text(url, "The URL", 2000)
    if url and not re.match(r"^https?://\S+$", url):
        raise Invalid("An artifact's URL starts with http:// or https://.")
    content = checked_text(content, "The content", 1_000_000)
    owner = user_tenant(room.owner_id)  # type: ignore[attr-defined]
    try:
        return await artifacts.add_room_artifact(
            room.id, owner, kind, title, url=url, content=content, branch=branch, run_id=run_id
        )
    except artifacts.ArtifactError as exc:
        raise Invalid(str(exc)) from None


async def artifacts_of(room: Room) -> list[Artifact]:
    return await Artifact.filter(room=room).order_by("-created_at")


async def add_artifact(
    user: User, room_id: str, kind: str, title: str, *, url: str = "", content: str = ""
) -> Artifact:
    """An artifact a person adds to their room from the Artifacts tab (UX-9); it needs a link or a text."""
    room = await room_of(user, room_id)
    if not (isinstance(url, str) and url.strip()) and not (isinstance(content, str) and content.strip()):
        raise Invalid("Give the artifact a URL or some content.")
    return await create_artifact(room, kind, title, url=url, content=content)


async def delete_artifact(user: User, room_id: str, artifact_id: str) -> None:
    """Delete an artifact of the user's room, with the file a document keeps for the API."""
    room = await room_of(user, room_id)
    artifact = await Artifact.get_or_none(id=artifact_id, room=room)
    if artifact is None:
        raise NotFound("No such artifact.")
    async with in_transaction():
        if artifact.file_id:
            await StoredFile.filter(id=artifact.file_id).delete()
        await artifact.delete()


async def notify(user_id: str, title: str, body: str = "", room_id: str | None = None) -> Notification:
    title = checked_text(title, "The title", 500, required=True)
    body = checked_text(body, "The body", 100_000)
    return await Notification.create(
        id=new_id(), owner_id=user_id, room_id=room_id, title=title, body=body, created_at=now()
    )


async def inbox_of(user: User) -> list[Notification]:
    return await Notification.filter(owner=user).order_by("-created_at").limit(200)


async def unread_count(user: User) -> int:
    return await Notification.filter(owner=user, read=False).count()


async def mark_read(user: User, notification_id: str, read: bool = True) -> None:
    if not await Notification.filter(id=notification_id, owner=user).update(read=read):
        raise NotFound("No such notification.")


async def delete_notification(user: User, notification_id: str) -> None:
    if not await Notification.filter(id=notification_id, owner=user).delete():
        raise NotFound("No such notification.")
