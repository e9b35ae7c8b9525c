"""Built-in provider ``openai_compatible``: the chat-completions API, streaming (PR-1).

Any server speaking OpenAI's wire format works (OpenAI, vLLM, llama.cpp, Ollama, LiteLLM,
GLM and Kimi gateways ...). Configuration: ``OZ_PROVIDER_<KEY>_TYPE=openai_compatible``,
``_BASE_URL`` (required, usually ending in ``/v1``), ``_API_KEY`` (sent as a bearer token
when set), ``_MODEL``.

Provider API v2 (PR-8): the conversation goes as chat messages (system, user, assistant), the
run's options ``temperature``, ``max_tokens`` and ``reasoning_effort`` as the request's own
fields, and the token usage of the final chunk (``stream_options.include_usage``) is reported.
``check()`` asks the model for a two-word answer (it proves the URL, the key and the model).

The request asks for a stream; a server that answers with plain JSON instead is read as one
chunk. Registered through the ``oz_app`` entry-point group like any third-party plugin.
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
    ProviderMisconfigured,
    RateLimited,
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

TYPE = "openai_compatible"
# Seconds; read at every call, so tests and operators may change it. The first-byte and idle
# timeouts are the provider's settings (OZ_PROVIDER_FIRST_BYTE_TIMEOUT, OZ_PROVIDER_IDLE_TIMEOUT).
SOCK_CONNECT_TIMEOUT = 10.0
CHECK_MAX_TOKENS = 16
OPTIONS = [
    Setting("temperature", float, low=0, high=2, help="sampling temperature, 0 to 2"),
    Setting("max_tokens", int, low=1, high=1_000_000, help="the most tokens the answer may have"),
    Setting("reasoning_effort", str, choices=("minimal", "low", "medium", "high"), help="for reasoning models"),
]


SETTINGS = [
    Setting(
        "stream_usage",
        bool,
        default=True,
        help="ask for token usage at the end of the stream (turn off for a server that refuses stream_options)",
    ),
]


class OpenAICompatible:
    """Streams chat completions from ``{base_url}/chat/completions``."""

    api_version = 2
    options = OPTIONS
    settings = SETTINGS

    def __init__(self, settings: ProviderSettings) -> None:
        self.config = settings

    async def check(self) -> str:
        """A two-word answer from the configured model, or the error saying what is wrong."""
        return answered(await check_reply(self, self.config.model, {"max_tokens": CHECK_MAX_TOKENS}))

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str | Usage]:
        """Yield the answer's text as the server streams it, then its usage when sent."""
        settings = self.config
        env = f"OZ_PROVIDER_{settings.key.upper()}"
        base_url = settings.base_url.strip().rstrip("/")
        if not base_url:
            raise ProviderMisconfigured(f"{env}_BASE_URL is not set: point it at the server's API, e.g. .../v1.")
        if not base_url.startswith(("http://", "https://")):
            raise ProviderMisconfigured(f"{env}_BASE_URL must start with http:// or https://.")
        messages = [{"role": turn.role, "content": turn.content} for turn in request.turns()]
        payload: dict[str, Any] = {"messages": messages, "stream": True}
        if settings.extra.get("stream_usage", True) not in (False, "false", "0", "no", "off"):
            payload["stream_options"] = {"include_usage": True}
        payload.update(request.options)
        if request.model:
            payload["model"] = request.model
        headers = {"Accept": "text/event-stream, application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        secrets = [settings.api_key]

        async with http_post(
            f"{base_url}/chat/completions",
            payload,
            headers=headers,
            secrets=secrets,
            connect_timeout=SOCK_CONNECT_TIMEOUT,
            first_byte_timeout=settings.first_byte_timeout,
            idle_timeout=settings.idle_timeout,
        ) as answer:
            if answer.content_type == "application/json":
                completion = json_object(await answer.text(), secrets)
                text = _pick(completion, "message", secrets)
                if text:
                    yield text
                if usage := _usage(completion):
                    yield usage
                return
            async for _event, data in sse_events(answer.body):
                if data.strip() == "[DONE]":
                    return
                chunk = json_object(data, secrets)
                text = _pick(chunk, "delta", secrets)
                if text:
                    yield text
                if usage := _usage(chunk):
                    yield usage


def _usage(answer: dict[str, Any]) -> Usage | None:
    """The token counts of a completion or of a stream's last chunk (``usage``), when present."""
    usage = answer.get("usage")
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int):
        return None
    return Usage(input_tokens=prompt, output_tokens=completion)


def _pick(answer: dict[str, Any], part: str, secrets: list[str]) -> str:
    """``choices[0].<part>.content`` of a completion (``part`` is ``delta`` or ``message``)."""
    if "error" in answer:
        # Some servers report failures inside a 200 stream.
        error = answer["error"]
        message = redact(f"The server reported an error mid-answer: {error_detail(json.dumps(answer))}", secrets)
        kind = json.dumps(error).lower() if not isinstance(error, str) else error.lower()
        if "rate_limit" in kind or "rate limit" in kind or "429" in kind:
            raise RateLimited(message)
        raise TransientError(message)
    choices = answer.get("choices") or []
    if not choices or not isinstance(choices[0], dict):
        return ""  # e.g. the usage chunk that closes a stream
    content = (choices[0].get(part) or {}).get("content")
    return content if isinstance(content, str) else ""


@hookimpl
def oz_register_providers(register: Any) -> None:
    """Register the ``openai_compatible`` provider type."""
    register(TYPE, OpenAICompatible)
