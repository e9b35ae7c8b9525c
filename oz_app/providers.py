"""What a provider plugin implements, and the errors it raises (PR-1, PR-4).

A provider type is registered with ``oz_register_providers``; its factory receives one
:class:`~oz_app.config.ProviderSettings` and returns an object with::

    def stream(self, request: CompletionRequest) -> AsyncIterator[str]

an async generator yielding output chunks as they arrive. Cancelling the consuming task must
stop the call (abort the HTTP request, kill the process). Failures are raised as one of the
errors below so the router knows whether to fall back to the next provider.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from loguru import logger

if TYPE_CHECKING:
    import aiohttp


@dataclass
class CompletionRequest:
    """What a provider is asked to answer."""

    run_id: str
    prompt: str
    model: str
    system_prompt: str = ""


class Provider(Protocol):
    def stream(self, request: CompletionRequest) -> AsyncIterator[str]: ...


class ProviderError(Exception):
    """A provider call failed. ``fallback`` says whether the next provider should be tried."""

    fallback = False


class RateLimited(ProviderError):
    """HTTP 429 or a CLI's rate-limit message; the provider is saturated until ``retry_after`` seconds."""

    fallback = True

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientError(ProviderError):
    """Timeouts, 5xx answers, refused or dropped connections: worth trying elsewhere."""

    fallback = True


class RequestRejected(ProviderError):
    """A 4xx other than 429, a CLI's non-zero exit, a bad answer: trying elsewhere will not help."""


class ProviderMisconfigured(ProviderError):
    """Missing base URL, key or command: the operator must fix the configuration."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# ---------------------------------------------------------------------------------------------
# Helpers for HTTP provider plugins (built-in and third-party alike)
# ---------------------------------------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")
REDACTED = "[redacted]"
ERROR_DETAIL_CHARS = 300


async def sse_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[tuple[str, str]]:
    """Parse a server-sent-events body into ``(event, data)`` pairs as the bytes arrive.

    ``chunks`` is any async iterable of bytes (``response.content.iter_any()``), split
    anywhere: lines and UTF-8 characters may straddle chunks. Comments (``:``) and unknown
    fields are skipped, several ``data:`` lines of one event are joined with ``\n``, the
    event name defaults to ``message``. An event left unterminated at the end of the body is
    still delivered: some servers omit the final blank line.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = ""
    event = ""
    data: list[str] = []
    started = False

    def feed(line: str) -> tuple[str, str] | None:
        nonlocal event, data
        if not line:
            ready = (event or "message", "\n".join(data)) if data else None
            event, data = "", []
            return ready
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        return None

    async for chunk in chunks:
        buffer += decoder.decode(chunk)
        if not started and buffer:
            started = True
            buffer = buffer.removeprefix("\ufeff")
        position = 0
        for match in _LINE_END.finditer(buffer):
            # A lone CR at the end may be the first half of a CRLF in the next chunk.
            if match.group() == "\r" and match.end() == len(buffer):
                break
            ready = feed(buffer[position : match.start()])
            position = match.end()
            if ready:
                yield ready
        buffer = buffer[position:]
    buffer += decoder.decode(b"", final=True)
    for line in [*_LINE_END.split(buffer), ""]:
        ready = feed(line)
        if ready:
            yield ready


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every secret and every ``Bearer`` token replaced by ``[redacted]``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _BEARER.sub(lambda match: match.group(1) + REDACTED, text)


def json_object(data: str, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """A provider's answer (or one streamed event) decoded as a JSON object; anything else is
    :class:`RequestRejected`, with the keys in ``secrets`` redacted from the message."""
    try:
        value = json.loads(data)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise RequestRejected(redact(f"The server sent something that is not a JSON object: {data[:200]!r}", secrets))
    return value


def error_detail(body: str) -> str:
    """The human part of an error body: ``error.message`` of an OpenAI or Anthropic answer."""
    detail: Any = body
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        error = parsed.get("error", parsed)
        if isinstance(error, dict):
            detail = error.get("message") or error.get("detail") or error.get("type") or body
        elif isinstance(error, str):
            detail = error
    text = " ".join(str(detail).split())
    if len(text) > ERROR_DETAIL_CHARS:
        text = text[:ERROR_DETAIL_CHARS] + "..."
    return text or "(empty answer)"


def http_error(
    status: int, body: str, *, where: str, retry_after: str | None = None, secrets: Iterable[str] = ()
) -> ProviderError:
    """The error for an HTTP answer ``status`` >= 400 (PR-4 decides on fallback by its class).

    429 is :class:`RateLimited` (with ``Retry-After``), 408 and 5xx are :class:`TransientError`,
    any other status is :class:`RequestRejected`. The message carries the provider's own
    explanation, with ``secrets`` and bearer tokens redacted.
    """
    message = redact(f"{where} answered HTTP {status}: {error_detail(body)}", secrets)
    if status == 429:
        return RateLimited(message, retry_after=parse_retry_after(retry_after))
    if status == 408 or status >= 500:
        return TransientError(message)
    return RequestRejected(message)


@asynccontextmanager
async def http_post(
    url: str,
    payload: dict[str, Any],
    *,
    headers: dict[str, str],
    secrets: Iterable[str] = (),
    sock_connect: float = 10.0,
    sock_read: float = 120.0,
) -> AsyncIterator[aiohttp.ClientResponse]:
    """POST ``payload`` as JSON and hand over a successful response, mapping every failure.

    An answer >= 400 raises :func:`http_error`; refused or dropped connections and connect or
    read timeouts, during the request or while the body is read inside the ``async with``,
    raise :class:`TransientError`. Leaving the block (cancellation included) closes the
    connection at once, so the provider stops generating.
    """
    import aiohttp
    from yarl import URL

    hidden = [secret for secret in secrets if secret]
    try:
        # Credentials in the URL's user part or query never reach a message.
        where = "POST " + str(URL(url).with_user(None).with_query(None))
    except (TypeError, ValueError):
        raise ProviderMisconfigured(f"The provider URL {redact(url, hidden)!r} is not a valid URL.") from None
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=sock_connect, sock_read=sock_read)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout, trust_env=True) as session,
            session.post(url, json=payload, headers=headers) as response,
        ):
            if response.status >= 400:
                body = await response.text(errors="replace")
                error = http_error(
                    response.status,
                    body,
                    where=where,
                    retry_after=response.headers.get("Retry-After"),
                    secrets=hidden,
                )
                logger.debug("provider call failed: {}", error)
                raise error
            yield response
    except aiohttp.InvalidURL:
        raise ProviderMisconfigured(f"{where}: not a URL aiohttp can call; check the provider's base URL.") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else "failed"
        detail = redact(str(exc), hidden) or type(exc).__name__
        logger.debug("provider call to {} {}: {}", where, reason, detail)
        raise TransientError(f"{where} {reason}: {detail}") from None
