"""Fake LLM servers speaking the real wire formats, for tests and benchmarks.

``openai_chunk``/``json_error`` build OpenAI chat-completions SSE and error bodies.
:class:`FakeOpenAI` serves ``POST /v1/chat/completions`` from a thread of its own, so tests that
block (the sync SDK, subprocess control planes) can use it; each instance follows a script.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OPENAI_DONE = b"data: [DONE]\n\n"


def openai_chunk(text: str) -> bytes:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "type": "invalid_request_error"}}
    return web.json_response(body, status=status, headers=headers)


@dataclass
class FakeOpenAI:
    """An OpenAI-compatible server. ``status`` other than 200 answers that error (with
    ``retry_after`` on 429); otherwise it streams ``words`` ``delay`` seconds apart. ``written``
    gets the ``time.monotonic()`` at which each word's chunk is written (for latency benchmarks).
    Attributes are read at every request, so a test may change them between requests."""

    status: int = 200
    words: list[str] = field(default_factory=lambda: ["Hello", " from", " the", " fake"])
    delay: float = 0.0
    retry_after: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    disconnects: int = 0
    written: list[float] = field(default_factory=list)
    url: str = ""
    respond: Callable[[str], list[str]] | None = None  # the prompt's text -> the words to stream

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        self._runner = web.AppRunner(app, handle_signals=False)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"
        self._ready.set()
        self._loop.run_forever()

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        self.requests.append({"headers": dict(request.headers), "body": await request.json()})
        if self.status != 200:
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            return json_error(self.status, f"fake error {self.status}", headers)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        words = self.words
        if self.respond is not None:
            messages = self.requests[-1]["body"].get("messages", [])
            words = self.respond("\n".join(str(m.get("content", "")) for m in messages))
        try:
            for word in words:
                if self.delay:
                    await asyncio.sleep(self.delay)
                self.written.append(time.monotonic())
                await response.write(openai_chunk(word))
            await response.write(OPENAI_DONE)
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnects += 1
            raise
        return response

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
