"""Built-in provider plugins against local servers that speak the real wire formats (PR-1, PR-4, PR-6).

Every HTTP test starts its own aiohttp server on 127.0.0.1 with a handler scripted for that
test: OpenAI chat-completions SSE (``data: {...}`` chunks ending in ``data: [DONE]``) and
Anthropic messages SSE (``message_start`` ... ``message_stop``), written as separate TCP writes.
The CLI tests run a small fake command-line tool written by the test.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import oz_provider_anthropic
import oz_provider_cli
import oz_provider_openai
import pytest
from aiohttp import web
from loguru import logger

from oz_app.config import ProviderSettings
from oz_app.plugins import collect, load_entry_points, new_manager
from oz_app.providers import (
    CompletionRequest,
    ProviderError,
    ProviderMisconfigured,
    RateLimited,
    RequestRejected,
    TransientError,
    Usage,
    sse_events,
)
from tests.conftest import free_port
from tests.fake_llm import OPENAI_DONE, json_error, openai_chunk

API_KEY = "sk-test-" + "9f8e7d6c5b4a" * 3
PROMPT = "Say hello"
SYSTEM = "You are terse."


def request(prompt: str = PROMPT, system_prompt: str = "", model: str = "test-model") -> CompletionRequest:
    return CompletionRequest(run_id="run-1", prompt=prompt, model=model, system_prompt=system_prompt)


async def collect_chunks(provider: Any, req: CompletionRequest | None = None) -> list[str]:
    """The text a provider streams (a v2 provider's Usage is left out)."""
    return [chunk async for chunk in provider.stream(req or request()) if isinstance(chunk, str)]


# ---------------------------------------------------------------------------------------------
# Local wire-format servers
# ---------------------------------------------------------------------------------------------


@dataclass
class WireServer:
    """A scripted local server; ``requests`` records what the provider sent."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


Handler = Callable[[web.Request, WireServer], Awaitable[web.StreamResponse]]


@pytest.fixture
async def wire() -> AsyncIterator[Callable[[Handler], Awaitable[WireServer]]]:
    """Start local servers whose every POST is answered by the given handler."""
    runners: list[web.AppRunner] = []
    servers: list[WireServer] = []

    async def start(handler: Handler) -> WireServer:
        server = WireServer(url="")
        servers.append(server)

        async def handle(req: web.Request) -> web.StreamResponse:
            server.requests.append({"path": req.path, "headers": dict(req.headers), "json": await req.json()})
            return await handler(req, server)

        app = web.Application()
        app.router.add_post("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        return server

    yield start
    for server in servers:
        server.release.set()
    for runner in runners:
        await runner.cleanup()


async def stream_writes(
    req: web.Request, server: WireServer, pieces: list[bytes], hold_after: int = -1
) -> web.StreamResponse:
    """Send ``pieces`` as separate writes; after piece ``hold_after`` wait for ``server.release``."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(req)
    try:
        for index, piece in enumerate(pieces):
            await response.write(piece)
            await asyncio.sleep(0.005)  # separate TCP segments
            if index == hold_after:
                await server.release.wait()
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        server.disconnected.set()
        raise
    return response


async def endless(req: web.Request, server: WireServer, piece: Callable[[int], bytes]) -> web.StreamResponse:
    """Stream ``piece(i)`` every 20 ms until the client goes away, then note the disconnect."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(req)
    index = 0
    try:
        while True:
            await response.write(piece(index))
            index += 1
            await asyncio.sleep(0.02)
    except (ConnectionResetError, asyncio.CancelledError):
        server.disconnected.set()
        raise


OPENAI_ROLE = b'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'
OPENAI_FINISH = b'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'


def anthropic_event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n".encode()


def anthropic_text(text: str) -> bytes:
    return anthropic_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}})


ANTHROPIC_START = [
    anthropic_event("message_start", {"message": {"id": "msg_1", "role": "assistant", "content": []}}),
    anthropic_event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
    b'event: ping\ndata: {"type": "ping"}\n\n',
]
ANTHROPIC_END = [
    anthropic_event("content_block_stop", {"index": 0}),
    anthropic_event("message_delta", {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}}),
    anthropic_event("message_stop", {}),
]


def openai(url: str, api_key: str = API_KEY, **timeouts: float) -> oz_provider_openai.OpenAICompatible:
    return oz_provider_openai.OpenAICompatible(
        ProviderSettings(key="custom", type="openai_compatible", base_url=url + "/v1", api_key=api_key, **timeouts)
    )


def anthropic(url: str, api_key: str = API_KEY, **timeouts: float) -> oz_provider_anthropic.Anthropic:
    return oz_provider_anthropic.Anthropic(
        ProviderSettings(key="claude", type="anthropic", base_url=url, api_key=api_key, model="claude-test", **timeouts)
    )


# ---------------------------------------------------------------------------------------------
# Registration and the shared SSE parser
# ---------------------------------------------------------------------------------------------


def test_the_built_in_providers_are_ordinary_entry_point_plugins() -> None:
    """PL-1, PR-1: the three built-ins come from the ``oz_app`` entry-point group, nothing else."""
    manager = new_manager()
    report = load_entry_points(manager, allow=["openai_compatible", "anthropic", "cli"])
    assert sorted(report.loaded) == ["anthropic", "cli", "openai_compatible"]
    types = collect(manager, "oz_register_providers", "provider type")
    assert types == {
        "openai_compatible": oz_provider_openai.OpenAICompatible,
        "anthropic": oz_provider_anthropic.Anthropic,
        "cli": oz_provider_cli.Cli,
    }


async def byte_chunks(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def test_sse_parser_handles_split_lines_comments_crlf_and_a_missing_final_blank_line() -> None:
    """PR-1: events are assembled from chunks cut anywhere, even inside a CRLF or a UTF-8 character."""
    text = "é".encode()
    events = [
        event
        async for event in sse_events(
            byte_chunks(
                b"\xef\xbb\xbf: a comment\r",
                b"\nevent: first\r\ndata: line one\r\nda",
                b"ta: line two\r\n\r\n",
                b"retry: 10\n\ndata: caf" + text[:1],
                text[1:] + b"\n\nevent: last\ndata:no-space",
            )
        )
    ]
    assert events == [("first", "line one\nline two"), ("message", "café"), ("last", "no-space")]


# ---------------------------------------------------------------------------------------------
# openai_compatible
# ---------------------------------------------------------------------------------------------


async def test_openai_streams_chunks_as_they_arrive_with_one_json_split_across_writes(wire: Any) -> None:
    """PR-1, PR-6: SSE chunks become output pieces at once, before the rest of the answer is sent."""
    split = openai_chunk(", wor")

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        pieces = [OPENAI_ROLE, openai_chunk("Hello"), split[:25], split[25:], openai_chunk("ld")]
        return await stream_writes(req, server, [*pieces, b": keep-alive\n\n", OPENAI_FINISH, OPENAI_DONE], 1)

    server = await wire(handler)
    stream = openai(server.url).stream(request(system_prompt=SYSTEM))
    assert await anext(stream) == "Hello"  # the server is still holding back the rest
    server.release.set()
    assert [chunk async for chunk in stream] == [", wor", "ld"]

    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert sent["json"] == {
        "model": "test-model",
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
        "stream": True,
        "stream_options": {"include_usage": True},  # PR-8: the usage comes in the last chunk
    }


async def test_openai_without_a_key_sends_no_authorization_and_reads_a_json_answer(wire: Any) -> None:
    """PR-1: a server that ignores ``stream`` and answers JSON is read as one chunk."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        if "Authorization" in req.headers:
            return json_error(400, "unexpected Authorization header")
        answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi there"}}]}
        return web.json_response(answer)

    server = await wire(handler)
    assert await collect_chunks(openai(server.url, api_key="")) == ["Hi there"]
    assert server.requests[0]["json"]["messages"] == [{"role": "user", "content": PROMPT}]


async def test_openai_429_is_rate_limited_with_retry_after(wire: Any) -> None:
    """PR-3, PR-4: 429 with ``Retry-After: 7`` saturates the provider for 7 seconds."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return json_error(429, "Rate limit reached for requests", {"Retry-After": "7"})

    server = await wire(handler)
    with pytest.raises(RateLimited) as caught:
        await collect_chunks(openai(server.url))
    assert caught.value.retry_after == pytest.approx(7)
    assert caught.value.fallback
    assert "Rate limit reached" in str(caught.value)


@pytest.mark.parametrize("status", [500, 502])
async def test_openai_5xx_is_transient(wire: Any, status: int) -> None:
    """PR-4: a 5xx answer is a transient failure, worth the next provider."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return web.Response(status=status, text="upstream exploded")

    server = await wire(handler)
    with pytest.raises(TransientError, match=f"HTTP {status}: upstream exploded"):
        await collect_chunks(openai(server.url))


async def test_openai_400_is_rejected_with_the_servers_message(wire: Any) -> None:
    """PR-4: another 4xx is not retried elsewhere and says what the server said."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return json_error(400, "The model `test-model` does not exist")

    server = await wire(handler)
    with pytest.raises(RequestRejected, match="HTTP 400: The model `test-model` does not exist") as caught:
        await collect_chunks(openai(server.url))
    assert not caught.value.fallback


async def test_openai_stalled_stream_times_out_as_transient(wire: Any) -> None:
    """PR-4, SEC-15: a server that stops sending beyond the idle timeout is a transient failure."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return await stream_writes(req, server, [openai_chunk("partial"), OPENAI_DONE], hold_after=0)

    server = await wire(handler)
    received: list[str] = []
    started = time.monotonic()
    with pytest.raises(TransientError, match=r"went silent for 0\.3 s .*\(OZ_PROVIDER_IDLE_TIMEOUT\)"):
        async for chunk in openai(server.url, idle_timeout=0.3).stream(request()):
            received.append(chunk)
    assert received == ["partial"]
    assert time.monotonic() - started < 3


async def test_headers_without_a_body_count_against_the_first_byte_timeout(wire: Any) -> None:
    """SEC-15: a server that sends its headers at once but no byte of the answer times out after
    the first-byte timeout, however long the idle timeout is."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return await stream_writes(req, server, [b""], hold_after=0)

    server = await wire(handler)
    started = time.monotonic()
    with pytest.raises(TransientError, match=r"sent nothing within 0\.4 s \(OZ_PROVIDER_FIRST_BYTE_TIMEOUT\)"):
        await collect_chunks(openai(server.url, first_byte_timeout=0.4, idle_timeout=30))
    assert 0.4 <= time.monotonic() - started < 3


async def test_openai_connection_refused_is_transient() -> None:
    """PR-4: nobody listening is a transient failure."""
    with pytest.raises(TransientError, match="failed"):
        await collect_chunks(openai(f"http://127.0.0.1:{free_port()}"))


async def test_openai_without_a_base_url_is_misconfigured() -> None:
    """PR-2, CP-9: the missing setting is named."""
    provider = oz_provider_openai.OpenAICompatible(ProviderSettings(key="custom", type="openai_compatible"))
    with pytest.raises(ProviderMisconfigured, match="OZ_PROVIDER_CUSTOM_BASE_URL"):
        await collect_chunks(provider)


async def test_cancelling_an_openai_stream_drops_the_connection_within_a_second(wire: Any) -> None:
    """PR-6: cancelling the consuming task aborts the HTTP request; the server sees it go."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return await endless(req, server, lambda index: openai_chunk(f"tok{index} "))

    server = await wire(handler)
    first = asyncio.Event()

    async def consume() -> None:
        async for _chunk in openai(server.url).stream(request()):
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(server.disconnected.wait(), 1)
    assert time.monotonic() - cancelled_at < 1


# ---------------------------------------------------------------------------------------------
# anthropic
# ---------------------------------------------------------------------------------------------


async def test_anthropic_streams_text_deltas_and_sends_its_headers(wire: Any) -> None:
    """PR-1: message_start ... content_block_delta ... message_stop, with x-api-key and the version."""
    split = anthropic_text(" world")

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        if req.headers.get("x-api-key") != API_KEY or req.headers.get("anthropic-version") != "2023-06-01":
            return json_error(401, "missing or wrong headers")
        thinking = anthropic_event(
            "content_block_delta", {"index": 0, "delta": {"type": "input_json_delta", "partial_json": "{}"}}
        )
        pieces = [*ANTHROPIC_START, anthropic_text("Hello"), thinking, split[:30], split[30:], *ANTHROPIC_END]
        return await stream_writes(req, server, pieces, hold_after=3)

    server = await wire(handler)
    stream = anthropic(server.url).stream(request(system_prompt=SYSTEM))
    assert await anext(stream) == "Hello"
    server.release.set()
    rest = [chunk async for chunk in stream]
    assert rest[0] == " world" and isinstance(rest[1], Usage) and len(rest) == 2  # PR-8: usage last

    sent = server.requests[0]
    assert sent["path"] == "/v1/messages"
    assert "Authorization" not in sent["headers"]
    assert sent["json"] == {
        "model": "test-model",
        "max_tokens": 4096,
        "system": SYSTEM,
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": True,
    }


async def test_anthropic_stops_at_message_stop_and_reads_a_json_answer(wire: Any) -> None:
    """PR-1: nothing after ``message_stop`` is read; a plain JSON message is one chunk."""

    async def streaming(req: web.Request, server: WireServer) -> web.StreamResponse:
        return await stream_writes(
            req, server, [*ANTHROPIC_START, anthropic_text("A"), *ANTHROPIC_END, anthropic_text("B")]
        )

    server = await wire(streaming)
    assert await collect_chunks(anthropic(server.url)) == ["A"]

    async def plain(req: web.Request, server: WireServer) -> web.StreamResponse:
        content = [{"type": "text", "text": "One "}, {"type": "tool_use", "id": "t"}, {"type": "text", "text": "go"}]
        return web.json_response({"type": "message", "role": "assistant", "content": content})

    server = await wire(plain)
    assert await collect_chunks(anthropic(server.url)) == ["One go"]


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [
        ("overloaded_error", TransientError),
        ("rate_limit_error", RateLimited),
        ("invalid_request_error", RequestRejected),
    ],
)
async def test_anthropic_error_event_mid_stream(wire: Any, kind: str, error_class: type[ProviderError]) -> None:
    """PR-4: an ``error`` event ends the call with the matching error class."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        error = anthropic_event("error", {"error": {"type": kind, "message": "Something happened"}})
        return await stream_writes(req, server, [*ANTHROPIC_START, anthropic_text("par"), error])

    server = await wire(handler)
    received: list[str] = []
    with pytest.raises(error_class, match=f"{kind}: Something happened"):
        async for chunk in anthropic(server.url).stream(request()):
            received.append(chunk)
    assert received == ["par"]


@pytest.mark.parametrize(("status", "error_class"), [(429, RateLimited), (529, TransientError), (404, RequestRejected)])
async def test_anthropic_http_errors(wire: Any, status: int, error_class: type[ProviderError]) -> None:
    """PR-4: 429 (with retry-after), 529 overloaded and another 4xx."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        body = {"type": "error", "error": {"type": "some_error", "message": f"status {status} here"}}
        return web.json_response(body, status=status, headers={"retry-after": "3"})

    server = await wire(handler)
    with pytest.raises(error_class, match=f"status {status} here") as caught:
        await collect_chunks(anthropic(server.url))
    if status == 429:
        assert isinstance(caught.value, RateLimited) and caught.value.retry_after == pytest.approx(3)


