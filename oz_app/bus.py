"""One publish/subscribe per process, fed by the database (ST-4, WS-13).

Room tabs, the Runs page, the API's server-sent events and the executor follow *topics*:
``run:<id>`` (output appended, state changed), ``runs`` (some run changed state), ``room:<id>``
and ``user:<id>``. An event is a small JSON object that says *what* changed; what a view shows is
read from the database, so a view is never a copy that can disagree.

On SQLite (one process per database) an event reaches this process's subscribers at once. On
PostgreSQL it is sent with ``NOTIFY`` and delivered by ``LISTEN``, in every process sharing the
database, this one included, so all of them see the same events in the same order. When the
listening connection is lost and opened again, every subscriber gets ``{"kind": "resync"}`` and
reads again what it shows (the catch-up read): nothing missed meanwhile stays missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from loguru import logger

from oz_app import db

Listener = Callable[[dict[str, Any]], None]
CHANNEL = "oz_events"
MAX_PAYLOAD_BYTES = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
RECONNECT_SECONDS = 1.0
SEND_BATCH = 200
STOP_SECONDS = 3.0
RESYNC = {"kind": "resync", "type": "resync"}


def run_topic(run_id: str) -> str:
    return f"run:{run_id}"


RUNS_TOPIC = "runs"


def room_topic(room_id: str) -> str:
    """A room's messages, board, artifacts and work (the workspace's tabs follow it)."""
    return f"room:{room_id}"


def user_topic(user_id: str) -> str:
    """A person's inbox, unread counts and settings."""
    return f"user:{user_id}"


def unseen(have: int, offset: int, text: str) -> str:
    """The part of an output chunk at ``offset`` that a follower holding the first ``have``
    characters does not have yet ("" when it has it all). Raises LookupError when text before
    the chunk is missing (the follower must read the run)."""
    if offset > have:
        raise LookupError(offset)
    return text[have - offset :] if offset + len(text) > have else ""


class Bus:
    """Topics and their listeners in this process; listeners run synchronously in the delivering
    task and must only schedule slow work."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = defaultdict(set)
        self._channel: _PostgresChannel | None = None

    @property
    def shared(self) -> bool:
        """True when events cross processes (PostgreSQL)."""
        return self._channel is not None

    async def start(self, database_url: str) -> None:
        if database_url.startswith(("postgres://", "postgresql://")):
            self._channel = _PostgresChannel(database_url, self._received, self._resync)
            await self._channel.start()

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.stop()
            self._channel = None

    def subscribe(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event on ``topic``; returns the unsubscribe function."""
        self._listeners[topic].add(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(topic)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[topic]

        return unsubscribe

    @contextlib.contextmanager
    def queue(self, topic: str) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        """The events of ``topic`` in a queue, for as long as the ``with`` lasts."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        unsubscribe = self.subscribe(topic, queue.put_nowait)
        try:
            yield queue
        finally:
            unsubscribe()

    def publish(self, topic: str, **event: Any) -> None:
        """Send ``event`` to every subscriber of ``topic`` in every process sharing the database.
        Publish after the change it announces is committed."""
        if self._channel is None:
            self._deliver(topic, event)
        else:
            self._channel.send(_encode(topic, event))

    def _received(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            topic, event = message["t"], message["e"]
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored an event that is not ours on channel {}", CHANNEL)
            return
        self._deliver(topic, event)

    def _resync(self) -> None:
        for topic in list(self._listeners):
            self._deliver(topic, dict(RESYNC))

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        for listener in list(self._listeners.get(topic, ())):
            try:
                listener(event)
            except Exception:
                logger.exception("a listener of {} failed", topic)


def _encode(topic: str, event: dict[str, Any]) -> str:
    """The NOTIFY payload; an output chunk too long for one loses its text, which the
    subscriber then reads from the run (``text`` None)."""
    payload = json.dumps({"t": topic, "e": event}, separators=(",", ":"))
    if len(payload.encode()) <= MAX_PAYLOAD_BYTES:
        return payload
    return json.dumps({"t": topic, "e": {**event, "text": None}}, separators=(",", ":"))


class _PostgresChannel:
    """``LISTEN`` on one connection of its own, ``NOTIFY`` in order from another."""

    def __init__(self, database_url: str, on_payload: Callable[[str], None], on_resync: Callable[[], None]) -> None:
        self._dsn = db.dsn(database_url)
        self._on_payload = on_payload
        self._on_resync = on_resync
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._lost = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._listener = await self._listen()
        self._sender = await self._connect()
        self._tasks = [
            asyncio.create_task(self._send_forever(), name="oz-bus-send"),
            asyncio.create_task(self._keep_listening(), name="oz-bus-listen"),
        ]

    async def stop(self) -> None:
        """Send what is queued (a few seconds at most), then close."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox.join(), timeout=STOP_SECONDS)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for connection in (self._listener, self._sender):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=2)

    def send(self, payload: str) -> None:
        self._outbox.put_nowait(payload)

    async def _connect(self) -> Any:
        import asyncpg

        return await asyncpg.connect(self._dsn, timeout=10)

    async def _listen(self) -> Any:
        connection = await self._connect()
        await connection.add_listener(CHANNEL, lambda _c, _pid, _channel, payload: self._on_payload(payload))
        connection.add_termination_listener(lambda _c: self._lost.set())
        return connection

    async def _keep_listening(self) -> None:
        """Open the listening connection again whenever it is lost, then resync."""
        while True:
            await self._lost.wait()
            logger.warning("lost the database's event connection; reconnecting")
            while True:
                await asyncio.sleep(RECONNECT_SECONDS)
                try:
                    self._lost.clear()
                    self._listener = await self._listen()
                    break
                except Exception as exc:
                    logger.warning("event connection: {}; trying again", exc)
            self._on_resync()

    async def _send_forever(self) -> None:
        """Send queued events in order, many per round trip."""
        while True:
            batch = [await self._outbox.get()]
            while not self._outbox.empty() and len(batch) < SEND_BATCH:
                batch.append(self._outbox.get_nowait())
            while True:
                try:
                    await self._sender.execute(
                        "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", CHANNEL, batch
                    )
                    break
                except Exception as exc:
                    logger.warning("could not send {} events: {}; reconnecting", len(batch), exc)
                    await asyncio.sleep(RECONNECT_SECONDS)
                    with contextlib.suppress(Exception):
                        self._sender = await self._connect()
            for _ in batch:
                self._outbox.task_done()
