"""What the PRD and work-item routes answer (WS-12), as pydantic models for the OpenAPI document.

The routes answer the dicts of :mod:`oz_app.work.views`; these models describe them field by
field (:mod:`oz_app.control_plane.openapi` attaches them to the routes).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PrdState = Literal["planning", "planned", "plan_failed", "running", "paused", "done", "cancelled"]
ItemState = Literal[
    "draft", "todo", "implementing", "implemented", "reviewing", "needs_person", "done", "rejected", "cancelled"
]


class PrdProgress(BaseModel):
    total: int = Field(description="The PRD's work items.")
    done: int = Field(description="Those done.")


class PrdEpic(BaseModel):
    id: str
    title: str
    description: str
    position: int
    total: int = Field(description="The epic's work items.")
    done: int = Field(description="Those done.")


class PrdView(BaseModel):
    """A PRD: its text, its state, its planning and its progress."""

    id: str
    room_id: str
    title: str = Field(description="The PRD's first heading (or first line).")
    text: str = Field(description="The PRD, Markdown.")
    state: PrdState
    planner_id: str | None = Field(description="The SPEC agent that plans it.")
    plan_run_id: str | None = Field(description="The planning run under way or last.")
    root_run_id: str | None = Field(
        description="The first planning run: every run of the PRD descends from it (list them with ancestor_run_id)."
    )
    plan_attempts: int
    plan_error: str = Field(description="Why planning failed (state plan_failed).")
    created_by: str | None
    created_at: str
    updated_at: str
    approved_at: str | None
    finished_at: str | None
    progress: PrdProgress
    epics: list[PrdEpic]


class PrdList(BaseModel):
    prds: list[PrdView]


class WorkItemView(BaseModel):
    """One work item of a PRD, with its state in words (``shown``)."""

    id: str
    prd_id: str
    epic_id: str | None
    key: str = Field(description="The plan's name for it, used by depends_on.")
    title: str
    description: str
    acceptance: list[str] = Field(description="Acceptance criteria.")
    estimate: str
    depends_on: list[str] = Field(description="Keys of the items it waits for.")
    position: int
    state: ItemState
    shown: str = Field(description='Its state in words: "ready", "waiting for …", "claimed by …", "in review by …", …')
    assignee_id: str | None = Field(description="The IMPLEMENT agent a person chose.")
    assignee_name: str | None
    claimed_by: str | None = Field(description="The agent working on it.")
    claimed_by_name: str | None
    run_id: str | None = Field(description="The run of its current or last attempt or review.")
    root_run_id: str | None = Field(description="Its first attempt; later attempts and reviews descend from it.")
    round: int = Field(description="Reviews that asked for changes.")
    attempts: int = Field(description="Attempts whose run failed.")
    feedback: str = Field(description="The last review's comments.")
    output: str = Field(description="The last implementation's answer.")
    last_error: str
    updated_at: str


class WorkItemList(BaseModel):
    items: list[WorkItemView]


class WorkEventView(BaseModel):
    kind: str = Field(description="claimed, implemented, approved, changes_needed, failed, rejected, reassigned, …")
    actor: str = Field(description="The agent or person who did it.")
    text: str
    run_id: str | None
    at: str


class WorkItemDetail(WorkItemView):
    """A work item with its history, oldest first."""

    history: list[WorkEventView]