async def test_anthropic_stalled_and_refused_are_transient(wire: Any) -> None:
    """PR-4, SEC-15: no answer within the first-byte timeout and a refused connection fall back."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        await asyncio.sleep(10)
        return web.Response()

    server = await wire(handler)
    with pytest.raises(TransientError, match=r"sent nothing within 0\.3 s"):
        await collect_chunks(anthropic(server.url, first_byte_timeout=0.3))
    with pytest.raises(TransientError):
        await collect_chunks(anthropic(f"http://127.0.0.1:{free_port()}"))


async def test_anthropic_needs_a_key_and_a_model() -> None:
    """PR-2, CP-9: missing settings are configuration errors, not fallbacks."""
    no_key = oz_provider_anthropic.Anthropic(ProviderSettings(key="claude", type="anthropic"))
    with pytest.raises(ProviderMisconfigured, match="OZ_PROVIDER_CLAUDE_API_KEY"):
        await collect_chunks(no_key)
    no_model = oz_provider_anthropic.Anthropic(ProviderSettings(key="claude", type="anthropic", api_key=API_KEY))
    with pytest.raises(ProviderMisconfigured, match="OZ_PROVIDER_CLAUDE_MODEL"):
        await collect_chunks(no_model, request(model=""))


async def test_cancelling_an_anthropic_stream_drops_the_connection_within_a_second(wire: Any) -> None:
    """PR-6: closing the stream (``aclose``) aborts the request too."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        return await endless(req, server, lambda index: anthropic_text(f"tok{index} "))

    server = await wire(handler)
    stream = anthropic(server.url).stream(request())
    assert (await anext(stream)).startswith("tok")
    await stream.aclose()
    await asyncio.wait_for(server.disconnected.wait(), 1)


