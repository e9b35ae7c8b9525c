"""Every frame of the worker socket, typed once and used by both ends (WK-1, WK-9).

``oz_app/worker.py`` (the worker) and ``oz_app/control_plane/worker_hub.py`` (the control
plane) build frames with these models and read them with :func:`parse`; the wire format is
``{"type": KIND, "data": {...}}`` as ``worker_protocol.md`` describes. Protocol 2 sends a run's
inputs as typed fields (:class:`TaskAssignment`); the hub still answers protocol-1 workers with
the old flattened assignment, which is not modelled here.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROTOCOL_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)


class FrameError(ValueError):
    """A frame that is not ``{type, data}`` with the fields its type needs."""


class Frame(BaseModel):
    """A frame's ``data``; ``kind`` is its ``type``. Unknown fields are kept out, not refused,
    so a newer peer can add fields."""

    model_config = ConfigDict(extra="ignore")
    kind: ClassVar[str] = ""

    def wire(self) -> dict[str, Any]:
        """The frame as sent: ``{"type": kind, "data": {...}}``."""
        return {"type": self.kind, "data": self.model_dump(mode="json")}


# --- handshake ---------------------------------------------------------------------------------


class Hello(Frame):
    kind: ClassVar[str] = "hello"
    worker_id: str = ""
    protocol_version: int = 0
    capacity: int = 1
    backend: str = ""
    running: list[str] = Field(default_factory=list)


class Welcome(Frame):
    kind: ClassVar[str] = "welcome"
    protocol_version: int = PROTOCOL_VERSION
    heartbeat_seconds: float = 10.0
    lease_seconds: float = 30.0


class Error(Frame):
    kind: ClassVar[str] = "error"
    message: str = ""


# --- server → worker ---------------------------------------------------------------------------


class HarnessConfig(BaseModel):
    """The run's ``config.harness``: which CLI (``type``), its model and reasoning effort."""

    model_config = ConfigDict(extra="ignore")
    type: str = ""
    model_id: str = ""
    reasoning_effort: str = ""


class TaskEnvironment(BaseModel):
    """The run's environment: the image, its variables, repositories and setup commands."""

    model_config = ConfigDict(extra="ignore")
    id: str = ""
    image: str = ""
    env_vars: dict[str, str] = Field(default_factory=dict)
    repos: list[str] = Field(default_factory=list)
    setup_commands: list[str] = Field(default_factory=list)


class TaskAssignment(Frame):
    """A run for the worker, protocol 2: each input once, as what it is."""

    kind: ClassVar[str] = "task_assignment"
    task_id: str
    title: str = ""
    prompt: str = ""
    environment: TaskEnvironment = Field(default_factory=TaskEnvironment)
    harness: HarnessConfig = Field(default_factory=HarnessConfig)
    mode: str = "normal"
    mcp_servers: dict[str, Any] = Field(default_factory=dict)


class TaskCancel(Frame):
    kind: ClassVar[str] = "task_cancel"
    task_id: str


# --- worker → server ---------------------------------------------------------------------------


class Heartbeat(Frame):
    kind: ClassVar[str] = "heartbeat"
    running: list[str] = Field(default_factory=list)


class TaskClaimed(Frame):
    kind: ClassVar[str] = "task_claimed"
    task_id: str
    worker_id: str = ""


class TaskRejected(Frame):
    kind: ClassVar[str] = "task_rejected"
    task_id: str
    reason: str = ""


class TaskProgress(Frame):
    kind: ClassVar[str] = "task_progress"
    task_id: str
    output: str = ""


class TaskCompleted(Frame):
    kind: ClassVar[str] = "task_completed"
    task_id: str
    output: str = ""
    artifacts: list[Any] = Field(default_factory=list)
    session_link: str = ""
    exit_code: int | None = None


class TaskFailed(Frame):
    kind: ClassVar[str] = "task_failed"
    task_id: str
    message: str = ""
    output: str = ""
    exit_code: int | None = None
    artifacts: list[Any] = Field(default_factory=list)
    stage: str = ""  # the step that failed: setup, repos, harness, input, timeout, ...


class TaskCancelled(Frame):
    kind: ClassVar[str] = "task_cancelled"
    task_id: str
    output: str = ""


FRAMES: dict[str, type[Frame]] = {
    model.kind: model
    for model in (
        Hello,
        Welcome,
        Error,
        TaskAssignment,
        TaskCancel,
        Heartbeat,
        TaskClaimed,
        TaskRejected,
        TaskProgress,
        TaskCompleted,
        TaskFailed,
        TaskCancelled,
    )
}


def parse(raw: str | bytes | dict[str, Any]) -> Frame:
    """The typed frame of ``raw`` (JSON text or an already decoded object); :class:`FrameError`
    for anything else, including a type this protocol does not have."""
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise FrameError("the frame is not JSON") from exc
    if not isinstance(raw, dict):
        raise FrameError("the frame is not an object {type, data}")
    kind = raw.get("type")
    model = FRAMES.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise FrameError(f"unknown frame type {str(kind)[:40]!r}")
    data = raw.get("data")
    try:
        return model.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise FrameError(f"the {kind} frame's {where or 'data'} is invalid: {problem['msg']}") from exc
