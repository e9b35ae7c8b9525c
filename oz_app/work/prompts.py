"""What the room's planning, implementing and reviewing agents are asked (WS-12).

Plain text, each prompt opening like every prompt of the agent in its room
(:func:`~oz_app.workspace.dispatch.introduction`) and holding its marker, by which a reader (or a
test's fake model) tells the three apart. The shapes asked for here are the ones
:mod:`.plan` and :mod:`.review` read.
"""

from __future__ import annotations

from oz_app.db.models import Agent, Prd, Room, WorkItem
from oz_app.work.plan import MAX_CRITERIA, MAX_ITEMS
from oz_app.workspace.dispatch import introduction

PLAN_MARK = "Decompose this PRD"
IMPLEMENT_MARK = "Implement this work item"
REVIEW_MARK = "Review this work item"
MAX_PREVIOUS = 4_000  # characters of a malformed answer quoted back to its agent
MAX_OUTPUT = 20_000  # characters of the implementer's answer shown to the reviewer

PLAN_SHAPE = """{"epics": [{"title": "...", "description": "...", "items": [{"id": "...", "title": "...",
  "description": "...", "acceptance_criteria": ["..."], "estimate": "...", "depends_on": ["<id>", ...]}]}]}"""

PLAN_EXAMPLE = """{"epics": [{"title": "Accounts", "description": "People sign up and sign in.", "items": [
  {"id": "signup", "title": "Sign-up form", "description": "A form with e-mail and password.",
   "acceptance_criteria": ["A new e-mail creates an account", "A taken e-mail is refused"],
   "estimate": "2h", "depends_on": []},
  {"id": "signin", "title": "Sign-in", "description": "Sign in with e-mail and password.",
   "acceptance_criteria": ["A wrong password is refused"], "estimate": "1h", "depends_on": ["signup"]}]}]}"""

VERDICT_SHAPE = """{"verdict": "APPROVED", "comments": "...", "learnings": ["..."]}
or
{"verdict": "CHANGES_NEEDED", "comments": "what must change, and why", "learnings": ["..."]}"""
VERDICT_RULES = (
    "comments are required with CHANGES_NEEDED; learnings (at most 10, possibly none) are what a later agent "
    "working in this repository should know."
)


def _head(room: Room, agent: Agent) -> list[str]:
    return [*introduction(room, agent), ""]


def _section(title: str, body: str) -> list[str]:
    return [f"----- {title} -----", body, f"----- end of {title} -----", ""]


def _knowledge(knowledge: str) -> list[str]:
    return [knowledge, ""] if knowledge else []


def _retry(error: str, previous: str) -> list[str]:
    """The lines telling an agent why its last answer was refused, quoting it (trimmed)."""
    if not error:
        return []
    lines = [f"Your previous answer could not be used: {error}"]
    if previous:
        quoted = previous if len(previous) <= MAX_PREVIOUS else previous[:MAX_PREVIOUS] + "\n[… trimmed]"
        lines += ["Your previous answer was:", *_section("your previous answer", quoted)]
    return [*lines, "Answer again, with the JSON only.", ""]


def _criteria(item: WorkItem) -> list[str]:
    criteria = list(item.acceptance or [])
    if not criteria:
        return ["Acceptance criteria: none stated."]
    return ["Acceptance criteria:", *(f"- {criterion}" for criterion in criteria)]


def _item(item: WorkItem) -> list[str]:
    lines = [f"Work item: {item.title}"]
    if item.description:
        lines += ["", item.description, ""]
    lines += _criteria(item)
    if item.estimate:
        lines.append(f"Estimate: {item.estimate}")
    return [*lines, ""]


def planner(room: Room, agent: Agent, prd: Prd, knowledge: str, error: str = "", previous: str = "") -> str:
    """Ask the planning agent for the PRD's epics and work items as JSON (again, after ``error``)."""
    lines = [
        *_head(room, agent),
        f"{PLAN_MARK} into epics and work items that other agents can implement and review one by one.",
        "",
        *_section("the PRD", prd.text),
        *_knowledge(knowledge),
        "Answer with one JSON object and nothing else, of this shape:",
        PLAN_SHAPE,
        "",
        f"Rules: at least one and at most {MAX_ITEMS} items in all; each id is 1 to 64 letters, digits, dots, "
        "dashes or underscores, unique in the whole plan; depends_on lists the ids of the items that must be "
        "done before this one (no item may wait for itself, directly or through others); titles are at most "
        f"500 characters, descriptions at most 20,000; at most {MAX_CRITERIA} acceptance criteria per item, "
        "each one a checkable sentence.",
        "",
        "For example:",
        PLAN_EXAMPLE,
        "",
        *_retry(error, previous),
    ]
    return "\n".join(lines).rstrip() + "\n"


def implementer(room: Room, agent: Agent, prd: Prd, item: WorkItem, epic_title: str, knowledge: str) -> str:
    """Ask an implementing agent to do one work item (with the reviewer's comments after a round)."""
    lines = [
        *_head(room, agent),
        f'{IMPLEMENT_MARK} of the PRD "{prd.title}".',
        "",
        f"Epic: {epic_title}" if epic_title else "Epic: none",
        *_item(item),
    ]
    if item.round > 0 and item.feedback:
        lines += [f"The reviewer asked for changes (round {item.round}):", item.feedback, ""]
    lines += [
        *_knowledge(knowledge),
        "Do the work, then say briefly what you changed and how it meets each acceptance criterion.",
        'End your answer with a "## Learnings" section: bullets of what a later agent working in this '
        "repository should know (leave it empty when there is nothing).",
    ]
    return "\n".join(lines).rstrip() + "\n"


def _trimmed(output: str) -> tuple[str, str]:
    """The implementer's answer as the reviewer sees it: its start and its end when too long."""
    if len(output) <= MAX_OUTPUT:
        return output, ""
    half = MAX_OUTPUT // 2
    left_out = len(output) - 2 * half
    note = f" (trimmed: {len(output):,} characters, {left_out:,} of them in the middle left out)"
    return f"{output[:half]}\n[… {left_out:,} characters left out …]\n{output[-half:]}", note


def reviewer(
    room: Room,
    agent: Agent,
    item: WorkItem,
    output: str,
    artifacts: list[str],
    knowledge: str,
    error: str = "",
    previous: str = "",
) -> str:
    """Ask the reviewing agent whether the item's implementation meets its acceptance criteria."""
    shown, note = _trimmed(output or "")
    lines = [
        *_head(room, agent),
        f"{REVIEW_MARK}: does its implementation meet every acceptance criterion?",
        "",
        *_item(item),
        f"The implementer's answer{note}:",
        *_section("the implementer's answer", shown or "(empty)"),
        "Artifacts:" if artifacts else "Artifacts: none.",
        *(f"- {line}" for line in artifacts),
        "",
        *_knowledge(knowledge),
        "Answer with one JSON object and nothing else:",
        VERDICT_SHAPE,
        VERDICT_RULES,
        "",
        *_retry(error, previous),
    ]
    return "\n".join(lines).rstrip() + "\n"