# ---------------------------------------------------------------------------------------------
# Keys never leak
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [openai, anthropic], ids=["openai_compatible", "anthropic"])
async def test_the_api_key_never_appears_in_errors_or_logs(wire: Any, make: Any) -> None:
    """PR-4, CL-7: a server echoing the credentials in its error body does not leak them."""

    async def handler(req: web.Request, server: WireServer) -> web.StreamResponse:
        sent = req.headers.get("Authorization") or req.headers.get("x-api-key")
        return json_error(401, f"Incorrect API key provided: {sent}. Header was Authorization: Bearer {API_KEY}")

    server = await wire(handler)
    lines: list[str] = []
    sink = logger.add(lines.append, level="TRACE", format="{message}")
    try:
        with pytest.raises(RequestRejected) as caught:
            await collect_chunks(make(server.url))
    finally:
        logger.remove(sink)
    message = str(caught.value)
    assert "HTTP 401: Incorrect API key provided" in message
    assert "[redacted]" in message
    assert lines, "the failure should have been logged"
    for text in [message, repr(caught.value), *lines]:
        assert API_KEY not in text
        assert API_KEY[:16] not in text


# ---------------------------------------------------------------------------------------------
# cli
# ---------------------------------------------------------------------------------------------

FAKE_CLI = """\
#!{python}
# A stand-in for claude / codex / gemini: records how it was called, then echoes the prompt.
import json, os, subprocess, sys, time

record = os.environ.get("FAKE_CLI_RECORD")
if os.environ.get("FAKE_CLI_PIDS"):
    pids = [os.getpid()]
    if os.environ.get("FAKE_CLI_CHILD"):
        pids.append(subprocess.Popen(["sleep", "60"]).pid)
    with open(os.environ["FAKE_CLI_PIDS"], "w") as handle:
        handle.write(" ".join(map(str, pids)))
stdin = sys.stdin.read()
if record:
    with open(record, "w") as handle:
        oz = sorted(name for name in os.environ if name.startswith("OZ_"))
        json.dump({{"argv": sys.argv[1:], "stdin": stdin, "oz_env": oz,
                   "anthropic_key": os.environ.get("ANTHROPIC_API_KEY")}}, handle)
text = stdin or sys.argv[-1]
size = int(os.environ.get("FAKE_CLI_CHUNK", "4"))
for start in range(0, len(text), size):
    sys.stdout.write(text[start:start + size])
    sys.stdout.flush()
    time.sleep(float(os.environ.get("FAKE_CLI_DELAY", "0")))
if os.environ.get("FAKE_CLI_HANG"):
    time.sleep(60)
sys.stderr.write(os.environ.get("FAKE_CLI_STDERR", ""))
sys.exit(int(os.environ.get("FAKE_CLI_EXIT", "0")))
"""


