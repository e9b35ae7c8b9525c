"""Built-in provider ``anthropic``: the Messages API, streaming (PR-1).

Configuration: ``OZ_PROVIDER_<KEY>_TYPE=anthropic``, ``_API_KEY`` (required, sent as
``x-api-key``), ``_MODEL`` (required by the API), ``_BASE_URL`` (optional, defaults to
``https://api.anthropic.com``; a trailing ``/v1`` is accepted).

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
from oz_app.providers import (
    CompletionRequest,
    ProviderError,
    ProviderMisconfigured,
    RateLimited,
    RequestRejected,
    TransientError,
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


class Anthropic:
    """Streams answers from ``{base_url}/v1/messages``."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str]:
        """Yield the answer's text as the API streams it."""
        settings = self.settings
        env = f"OZ_PROVIDER_{settings.key.upper()}"
        if not settings.api_key:
            raise ProviderMisconfigured(f"{env}_API_KEY is not set: the Anthropic API needs a key.")
        if not request.model:
            raise ProviderMisconfigured(f"{env}_MODEL is not set: the Anthropic API needs a model name.")
        base_url = (settings.base_url.strip() or DEFAULT_BASE_URL).rstrip("/").removesuffix("/v1")
        if not base_url.startswith(("http://", "https://")):
            raise ProviderMisconfigured(f"{env}_BASE_URL must start with http:// or https://.")
        payload: dict[str, Any] = {
            "model": request.model,
            "max_tokens": MAX_TOKENS,
            "messages": [{"role": "user", "content": request.prompt}],
            "stream": True,
        }
        if request.system_prompt:
            payload["system"] = request.system_prompt
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
                return
            async for event, data in sse_events(answer.body):
                if event == "message_stop":
                    return
                if event == "error":
                    raise _stream_error(data, secrets)
                if event != "content_block_delta":
                    continue  # message_start, content_block_start/stop, message_delta, ping ...
                delta = json_object(data, secrets).get("delta") or {}
                if delta.get("type") == "text_delta" and delta.get("text"):
                    yield delta["text"]


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
