"""A run as the SDK's ``RunItem`` (CP-2, CP-11), built from a Run or straight from a row of a list."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from oz_app.control_plane import service
from oz_app.db.models import Run


def run_item(run: Run) -> dict[str, Any]:
    """A run in the SDK's ``RunItem`` shape (plus ``output``, ``provider``, ``mode`` and ``attempts``)."""
    return _item({column: getattr(run, column) for column in LIST_COLUMNS})


def profile(uid: str | None, agent: bool = False) -> dict[str, Any] | None:
    """A principal as the SDK's ``UserProfile``: a workspace user, or a token's tenant or an agent
    (runs' creator and executor, schedules' authors)."""
    if not uid:
        return None
    person = uid.startswith("user:") and not agent
    return {"uid": uid, "type": "user" if person else "service_account"}


def _item(stored: dict[str, Any]) -> dict[str, Any]:
    """The item of one run from its stored values (objects or raw database values alike)."""
    run_id, tenant, status_message = stored["id"], stored["tenant"], stored["status_message"]
    status = None
    if status_message:
        retryable = stored["retryable"]
        status = {
            "message": status_message,
            "error_code": stored["error_code"],
            "retryable": None if retryable is None else bool(retryable),
        }
    started_at = stored_time(stored["started_at"])
    config = stored_json(stored["agent_config"]) or {}
    skill_spec = stored["skill_spec"]
    agent = stored["agent_identity_uid"]
    return {
        "run_id": run_id,
        "task_id": run_id,
        "title": stored["title"],
        "prompt": stored["prompt"],
        "state": stored["state"],
        "created_at": stored_iso(stored["created_at"]),
        "updated_at": stored_iso(stored["updated_at"]),
        "started_at": None if started_at is None else started_at.isoformat(),
        "agent_config": config,
        "agent_skill": {"full_path": skill_spec, "name": config.get("name")} if skill_spec else None,
        "artifacts": stored_json(stored["artifacts"]),
        "status_message": status,
        "session_id": run_id,  # a run is its own live session (see redirects.py)
        "session_link": stored["session_link"],
        "execution_location": stored["execution_location"],
        "run_time": _run_time(started_at, stored_time(stored["finished_at"])),
        "is_run_type_cancellable": True,
        "source": stored["source"],
        "metadata": stored_json(stored["labels"]) or {},
        "parent_run_id": stored["parent_run_id"],
        "conversation_id": stored["conversation_id"],
        "creator": profile(stored["creator"]),
        "executor": profile(agent, agent=True) if agent else profile(stored["executor"]),
        "scope": {"type": "User" if tenant.startswith("user:") else "Team", "uid": tenant},
        "schedule_id": stored["schedule_id"],  # replaced by the schedule itself (runs._add_related)
        "mode": stored["mode"],
        "followups": [
            {"message": turn.get("message"), "mode": turn.get("mode"), "sent_at": turn.get("at")}
            for turn in stored_json(stored["turns"]) or []
        ],
        "output": stored["output"],
        "provider": stored["provider"],
        "provider_model": stored["provider_model"],
        "attempts": stored_json(stored["attempts"]),
        "usage": _usage(stored["input_tokens"], stored["output_tokens"]),
    }


def _usage(input_tokens: int | None, output_tokens: int | None) -> dict[str, int] | None:
    """Tokens the providers reported for the run (PR-8), or None when none did."""
    if input_tokens is None and output_tokens is None:
        return None
    return {"input_tokens": input_tokens or 0, "output_tokens": output_tokens or 0}


def _run_time(started_at: datetime | None, finished_at: datetime | None) -> str | None:
    if started_at is None:
        return None
    seconds = max(0.0, ((finished_at or service.now()) - started_at).total_seconds())
    return f"PT{seconds:.3f}S"


# What an item is made of, read straight from the table by a list.
LIST_COLUMNS = (
    "id", "tenant", "title", "prompt", "state", "created_at", "updated_at", "started_at", "finished_at",
    "agent_config", "artifacts", "status_message", "error_code", "retryable", "session_link", "execution_location",
    "output", "provider", "provider_model", "attempts", "labels", "parent_run_id", "conversation_id", "mode",
    "source", "creator", "executor", "skill_spec", "agent_identity_uid", "turns", "schedule_id",
    "input_tokens", "output_tokens",
)  # fmt: skip
LIST_SELECT = "SELECT " + ",".join(f'"{column}"' for column in LIST_COLUMNS) + ' FROM "runs"'


def stored_time(value: Any) -> datetime | None:
    """A stored timestamp as Tortoise reads it: SQLite gives text, asyncpg a datetime; either
    way it ends up aware, in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stored_iso(value: Any) -> str | None:
    """``stored_time(value).isoformat()``. Text exactly as Tortoise writes a UTC time to SQLite,
    ``2026-01-31 12:00:00[.123456]+00:00`` (no fraction when it is zero), is that already but for
    the "T", and is taken as is: a page has sixty timestamps and isoformat() is not cheap."""
    if (
        isinstance(value, str)
        and value[10:11] == " "
        and value.endswith("+00:00")
        and (len(value) == 25 or (len(value) == 32 and value[19] == "." and value[20:26] != "000000"))
    ):
        return f"{value[:10]}T{value[11:]}"
    stamp = stored_time(value)
    return None if stamp is None else stamp.isoformat()


def stored_json(value: Any) -> Any:
    """A JSON column: text on SQLite (and from asyncpg without a codec), decoded as Tortoise does."""
    return orjson.loads(value) if isinstance(value, (str, bytes)) else value


def row_item(row: Sequence[Any]) -> dict[str, Any]:
    """A row of :data:`LIST_COLUMNS` (a ``sqlite3.Row`` or an asyncpg ``Record``) exactly as
    :func:`run_item` shows the run; building a Run object costs more than the rest of a list."""
    return _item(dict(zip(LIST_COLUMNS, row, strict=True)))