@pytest.fixture
def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., oz_provider_cli.Cli]:
    """``fake_cli(name, args="", **FAKE_CLI_settings)``: a provider running the fake tool as ``name``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("FAKE_CLI_RECORD", str(tmp_path / "record.json"))
    monkeypatch.setenv("FAKE_CLI_PIDS", str(tmp_path / "pids.txt"))

    def make(name: str = "mytool", args: str = "", api_key: str = "", **settings: str) -> oz_provider_cli.Cli:
        script = bin_dir / name
        script.write_text(FAKE_CLI.format(python=sys.executable))
        script.chmod(0o755)
        for key, value in settings.items():
            monkeypatch.setenv(f"FAKE_CLI_{key.upper()}", value)
        return oz_provider_cli.Cli(
            ProviderSettings(key=name, type="cli", extra={"cli_cmd": str(script), "cli_args": args}, api_key=api_key)
        )

    return make


def recorded(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "record.json").read_text())


def pids(tmp_path: Path) -> list[int]:
    return [int(pid) for pid in (tmp_path / "pids.txt").read_text().split()]


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for an absent reaper counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


async def gone_within(pid_list: list[int], seconds: float) -> bool:
    """Whether all ``pid_list`` are gone within ``seconds`` (a killed grandchild dies a moment later)."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pid_list):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def test_cli_streams_stdout_as_it_arrives(fake_cli: Any) -> None:
    """PR-1, PR-6: output pieces reach the caller while the tool is still working."""
    provider = fake_cli(chunk="6", delay="0.25")
    arrivals: list[tuple[float, str]] = []
    async for chunk in provider.stream(request("first second third")):
        arrivals.append((time.monotonic(), chunk))
    assert "".join(chunk for _, chunk in arrivals) == "first second third"
    assert len(arrivals) >= 3
    assert arrivals[-1][0] - arrivals[0][0] >= 0.4


