"""Fake LLM servers speaking the real wire formats, for tests and benchmarks.

``openai_chunk``/``json_error`` build OpenAI chat-completions SSE and error bodies.
:class:`FakeOpenAI` serves ``POST /v1/chat/completions`` and :class:`FakeAnthropic` ``POST
/v1/messages`` (the Messages API's event stream) from a thread of their own, so tests that block
(the sync SDK, subprocess control planes) can use them; each instance follows a script, records
every request (``requests``: headers and JSON body) and reports ``usage`` (input and output
tokens) the way its API does: OpenAI's final chunk when the request asks for it
(``stream_options.include_usage``), Anthropic's ``message_start`` and ``message_delta``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import web

OPENAI_DONE = b"data: [DONE]\n\n"


def openai_chunk(text: str) -> bytes:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()


def anthropic_event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()


def json_error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "type": "invalid_request_error"}}
    return web.json_response(body, status=status, headers=headers)


HTML_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>"
ANSWERS = ("stream", "html", "empty", "silent", "stall")


@dataclass
class FakeOpenAI:
    """An OpenAI-compatible server. ``status`` other than 200 answers that error (with
    ``retry_after`` on 429); otherwise it streams ``words`` ``delay`` seconds apart. ``written``
    gets the ``time.monotonic()`` at which each word's chunk is written (for latency benchmarks).
    ``answer`` misbehaves on purpose: ``html`` (200 with a web page), ``empty`` (200, an event
    stream without a single byte), ``silent`` (never answers) or ``stall`` (the first word, then
    nothing until :meth:`release`). Attributes are read at every request, so a test may change them between requests."""

    path: ClassVar[str] = "/v1/chat/completions"
    before_words: ClassVar[list[bytes]] = []
    after_words: ClassVar[list[bytes]] = [OPENAI_DONE]

    status: int = 200
    words: list[str] = field(default_factory=lambda: ["Hello", " from", " the", " fake"])
    delay: float = 0.0
    retry_after: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    disconnects: int = 0
    written: list[float] = field(default_factory=list)
    url: str = ""
    respond: Callable[[str], list[str]] | None = None  # the prompt's text -> the words to stream
    answer: str = "stream"
    usage: tuple[int, int] = (12, 4)  # (input, output) tokens it reports

    @staticmethod
    def chunk(text: str) -> bytes:
        return openai_chunk(text)

    def opening(self, body: dict[str, Any]) -> list[bytes]:
        return list(self.before_words)

    def closing(self, body: dict[str, Any]) -> list[bytes]:
        """The end of the stream: the usage chunk when asked for (``choices`` empty), then [DONE]."""
        options = body.get("stream_options") or {}
        if not options.get("include_usage"):
            return list(self.after_words)
        read, wrote = self.usage
        usage = {"prompt_tokens": read, "completion_tokens": wrote, "total_tokens": read + wrote}
        chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [], "usage": usage}
        return [f"data: {json.dumps(chunk)}\n\n".encode(), *self.after_words]

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._closed = asyncio.Event()  # lets silent answers end at close()
        self._resume = asyncio.Event()  # lets stalled answers go on at release() or close()
        app = web.Application()
        app.router.add_post(self.path, self._complete)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"
        self._ready.set()
        self._loop.run_forever()

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        self.requests.append({"headers": dict(request.headers), "body": await request.json()})
        assert self.answer in ANSWERS, self.answer
        if self.status != 200:
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            return json_error(self.status, f"fake error {self.status}", headers)
        if self.answer == "html":
            return web.Response(text=HTML_PAGE, content_type="text/html")
        if self.answer == "silent":
            await self._closed.wait()
            return web.Response()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        if self.answer == "empty":
            return response
        words = self.words
        if self.respond is not None:
            messages = self.requests[-1]["body"].get("messages", [])
            words = self.respond("\n".join(str(m.get("content", "")) for m in messages))
        body = self.requests[-1]["body"]
        try:
            for piece in self.opening(body):
                await response.write(piece)
            for index, word in enumerate(words):
                if self.answer == "stall" and index == 1:
                    await self._resume.wait()
                if self.delay:
                    await asyncio.sleep(self.delay)
                self.written.append(time.monotonic())
                await response.write(self.chunk(word))
            for piece in self.closing(body):
                await response.write(piece)
        except (ConnectionResetError, asyncio.CancelledError):
            self.disconnects += 1
            raise
        return response

    def release(self) -> None:
        """Let stalled answers (and every later one) go on."""
        self._loop.call_soon_threadsafe(self._resume.set)

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._loop.call_soon_threadsafe(self._closed.set)
        self._loop.call_soon_threadsafe(self._resume.set)
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@dataclass
class FakeAnthropic(FakeOpenAI):
    """The same script, spoken as the Anthropic Messages API's event stream."""

    path: ClassVar[str] = "/v1/messages"
    before_words: ClassVar[list[bytes]] = [
        anthropic_event("message_start", {"message": {"id": "msg_1", "role": "assistant", "content": []}}),
        anthropic_event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    after_words: ClassVar[list[bytes]] = [
        anthropic_event("content_block_stop", {"index": 0}),
        anthropic_event("message_delta", {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}}),
        anthropic_event("message_stop", {}),
    ]

    @staticmethod
    def chunk(text: str) -> bytes:
        return anthropic_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}})

    def opening(self, body: dict[str, Any]) -> list[bytes]:
        usage = {"input_tokens": self.usage[0], "output_tokens": 1}
        start = {"message": {"id": "msg_1", "role": "assistant", "content": [], "usage": usage}}
        return [anthropic_event("message_start", start), *self.before_words[1:]]

    def closing(self, body: dict[str, Any]) -> list[bytes]:
        delta = {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": self.usage[1]}}
        return [self.after_words[0], anthropic_event("message_delta", delta), *self.after_words[2:]]
