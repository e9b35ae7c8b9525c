"""Built-in provider ``anthropic``: the Messages API, streaming (PR-1).

Configuration: ``OZ_PROVIDER_<KEY>_TYPE=anthropic``, ``_API_KEY`` (required, sent as
``x-api-key``), ``_MODEL`` (required by the API), ``_BASE_URL`` (optional, defaults to
``https://api.anthropic.com``; a trailing ``/v1`` is accepted).

Provider API v2 (PR-8): the conversation goes as the API's messages (user and assistant turns)
with the system prompt as ``system``; the run's options ``temperature``, ``max_tokens`` (else
``_MAX_TOKENS``, 4096) and ``reasoning_effort`` (as an extended-thinking budget) are passed; the
token usage of ``message_start`` and ``message_delta`` is reported. ``check()`` asks the model for
a two-word answer.

Text deltas of the streamed events are yielded as they arrive; an ``error`` event ends the call
with the matching error (``overloaded_error`` is transient, ``rate_limit_error`` a rate limit).
Registered through the ``oz_app`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from oz_app.config import ProviderSettings
from oz_app.hookspecs import hookimpl
from oz_app.plugin_settings import Setting
from oz_app.providers import (
    CompletionRequest,
    ProviderError,
    ProviderMisconfigured,
    RateLimited,
    RequestRejected,
    TransientError,
    Usage,
    answered,
    check_reply,
    error_detail,
    http_post,
    json_object,
    redact,
    sse_events,
)

TYPE = "anthropic"
DEFAULT_BASE_URL = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
MAX_TOKENS = 4096
# Seconds; read at every call, so tests and operators may change it. The first-byte and idle
# timeouts are the provider's settings (OZ_PROVIDER_FIRST_BYTE_TIMEOUT, OZ_PROVIDER_IDLE_TIMEOUT).
SOCK_CONNECT_TIMEOUT = 10.0

_STREAM_ERRORS: dict[str, type[ProviderError]] = {
    "overloaded_error": TransientError,
    "api_error": TransientError,
    "timeout_error": TransientError,
    "rate_limit_error": RateLimited,
}


CHECK_MAX_TOKENS = 16
# reasoning_effort as an extended-thinking budget, in tokens (the answer gets max_tokens on top)
THINKING_BUDGET = {"low": 1024, "medium": 4096, "high": 16384}
OPTIONS = [
    Setting("temperature", float, low=0, high=1, help="sampling temperature, 0 to 1"),
    Setting("max_tokens", int, low=1, high=1_000_000, help="the most tokens the answer may have"),
    Setting("reasoning_effort", str, choices=tuple(THINKING_BUDGET), help="extended thinking: low, medium or high"),
]
SETTINGS = [Setting("max_tokens", int, default=MAX_TOKENS, low=1, high=1_000_000, help="max_tokens of every call")]


class Anthropic:
    """Streams answers from ``{base_url}/v1/messages``."""

    api_version = 2
    options = OPTIONS
    settings = SETTINGS

    def __init__(self, settings: ProviderSettings) -> None:
        self.config = settings

    async def check(self) -> str:
        """A two-word answer from the configured model, or the error saying what is wrong."""
        return answered(await check_reply(self, self.config.model, {"max_tokens": CHECK_MAX_TOKENS}))

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str | Usage]:
        """Yield the answer's text as the API streams it, then its usage."""
        settings = self.config
        env = f"OZ_PROVIDER_{settings.key.upper()}"
        if not settings.api_key:
            raise ProviderMisconfigured(f"{env}_API_KEY is not set: the Anthropic API needs a key.")
        if not request.model:
            raise ProviderMisconfigured(f"{env}_MODEL is not set: the Anthropic API needs a model name.")
        base_url = (settings.base_url.strip() or DEFAULT_BASE_URL).rstrip("/").removesuffix("/v1")
        if not base_url.startswith(("http://", "https://")):
            raise ProviderMisconfigured(f"{env}_BASE_URL must start with http:// or https://.")
        payload = _payload(request, int(settings.extra.get("max_tokens") or MAX_TOKENS))
        headers = {
            "x-api-key": settings.api_key,
            "anthropic-version": API_VERSION,
            "Accept": "text/event-stream, application/json",
        }
        secrets = [settings.api_key]

        async with http_post(
            f"{base_url}/v1/messages",
            payload,
            headers=headers,
            secrets=secrets,
            connect_timeout=SOCK_CONNECT_TIMEOUT,
            first_byte_timeout=settings.first_byte_timeout,
            idle_timeout=settings.idle_timeout,
        ) as answer:
            if answer.content_type == "application/json":
                message = json_object(await answer.text(), secrets)
                text = "".join(
                    block.get("text", "")
                    for block in message.get("content") or []
                    if isinstance(block, dict) and block.get("type") == "text"
                )
                if text:
                    yield text
                counted = _counts(message.get("usage"))
                if counted:
                    yield Usage(*counted)
                return
            read, wrote = 0, 0
            async for event, data in sse_events(answer.body):
                if event == "message_stop":
                    break
                if event == "error":
                    raise _stream_error(data, secrets)
                if event == "message_start":  # the input's count, and the output's so far
                    counted = _counts((json_object(data, secrets).get("message") or {}).get("usage"))
                    read, wrote = counted or (read, wrote)
                elif event == "message_delta":  # the output's count (cumulative)
                    usage = json_object(data, secrets).get("usage")
                    if isinstance(usage, dict) and isinstance(usage.get("output_tokens"), int):
                        wrote = usage["output_tokens"]
                    if isinstance(usage, dict) and isinstance(usage.get("input_tokens"), int):
                        read = usage["input_tokens"] or read
                elif event == "content_block_delta":
                    delta = json_object(data, secrets).get("delta") or {}
                    if delta.get("type") == "text_delta" and delta.get("text"):
                        yield delta["text"]
            if read or wrote:
                yield Usage(read, wrote)