async def test_cli_gives_the_prompt_on_stdin_to_an_unknown_tool(fake_cli: Any, tmp_path: Path) -> None:
    """PR-1: unknown tools read the prompt (system prompt first) on stdin; args are shell-split;
    oz-app's own secrets stay out of the tool's environment."""
    os.environ["OZ_ADMIN_API_KEY"] = "must-not-leak"
    try:
        provider = fake_cli("mytool", args="--flag 'two words'")
        output = await collect_chunks(provider, request(system_prompt=SYSTEM))
    finally:
        del os.environ["OZ_ADMIN_API_KEY"]
    assert "".join(output) == f"{SYSTEM}\n\n{PROMPT}"
    record = recorded(tmp_path)
    assert record["argv"] == ["--flag", "two words"]
    assert record["stdin"] == f"{SYSTEM}\n\n{PROMPT}"
    assert record["oz_env"] == []


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("claude", "", ["-p", PROMPT]),
        ("claude", "-p --output-format text", ["-p", "--output-format", "text", PROMPT]),
        ("gemini", "", ["-p", PROMPT]),
        ("gemini", "--yolo -p", ["--yolo", "-p", PROMPT]),
        ("codex", "", ["exec", PROMPT]),
        ("codex", "exec --full-auto", ["exec", "--full-auto", PROMPT]),
    ],
)
async def test_cli_passes_the_prompt_the_way_each_known_tool_expects(
    fake_cli: Any, tmp_path: Path, name: str, args: str, expected: list[str]
) -> None:
    """PR-1: ``claude -p``, ``gemini -p``, ``codex exec``, with stdin left empty."""
    assert "".join(await collect_chunks(fake_cli(name, args=args))) == PROMPT
    record = recorded(tmp_path)
    assert record["argv"] == expected
    assert record["stdin"] == ""


