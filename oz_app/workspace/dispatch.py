"""Mentions become runs, and runs become agents' replies (WS-3, WS-4, WS-5).

A mention of a member agent starts one run through the runner mode (local or remote), with
the agent's harness, model, environment and system prompt. The agent's reply is a message
that fills in as the run streams; when the run ends the message holds the run's final output.
Mentions inside a reply dispatch the agents mentioned, one level deeper, up to ``max_depth``.
When a reply mentions several agents, their answers are gathered and handed back to the agent
that asked, once, when the last of them has answered.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from loguru import logger

from oz_app.db.models import TERMINAL_STATES, Agent, Message, Room
from oz_app.runners import Runner, RunnerError
from oz_app.workspace import service
from oz_app.workspace.live import Live, room_topic, user_topic

MENTION = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_-]{0,63})")
MAX_DEPTH = 3
CONTEXT_MESSAGES = 20
MAX_MESSAGE = 100_000


def mentions_in(text: str) -> list[str]:
    """The names mentioned in ``text``, lowercased, each once, in order of first mention."""
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))


def message_view(message: Message) -> dict[str, Any]:
    """What a tab needs to show a message (also all a share link shows of it)."""
    return {
        "id": message.id,
        "author_kind": message.author_kind,
        "author_name": message.author_name,
        "agent_id": message.agent_id,
        "content": message.content,
        "state": message.state,
        "run_id": message.run_id,
        "created_at": message.created_at.isoformat(),
    }


@dataclass
class Gather:
    """Answers being collected for the agent that mentioned several agents at once."""

    lead: Agent
    waiting: set[str]
    depth: int
    answers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Reply:
    """An agent's reply that is still streaming."""

    message: Message
    agent: Agent
    room: Room
    gather: Gather | None
    chunks: list[str] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


