"""What a browser notification says when a run of someone's ends (UX-5): a reply that mentions
them, another reply, or a run of theirs outside the chat. Plain text only: the browser shows it
as text, and nothing of another person's is ever read (their run is "not found")."""

from __future__ import annotations

from oz_app.control_plane.tokens import user_tenant
from oz_app.db.models import Message, Run, User
from oz_app.workspace.dispatch import mentions_in

BODY = 140


async def notice_for(user: User, run_id: str, state: str = "SUCCEEDED") -> tuple[str, str, str] | None:
    """(title, body, tag) for ``user`` about their run ``run_id`` that ended; None when it is not theirs.
    The tag is the run's, so several open tabs show one notification."""
    run = await Run.get_or_none(id=run_id, tenant=user_tenant(user.id))
    reply = await Message.filter(run_id=run_id, room__owner_id=user.id).prefetch_related("room").first()
    if run is None and reply is None:
        return None
    state = run.state if run is not None else state
    text = run.output if run is not None and run.output else (reply.content if reply is not None else "")
    body = _plain(text or (run.status_message if run is not None else "") or "")
    tag = f"oz-run-{run_id}"
    if reply is None:
        assert run is not None
        return (f"Run {'finished' if state == 'SUCCEEDED' else 'failed'}: {run.title}", body, tag)
    room = reply.room.name
    if user.username.lower() in mentions_in(text or ""):
        return (f"@{reply.author_name} mentioned you in {room}", body, tag)
    verb = "answered" if state == "SUCCEEDED" else "could not answer"
    return (f"@{reply.author_name} {verb} in {room}", body, tag)


def _plain(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= BODY else flat[: BODY - 1] + "…"
