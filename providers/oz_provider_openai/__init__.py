"""Built-in provider ``openai_compatible``: the chat-completions API, streaming (PR-1).

Any server speaking OpenAI's wire format works (OpenAI, vLLM, llama.cpp, Ollama, LiteLLM,
GLM and Kimi gateways ...). Configuration: ``OZ_PROVIDER_<KEY>_TYPE=openai_compatible``,
``_BASE_URL`` (required, usually ending in ``/v1``), ``_API_KEY`` (sent as a bearer token
when set), ``_MODEL``.

The request asks for a stream; a server that answers with plain JSON instead is read as one
chunk. Registered through the ``oz_app`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from oz_app.config import ProviderSettings
from oz_app.hookspecs import hookimpl
from oz_app.providers import (
    CompletionRequest,
    ProviderMisconfigured,
    RateLimited,
    TransientError,
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


class OpenAICompatible:
    """Streams chat completions from ``{base_url}/chat/completions``."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str]:
        """Yield the answer's text as the server streams it."""
        settings = self.settings
        env = f"OZ_PROVIDER_{settings.key.upper()}"
        base_url = settings.base_url.strip().rstrip("/")
        if not base_url:
            raise ProviderMisconfigured(f"{env}_BASE_URL is not set: point it at the server's API, e.g. .../v1.")
        if not base_url.startswith(("http://", "https://")):
            raise ProviderMisconfigured(f"{env}_BASE_URL must start with http:// or https://.")
        messages = []
        if request.system_prompt:
            messages.append({"role": "system", "content": request.system_prompt})
        messages.append({"role": "user", "content": request.prompt})
        payload: dict[str, Any] = {"messages": messages, "stream": True}
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
                return
            async for _event, data in sse_events(answer.body):
                if data.strip() == "[DONE]":
                    return
                text = _pick(json_object(data, secrets), "delta", secrets)
                if text:
                    yield text


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