class Conductor:
    def __init__(self, runner: Runner, live: Live, max_depth: int = MAX_DEPTH) -> None:
        self.runner = runner
        self.live = live
        self.max_depth = max_depth
        self.replies: dict[int, Reply] = {}

    # Publishing ----------------------------------------------------------------------------

    def _message_event(self, message: Message, kind: str = "message") -> None:
        self.live.publish(room_topic(message.room_id), kind=kind, message=message_view(message))  # type: ignore[attr-defined]

    def _agent_status(self, agent: Agent, room: Room, status: str) -> None:
        agent.status = status
        event = {"kind": "agent", "agent_id": agent.id, "name": agent.name, "status": status}
        self.live.publish(user_topic(agent.owner_id), **event)  # type: ignore[attr-defined]
        self.live.publish(room_topic(room.id), **event)

    async def _note(self, room: Room, text: str) -> None:
        self._message_event(await service.post_message(room, "system", "oz", text))

    def streaming(self, message_id: int) -> str | None:
        """The text so far of a reply that is still streaming."""
        reply = self.replies.get(message_id)
        return None if reply is None else "".join(reply.chunks)

    def busy_agents(self, room_id: str) -> set[str]:
        return {reply.agent.id for reply in self.replies.values() if reply.room.id == room_id}

    # People's messages -----------------------------------------------------------------------

    async def post(self, room: Room, author: str, content: str) -> Message:
        """Post a person's message and dispatch every member agent it mentions."""
        content = content.strip()
        if not content:
            raise service.Invalid("Write something first.")
        if len(content) > MAX_MESSAGE:
            raise service.Invalid(f"A message is at most {MAX_MESSAGE} characters.")
        message = await service.post_message(room, "user", author, content)
        self._message_event(message)
        await self._dispatch_mentions(room, content, depth=1, exclude=set(), gather_lead=None, from_person=True)
        return message

    async def _dispatch_mentions(
        self,
        room: Room,
        text: str,
        *,
        depth: int,
        exclude: set[str],
        gather_lead: Agent | None,
        from_person: bool = False,
    ) -> None:
        names = mentions_in(text)
        if not names:
            return
        members = {agent.name.lower(): agent for agent in await service.members_of(room)}
        unknown = [name for name in names if name not in members]
        if unknown and from_person:
            listed = ", ".join(f"@{name}" for name in unknown)
            await self._note(room, f"{listed} {'is' if len(unknown) == 1 else 'are'} not a member of this room.")
        targets = [members[name] for name in names if name in members and members[name].id not in exclude]
        if not targets:
            return
        if room.paused:
            await self._note(room, "This room is paused: resume it to let agents answer.")
            return
        if depth > self.max_depth:
            await self._note(room, f"Agents stopped here: they mentioned each other {self.max_depth} levels deep.")
            return
        busy = self.busy_agents(room.id)
        for agent in [agent for agent in targets if agent.id in busy]:
            await self._note(room, f"{agent.name} is already answering in this room.")
        targets = [agent for agent in targets if agent.id not in busy]
        gather = None
        if gather_lead is not None and len(targets) > 1:
            gather = Gather(lead=gather_lead, waiting={agent.id for agent in targets}, depth=depth)
        for agent in targets:
            await self.dispatch(room, agent, depth=depth, gather=gather)

    # Agents' replies ---------------------------------------------------------------------------

    async def _prompt(self, room: Room, agent: Agent, extra: str) -> str:
        history = await service.messages_of(room, limit=CONTEXT_MESSAGES)
        lines = [f"{m.author_name}: {m.content}" for m in history if m.content and m.state == "done"]
        others = [f"@{a.name}" for a in await service.members_of(room) if a.id != agent.id]
        about = f" ({room.description})" if room.description else ""
        parts = [
            "\n\n".join(lines),
            "---",
            f'You are {agent.name}, an AI agent in the room "{room.name}"{about}.',
            "Answer the latest message addressed to you.",
        ]
        if agent.repository:
            parts.append(f"Your repository: {agent.repository}.")
        if others:
            parts.append(f"You can ask another agent by mentioning it: {', '.join(others)}.")
        if extra:
            parts.append(extra)
        return "\n".join(parts)

    @staticmethod
    def run_config(agent: Agent) -> dict[str, Any]:
        config: dict[str, Any] = {"name": agent.name}
        if agent.harness != "default":
            config["harness"] = {"type": agent.harness}
        if agent.model:
            config["model_id"] = agent.model
        if agent.environment_id:
            config["environment_id"] = agent.environment_id
        if agent.system_prompt:
            config["base_prompt"] = agent.system_prompt
        return config

    async def dispatch(
        self, room: Room, agent: Agent, *, depth: int, gather: Gather | None = None, extra: str = ""
    ) -> Message:
        """Start ``agent``'s reply in ``room``; the reply streams into a new message."""
        prompt = await self._prompt(room, agent, extra)
        message = await service.post_message(
            room, "agent", agent.name, "", agent_id=agent.id, state="streaming", depth=depth
        )
        self._message_event(message)
        try:
            message.run_id = await self.runner.start(
                prompt,
                title=f"{agent.name} in {room.name}"[:500],
                config=self.run_config(agent),
                owner=room.owner_id,  # type: ignore[attr-defined]
            )
        except RunnerError as exc:
            await self._finish(message, agent, room, "failed", str(exc))
            if gather is not None:
                await self._gathered(room, gather, agent, "")
            return message
        await Message.filter(id=message.id).update(run_id=message.run_id)
        reply = Reply(message, agent, room, gather)
        self.replies[message.id] = reply
        self._agent_status(agent, room, "running")
        reply.task = asyncio.create_task(self._follow(reply), name=f"oz-reply-{message.id}")
        return message

    async def _follow(self, reply: Reply) -> None:
        message, run_id = reply.message, str(reply.message.run_id)
        owner = reply.room.owner_id  # type: ignore[attr-defined]
        state, status = "", ""
        try:
            async for event in self.runner.follow(run_id, owner=owner):
                if event["type"] == "output":
                    reply.chunks.append(event["text"])
                    self.live.publish(
                        room_topic(reply.room.id), kind="chunk", message_id=message.id, text=event["text"]
                    )
                elif event["type"] == "state" and event.get("state") in TERMINAL_STATES:
                    state = event["state"]
            run = await self.runner.get(run_id, owner=owner)
            state = run["state"]
            text = run.get("output") or "".join(reply.chunks)
            status = (run.get("status_message") or {}).get("message") or ""
        except (RunnerError, OSError) as exc:
            text, status = "".join(reply.chunks), str(exc)
            state = state or "FAILED"
        except asyncio.CancelledError:
            text, state, status = "".join(reply.chunks), "CANCELLED", "Stopped."
            raise
        finally:
            self.replies.pop(message.id, None)
            outcome = {"SUCCEEDED": "done", "CANCELLED": "cancelled"}.get(state, "failed")
            if outcome == "failed" and status:
                text = f"{text}\n\n{status}" if text else status
            elif outcome == "cancelled":
                text = text or "(cancelled)"
            await asyncio.shield(self._finish(message, reply.agent, reply.room, outcome, text))
        await self._after(reply, text if outcome == "done" else "")

    async def _finish(self, message: Message, agent: Agent, room: Room, outcome: str, text: str) -> None:
        message.state, message.content = outcome, text
        await Message.filter(id=message.id).update(state=outcome, content=text)
        self._message_event(message, "message_done")
        if agent.id not in self.busy_agents(room.id):
            self._agent_status(agent, room, "error" if outcome == "failed" else "idle")

    async def _after(self, reply: Reply, text: str) -> None:
        """Dispatch what a finished reply asks for, and hand gathered answers back."""
        room = await Room.get_or_none(id=reply.room.id)
        if room is None:
            return
        try:
            if reply.gather is not None:
                await self._gathered(room, reply.gather, reply.agent, text)
            if text:
                exclude = {reply.agent.id} | ({reply.gather.lead.id} if reply.gather else set())
                await self._dispatch_mentions(
                    room, text, depth=reply.message.depth + 1, exclude=exclude, gather_lead=reply.agent
                )
        except Exception:
            logger.exception("dispatching the mentions of message {} failed", reply.message.id)

    async def _gathered(self, room: Room, gather: Gather, agent: Agent, text: str) -> None:
        gather.waiting.discard(agent.id)
        if text:
            gather.answers.append((agent.name, text))
        if gather.waiting or room.paused:
            return
        answers = "\n\n".join(f"@{name} answered:\n{answer}" for name, answer in gather.answers) or "Nobody answered."
        extra = f"The agents you asked have answered.\n\n{answers}"
        await self.dispatch(room, gather.lead, depth=gather.depth, extra=extra)

    # Cancelling ----------------------------------------------------------------------------

    async def cancel(self, message_id: int) -> bool:
        """Stop a streaming reply; False if it already ended."""
        reply = self.replies.get(message_id)
        if reply is None or reply.message.run_id is None:
            return False
        try:
            await self.runner.cancel(reply.message.run_id, owner=reply.room.owner_id)  # type: ignore[attr-defined]
        except RunnerError:
            return False
        return True

    async def pause(self, room: Room) -> int:
        """Cancel every reply streaming in ``room``; how many were cancelled."""
        replies = [reply for reply in self.replies.values() if reply.room.id == room.id]
        for reply in replies:
            reply.room.paused = True
        results = await asyncio.gather(*(self.cancel(reply.message.id) for reply in replies))
        return sum(results)

    async def close(self) -> None:
        tasks = [reply.task for reply in self.replies.values() if reply.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