async def test_cli_hands_the_key_to_the_tool_in_its_own_variable(fake_cli: Any, tmp_path: Path) -> None:
    """PR-2: ``_API_KEY`` reaches claude as ANTHROPIC_API_KEY."""
    await collect_chunks(fake_cli("claude", api_key=API_KEY))
    assert recorded(tmp_path)["anthropic_key"] == API_KEY


async def test_cli_non_zero_exit_is_rejected_with_the_code_and_stderr(fake_cli: Any) -> None:
    """PR-4: a failing tool is not retried elsewhere; the error says why."""
    provider = fake_cli(exit="3", stderr="warming up\nfatal: repository not found\n")
    with pytest.raises(RequestRejected, match="exited with code 3: warming up / fatal: repository not found"):
        await collect_chunks(provider)


@pytest.mark.parametrize(
    "stderr",
    ["Error: 429 Too Many Requests, retry after 30 seconds", "Claude AI usage limit reached", "Quota exceeded for x"],
)
async def test_cli_rate_limit_text_is_rate_limited(fake_cli: Any, stderr: str) -> None:
    """PR-3, PR-4: a tool that exits complaining about limits saturates the provider."""
    with pytest.raises(RateLimited) as caught:
        await collect_chunks(fake_cli(exit="1", stderr=stderr))
    if "retry after 30" in stderr:
        assert caught.value.retry_after == 30


