"""Mentions become replies, replies are runs, and conversations outlive processes (WS-3..WS-5,
ST-1, ST-3, ST-5).

Everything the conductor knows is a row. A mention of a member agent is a *queued* reply: a
message, visible and cancellable, that starts (gets its run) as soon as the agent is not
answering in that room and the room is not paused, oldest first. A reply's text and state are
its run's (:mod:`oz_app.workspace.replies`). When the run ends the reply is *settled*, once,
whichever process sees it first (a compare-and-set on the message): in the same transaction the
agents it mentions get queued replies one level deeper (up to ``max_depth``), and when it was
the last answer of a *gathering* (an agent asking several at once) the answers go back to the
agent that asked. A process that stops, however it stops, leaves only rows behind, and every
process picks up what is unsettled when it starts and every few seconds after.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import defaultdict
from typing import Any

from loguru import logger
from tortoise.transactions import in_transaction

from oz_app.bus import RUNS_TOPIC, Bus, run_topic
from oz_app.db.models import Agent, Gather, Message, Room, Run
from oz_app.runners import Runner, RunnerError
from oz_app.workspace import replies, service, task_runs
from oz_app.workspace.live import room_topic, user_topic

MENTION = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_-]{0,63})")
MAX_DEPTH = 3
CONTEXT_MESSAGES = 20
MAX_MESSAGE = service.MAX_MESSAGE
SWEEP_SECONDS = 5.0


def mentions_in(text: str) -> list[str]:
    """The names mentioned in ``text``, lowercased, each once, in order of first mention."""
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))


def introduction(room: Room, agent: Agent) -> list[str]:
    """Who the agent is and where, as every prompt of it in a room starts (a reply, a task)."""
    about = f" ({room.description})" if room.description else ""
    lines = [f'You are {agent.name}, an AI agent in the room "{room.name}"{about}.']
    if agent.repository:
        lines.append(f"Your repository: {agent.repository}.")
    return lines


def run_config(agent: Agent) -> dict[str, Any]:
    """What a reply's run asks for: the agent's harness, model, environment, prompt, and the
    provider it was given (none: the harness's default answers, UX-7)."""
    config: dict[str, Any] = {"name": agent.name}
    if agent.provider:
        config["provider"] = agent.provider
    if agent.harness != "default":
        config["harness"] = {"type": agent.harness}
    if agent.model:
        config["model_id"] = agent.model
    if agent.environment_id:
        config["environment_id"] = agent.environment_id
    if agent.system_prompt:
        config["base_prompt"] = agent.system_prompt
    return config


class Conductor:
    def __init__(self, runner: Runner, bus: Bus, max_depth: int = MAX_DEPTH) -> None:
        self.runner = runner
        self.bus = bus
        self.max_depth = max_depth
        self._followed: dict[int, asyncio.Task[None]] = {}
        self._starting: dict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)
        self._sweeper: asyncio.Task[None] | None = None
        self._taking: set[int] = set()  # replies this process took and is creating runs for
        self._taken_before: set[int] = set()  # replies taken without a run at the last sweep

    async def start(self) -> None:
        """Pick up what processes before this one left unsettled, then keep looking."""
        await self.sweep()
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="oz-conductor-sweep")

    async def close(self) -> None:
        """Stop following; nothing is written (a reply goes on as its run does, ST-3)."""
        tasks = [task for task in (self._sweeper, *self._followed.values()) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # People's messages -----------------------------------------------------------------------

    async def post(self, room: Room, author: str, content: str) -> Message:
        """Post a person's message and queue a reply from every member agent it mentions."""
        content = content.strip()
        if not content:
            raise service.Invalid("Write something first.")
        if len(content) > MAX_MESSAGE:
            raise service.Invalid(f"A message is at most {MAX_MESSAGE} characters.")
        created: list[Message] = []
        async with in_transaction():
            message = await service.post_message(room, "user", author, content)
            created.append(message)
            await self._mention(room, content, 1, set(), None, message.id, created)
        await self._publish(created)
        return message

    async def _mention(
        self, room: Room, text: str, depth: int, exclude: set[str], lead: Agent | None, asked_by: int,
        created: list[Message],
    ) -> None:  # fmt: skip
        """Queue a reply from each member agent ``text`` mentions (not those in ``exclude``);
        ``lead`` is the agent that asked (None: a person), who gets several answers gathered."""
        names = mentions_in(text)
        if not names:
            return
        members = {agent.name.lower(): agent for agent in await service.members_of(room)}
        unknown = [name for name in names if name not in members]
        if unknown and lead is None:
            listed = ", ".join(f"@{name}" for name in unknown)
            await self._note(
                room, f"{listed} {'is' if len(unknown) == 1 else 'are'} not a member of this room.", created
            )
        targets = [members[name] for name in names if name in members and members[name].id not in exclude]
        if not targets:
            return
        if depth > self.max_depth:
            await self._note(
                room, f"Agents stopped here: they mentioned each other {self.max_depth} levels deep.", created
            )
            return
        if room.paused:
            await self._note(room, "This room is paused: the agents answer when it resumes.", created)
        gather_id = None
        if lead is not None and len(targets) > 1:
            gather_id = service.new_id()
            await Gather.create(id=gather_id, room=room, lead_id=lead.id, depth=depth, created_at=service.now())
        for agent in targets:
            created.append(await self._queue(room, agent, depth, asked_by=asked_by, gather_id=gather_id))

    @staticmethod
    async def _queue(room: Room, agent: Agent, depth: int, **fields: Any) -> Message:
        return await service.post_message(
            room, "agent", agent.name, "", agent_id=agent.id, state="queued", depth=depth, **fields
        )

    async def _note(self, room: Room, text: str, created: list[Message]) -> None:
        created.append(await service.post_message(room, "system", "oz", text))

    async def _publish(self, created: list[Message]) -> None:
        """After a commit: show what was written, and start the replies it queued."""
        for message in created:
            self._announce(message)
        for room_id, agent_id in dict.fromkeys((m.room_id, m.agent_id) for m in created if m.state == "queued"):  # type: ignore[attr-defined]
            await self.start_next(room_id, agent_id)

    async def adopt(self, created: list[Message]) -> None:
        """Show messages written elsewhere (a task's run, :mod:`.task_runs`), and follow and settle
        the reply among them like any other, its agent shown running meanwhile (ST-6)."""
        for message in created:
            self._announce(message)
            if message.state == "streaming" and message.run_id:
                await self._set_status(str(message.agent_id))
                self._follow(message)

    def _announce(self, message: Message, kind: str = "message") -> None:
        self.bus.publish(room_topic(message.room_id), kind=kind, message_id=message.id)  # type: ignore[attr-defined]

    # Starting replies ----------------------------------------------------------------------------

    async def start_next(self, room_id: str, agent_id: str | None) -> None:
        """Start the agent's oldest queued reply in the room, if it is free there and the room is not paused."""
        if agent_id is None:
            return
        async with self._starting[(room_id, agent_id)]:
            while await self._start_one(room_id, agent_id):
                pass
        await self._set_status(agent_id)

    async def _start_one(self, room_id: str, agent_id: str) -> bool:
        """Start one queued reply; True when another should be tried (this one could not start).
        The reply is taken first (a compare-and-set to ``streaming``) and only then gets its run,
        so two processes never both ask the provider for it."""
        room = await Room.get_or_none(id=room_id)
        if room is None or room.paused or await Message.exists(room_id=room_id, agent_id=agent_id, state="streaming"):
            return False
        queued = await Message.filter(room_id=room_id, agent_id=agent_id, state="queued").order_by("id").first()
        if queued is None:
            return False
        if not await Message.filter(id=queued.id, state="queued").update(state="streaming"):
            return True  # cancelled, or taken by another process, meanwhile
        self._taking.add(queued.id)
        try:
            run_id = await self._run_for(room, agent_id, queued)
        finally:
            self._taking.discard(queued.id)
        if run_id is None:
            return True
        if not await Message.filter(id=queued.id, state="streaming", run_id__isnull=True).update(run_id=run_id):
            with contextlib.suppress(RunnerError):  # stopped while its run was being created
                await self.runner.cancel(run_id, owner=room.owner_id)  # type: ignore[attr-defined]
            return True
        queued.state, queued.run_id = "streaming", run_id
        self._announce(queued)
        self._follow(queued)
        return False

    async def _run_for(self, room: Room, agent_id: str, reply: Message) -> str | None:
        """Create the run of a reply just taken; None (and the reply failed) when that is not possible."""
        agent = await Agent.get_or_none(id=agent_id)
        if agent is None:
            await self._end_unstarted(reply, "failed", "This agent was deleted.", "streaming")
            return None
        try:
            return await self.runner.start(
                await self._prompt(room, agent, reply.extra),
                title=f"{agent.name} in {room.name}"[:500],
                config=run_config(agent),
                owner=room.owner_id,  # type: ignore[attr-defined]
            )
        except RunnerError as exc:
            await self._end_unstarted(reply, "failed", str(exc), "streaming")
            return None

    async def _prompt(self, room: Room, agent: Agent, extra: str) -> str:
        history = await replies.views(await service.messages_of(room, limit=CONTEXT_MESSAGES))
        lines = [f"{m['author_name']}: {m['content']}" for m in history if m["content"] and m["state"] == "done"]
        others = [f"@{a.name}" for a in await service.members_of(room) if a.id != agent.id]
        parts = ["\n\n".join(lines), "---", *introduction(room, agent), "Answer the latest message addressed to you."]
        if others:
            parts.append(f"You can ask another agent by mentioning it: {', '.join(others)}.")
        if extra:
            parts.append(extra)
        return "\n".join(parts)

    # Following and settling replies -----------------------------------------------------------

    def _follow(self, message: Message) -> None:
        if message.id in self._followed:
            return
        task = asyncio.create_task(self._watch(message), name=f"oz-reply-{message.id}")
        self._followed[message.id] = task
        task.add_done_callback(lambda _task: self._followed.pop(message.id, None))

    async def _watch(self, message: Message) -> None:
        """Wait for the reply's run to end, then settle the reply. A run on another control plane
        (remote mode) is relayed onto this database's bus, so tabs follow it like any other."""
        run_id, room = str(message.run_id), await Room.get_or_none(id=message.room_id)  # type: ignore[attr-defined]
        if room is None:
            return
        relay = not await Run.exists(id=run_id)
        try:
            async for event in self.runner.follow(run_id, owner=room.owner_id):  # type: ignore[attr-defined]
                if relay and event["type"] in ("output", "state"):
                    self.bus.publish(run_topic(run_id), **event)
                    if event["type"] == "state":
                        self.bus.publish(RUNS_TOPIC, run_id=run_id, state=event["state"], tenant=None)
            item = await self.runner.get(run_id, owner=room.owner_id)  # type: ignore[attr-defined]
        except (RunnerError, OSError) as exc:
            if "not found" not in str(exc):
                logger.warning("lost reply {}'s run {}: {}; following it again shortly", message.id, run_id, exc)
                return
            item = {"state": "FAILED", "output": "", "status_message": {"message": str(exc)}}
            relay = True
        await self.settle(message, item, relay)

    async def settle(self, message: Message, item: dict[str, Any], keep_copy: bool) -> None:
        """The reply's run ended: once, in one transaction, mark it and queue what it asks for."""
        outcome = replies.SHOWN_STATE.get(item["state"], "failed")
        changes: dict[str, Any] = {"state": outcome}
        if keep_copy:  # the run is not in this database: keep what it said
            status = (item.get("status_message") or {}).get("message") or ""
            text = item.get("output") or ""
            changes["content"] = f"{text}\n\n{status}" if outcome == "failed" and status and text else text or status
        created: list[Message] = []
        async with in_transaction():
            if not await Message.filter(id=message.id, state="streaming").update(**changes):
                return
            message.state = outcome
            boards = await task_runs.settle(str(message.run_id), item["state"])  # a task's run: its card moves
            await self._follow_ups(message, (item.get("output") or "") if outcome == "done" else "", created)
        self._announce(message, "message_done")
        task_runs.announce(self.bus, boards)
        await self._publish(created)
        await self.start_next(message.room_id, message.agent_id)  # type: ignore[attr-defined]

    async def _end_unstarted(self, message: Message, outcome: str, text: str, state: str = "queued") -> bool:
        """A reply that ends without a run (cancelled, or its run could not be created)."""
        created: list[Message] = []
        async with in_transaction():
            changed = await Message.filter(id=message.id, state=state, run_id__isnull=True).update(
                state=outcome, content=text
            )
            if not changed:
                return False
            message.state, message.content = outcome, text
            await self._follow_ups(message, "", created)
        self._announce(message, "message_done")
        await self._publish(created)
        return True

    async def _follow_ups(self, message: Message, text: str, created: list[Message]) -> None:
        """What a settled reply asks for: the agents it mentions, and its gathering's hand-back."""
        room = await Room.get_or_none(id=message.room_id)  # type: ignore[attr-defined]
        if room is None:
            return
        gather = await Gather.get_or_none(id=message.gather_id) if message.gather_id else None
        if gather is not None:
            await self._gathered(room, gather, created)
        agent = await Agent.get_or_none(id=message.agent_id)
        if text and agent is not None:
            exclude = {agent.id} | ({gather.lead_id} if gather else set())
            await self._mention(room, text, message.depth + 1, exclude, agent, message.id, created)

    async def _gathered(self, room: Room, gather: Gather, created: list[Message]) -> None:
        """The last answer of a gathering is in: hand all of them back to the agent that asked, once."""
        if await Message.exists(gather_id=gather.id, state__in=replies.ACTIVE_REPLY):
            return
        if not await Gather.filter(id=gather.id, delivered=False).update(delivered=True):
            return
        lead = await Agent.get_or_none(id=gather.lead_id)
        if lead is None:
            return
        shown = await replies.views(await Message.filter(gather_id=gather.id).order_by("id"))
        answers = "\n\n".join(
            f"@{m['author_name']} answered:\n{m['content']}" for m in shown if m["state"] == "done" and m["content"]
        )
        extra = f"The agents you asked have answered.\n\n{answers or 'Nobody answered.'}"
        created.append(await self._queue(room, lead, gather.depth, extra=extra))

    # Statuses, cancelling, pausing ------------------------------------------------------------------

    async def _set_status(self, agent_id: str) -> None:
        """Store the agent's status (ST-6), derived from its replies, and tell its tabs."""
        agent = await Agent.get_or_none(id=agent_id)
        if agent is None:
            return
        if await Message.exists(agent_id=agent_id, state="streaming"):
            status = "running"
        elif await Message.exists(agent_id=agent_id, state="queued"):
            status = "queued"
        else:
            last = await Message.filter(agent_id=agent_id, state__in=["done", "failed", "cancelled"]).order_by("-id")
            status = "error" if last and last[0].state == "failed" else "idle"
        if status == agent.status:
            return
        await Agent.filter(id=agent_id).update(status=status)
        event = {"kind": "agent", "agent_id": agent.id, "name": agent.name, "status": status}
        self.bus.publish(user_topic(agent.owner_id), **event)  # type: ignore[attr-defined]
        for room_id in await Room.filter(members__id=agent_id).values_list("id", flat=True):
            self.bus.publish(room_topic(str(room_id)), **event)

    async def cancel(self, room: Room, message_id: int) -> bool:
        """Stop a reply in ``room``: a queued one never starts, a streaming one's run is cancelled.
        False if it already ended."""
        message = await Message.get_or_none(id=message_id, room_id=room.id, author_kind="agent")
        if message is None:
            return False
        if message.state in replies.ACTIVE_REPLY and message.run_id is None:  # queued, or its run being made
            ended = await self._end_unstarted(message, "cancelled", "", message.state)
            await self._set_status(str(message.agent_id))
            return ended
        if message.state != "streaming" or message.run_id is None:
            return False
        try:
            await self.runner.cancel(message.run_id, owner=room.owner_id)  # type: ignore[attr-defined]
        except RunnerError:
            return False
        return True

    async def retry(self, room: Room, message_id: int) -> Message:
        """Ask again for a reply that failed in ``room`` (UX-2): a new queued reply of the same
        agent to the same message, which starts as any other (after the agent's earlier replies
        here, not while the room is paused). The failed one stays, as what happened."""
        failed = await Message.get_or_none(id=message_id, room_id=room.id, author_kind="agent")
        if failed is None or failed.state != "failed":
            raise service.NotFound("Only a failed reply can be retried.")
        agent = await Agent.get_or_none(id=failed.agent_id, owner_id=room.owner_id)  # type: ignore[attr-defined]
        if agent is None:
            raise service.Invalid("This agent was deleted, so it cannot answer again.")
        newer = Message.filter(room_id=room.id, agent_id=agent.id, asked_by=failed.asked_by, id__gt=failed.id)
        if failed.asked_by is not None and await newer.exists():
            raise service.Invalid("This reply was already retried: see the newer one.")
        reply = await self._queue(room, agent, failed.depth, asked_by=failed.asked_by, extra=failed.extra)
        await self._publish([reply])
        return reply

    async def pause(self, room: Room) -> int:
        """Cancel every reply streaming in ``room`` (queued ones wait for Resume); how many."""
        streaming = await Message.filter(room_id=room.id, author_kind="agent", state="streaming")
        results = await asyncio.gather(*(self.cancel(room, message.id) for message in streaming))
        return sum(results)

    async def resume(self, room: Room) -> None:
        """Start the replies queued in ``room`` while it was paused."""
        for agent_id in await self._queued_agents(room.id):
            await self.start_next(room.id, agent_id)

    @staticmethod
    async def _queued_agents(room_id: str) -> list[str]:
        rows = await Message.filter(room_id=room_id, state="queued").order_by("id").values_list("agent_id", flat=True)
        return [str(agent_id) for agent_id in dict.fromkeys(rows) if agent_id]

    # Picking up after other processes ------------------------------------------------------------

    async def sweep(self) -> None:
        """Follow every streaming reply (its process may be gone), queue again a reply whose
        process stopped between taking it and creating its run, and start what can start."""
        for message in await Message.filter(author_kind="agent", state="streaming", run_id__isnull=False):
            self._follow(message)
        taken: set[int] = set(
            await Message.filter(state="streaming", run_id__isnull=True).values_list("id", flat=True)  # type: ignore[arg-type]
        )
        for message_id in (taken & self._taken_before) - self._taking:  # so for a whole sweep: left behind
            await Message.filter(id=message_id, state="streaming", run_id__isnull=True).update(state="queued")
        self._taken_before = taken
        await task_runs.sweep(self.bus)
        pairs = await Message.filter(state="queued").order_by("id").values_list("room_id", "agent_id")
        for room_id, agent_id in dict.fromkeys(pairs):
            await self.start_next(str(room_id), agent_id)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:
                logger.exception("looking for unsettled replies failed; trying again")