def _payload(request: CompletionRequest, max_tokens: int) -> dict[str, Any]:
    """The Messages API request: the turns as messages (the system prompt apart), the options."""
    turns = request.turns()
    system = "\n\n".join(turn.content for turn in turns if turn.role == "system")
    messages = [{"role": turn.role, "content": turn.content} for turn in turns if turn.role != "system"]
    options = dict(request.options)
    payload: dict[str, Any] = {
        "model": request.model,
        "max_tokens": options.pop("max_tokens", max_tokens),
        "messages": messages,
        "stream": True,
    }
    effort = options.pop("reasoning_effort", None)
    if effort:
        budget = THINKING_BUDGET[effort]
        payload["thinking"] = {"type": "enabled", "budget_tokens": budget}
        payload["max_tokens"] += budget
    payload.update(options)
    if system:
        payload["system"] = system
    return payload


def _counts(usage: Any) -> tuple[int, int] | None:
    """(input, output) tokens of a ``usage`` object, when it has them."""
    if not isinstance(usage, dict):
        return None
    read, wrote = usage.get("input_tokens"), usage.get("output_tokens")
    if not isinstance(read, int) and not isinstance(wrote, int):
        return None
    return (read if isinstance(read, int) else 0, wrote if isinstance(wrote, int) else 0)


def _stream_error(data: str, secrets: list[str]) -> ProviderError:
    """The error for an ``error`` event in the middle of a stream."""
    try:
        error = json.loads(data).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    kind = str(error.get("type") or "error") if isinstance(error, dict) else "error"
    message = redact(f"The Anthropic API stopped with {kind}: {error_detail(data)}", secrets)
    error_class = _STREAM_ERRORS.get(kind, RequestRejected)
    return error_class(message)


@hookimpl
def oz_register_providers(register: Any) -> None:
    """Register the ``anthropic`` provider type."""
    register(TYPE, Anthropic)