async def test_cli_timeout_kills_the_tool_and_is_transient(
    fake_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PR-1, PR-4: past ``OZ_CLI_TIMEOUT_SECONDS`` the process group is killed; the call falls back."""
    monkeypatch.setenv("OZ_CLI_TIMEOUT_SECONDS", "0.5")
    provider = fake_cli(hang="1", child="1")
    received: list[str] = []
    started = time.monotonic()
    with pytest.raises(TransientError, match=r"did not finish within 0\.5 s"):
        async for chunk in provider.stream(request()):
            received.append(chunk)
    assert time.monotonic() - started < 3
    assert "".join(received) == PROMPT
    assert await gone_within(pids(tmp_path), 1)


async def test_cancelling_a_cli_call_kills_the_tool_within_a_second(fake_cli: Any, tmp_path: Path) -> None:
    """PR-6: cancel kills the tool and what it started, then re-raises the cancellation."""
    provider = fake_cli(chunk="1", delay="0.2", child="1")
    first = asyncio.Event()

    async def consume() -> None:
        async for _chunk in provider.stream(request()):
            first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    running = pids(tmp_path)
    assert all(alive(pid) for pid in running)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not alive(running[0])  # the tool itself is reaped before the cancellation returns
    assert await gone_within(running, 1 - (time.monotonic() - cancelled_at))


async def test_cli_missing_command_is_misconfigured(fake_cli: Any, tmp_path: Path) -> None:
    """PR-2, CP-9: a command that is not there, or not set, is a configuration error."""
    missing = oz_provider_cli.Cli(ProviderSettings(key="tool", type="cli", extra={"cli_cmd": str(tmp_path / "nope")}))
    with pytest.raises(ProviderMisconfigured, match="was not found"):
        await collect_chunks(missing)
    unset = oz_provider_cli.Cli(ProviderSettings(key="tool", type="cli"))
    with pytest.raises(ProviderMisconfigured, match="OZ_PROVIDER_TOOL_CLI_CMD"):
        await collect_chunks(unset)


def test_cli_timeout_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """PR-1: the timeout defaults to 600 s and a bad value is named."""
    monkeypatch.delenv("OZ_CLI_TIMEOUT_SECONDS", raising=False)
    assert oz_provider_cli.timeout_seconds() == 600
    monkeypatch.setenv("OZ_CLI_TIMEOUT_SECONDS", "soon")
    with pytest.raises(ProviderMisconfigured, match="OZ_CLI_TIMEOUT_SECONDS"):
        oz_provider_cli.timeout_seconds()
