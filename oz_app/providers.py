"""What a provider plugin implements, and the errors it raises (PR-1, PR-4, PR-8, PL-5).

A provider type is registered with ``oz_register_providers``; its factory receives one
:class:`~oz_app.config.ProviderSettings` and returns an object with::

    def stream(self, request: CompletionRequest) -> AsyncIterator[str | Usage]

an async generator yielding output chunks as they arrive. Cancelling the consuming task must
stop the call (abort the HTTP request, kill the process). Failures are raised as one of the
errors below so the router knows whether to fall back to the next provider.

Provider API v2 (PR-8): a factory with ``api_version = 2`` reads the conversation as
``request.messages`` (system, user and assistant turns) and the run's ``request.options``
(checked against the factory's ``options = [Setting(...)]``), may yield :class:`Usage` once the
call's token counts are known, may declare its own settings (``settings = [Setting(...)]``, read
from ``OZ_PROVIDER_<KEY>_<NAME>`` or Settings into ``ProviderSettings.extra``) and may offer
``async def check(self) -> str``. A factory without ``api_version`` is v1: it reads
``request.prompt`` (the conversation written out as one text) and still works; the core logs a
deprecation note once per v1 type.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json
import re
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from loguru import logger

if TYPE_CHECKING:
    from oz_app.config import ProviderSettings

API_VERSION = 2  # the newest provider API; a factory says which it speaks with ``api_version``
CHECK_PROMPT = "Reply with the word OK."


@dataclass(frozen=True)
class Message:
    """One turn of a conversation (v2): the agent's instructions, a person's words or an answer."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Usage:
    """Tokens one call used, as the provider reported them; a v2 stream yields it (once, or a
    running total each time: the last one counts)."""

    input_tokens: int = 0
    output_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}


@dataclass
class CompletionRequest:
    """What a provider is asked to answer.

    ``prompt`` is the whole conversation written out as one text (what a v1 provider reads);
    ``messages`` are the same conversation as turns (v2), the system prompt first when there is
    one; ``options`` are the run's options, already checked against what the provider declares.
    """

    run_id: str
    prompt: str
    model: str
    system_prompt: str = ""
    messages: list[Message] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def turns(self) -> list[Message]:
        """``messages``, or the prompt as one user turn (after the system prompt) when the
        request was built from a prompt alone."""
        if self.messages:
            return list(self.messages)
        said = [Message("system", self.system_prompt)] if self.system_prompt else []
        return [*said, Message("user", self.prompt)]


class Provider(Protocol):
    def stream(self, request: CompletionRequest) -> AsyncGenerator[str | Usage, None]: ...


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


HTML_TYPES = ("text/html", "application/xhtml+xml")
ERROR_BODY_BYTES = 65536  # of an error answer, enough for its message


@dataclass
class HttpAnswer:
    """A successful HTTP answer: its content type, and its body as it arrives, each piece within
    the call's first-byte and idle timeouts (a :class:`TransientError` when one passes)."""

    content_type: str
    body: AsyncIterator[bytes]

    async def text(self, limit: int | None = None) -> str:
        """The body as text (only its first ``limit`` bytes or so, when given)."""
        data = bytearray()
        async for chunk in self.body:
            data += chunk
            if limit is not None and len(data) >= limit:
                break
        return data.decode("utf-8", errors="replace")


async def _within_timeouts(
    chunks: AsyncIterable[bytes], first_byte_by: float, first_byte: float, idle: float, where: str
) -> AsyncIterator[bytes]:
    """``chunks``, the first by the loop time ``first_byte_by``, each next within ``idle`` seconds."""
    loop = asyncio.get_running_loop()
    iterator = aiter(chunks)
    first = True
    while True:
        try:
            async with asyncio.timeout_at(first_byte_by if first else loop.time() + idle):
                chunk = await anext(iterator)
        except StopAsyncIteration:
            return
        except TimeoutError:
            if first:
                raise TransientError(_silent(where, first_byte)) from None
            raise TransientError(
                f"{where} went silent for {idle:g} s in the middle of its answer (OZ_PROVIDER_IDLE_TIMEOUT)."
            ) from None
        first = False
        yield chunk


def _silent(where: str, seconds: float) -> str:
    return f"{where} sent nothing within {seconds:g} s (OZ_PROVIDER_FIRST_BYTE_TIMEOUT)."


@asynccontextmanager
async def http_post(
    url: str,
    payload: dict[str, Any],
    *,
    headers: dict[str, str],
    secrets: Iterable[str] = (),
    connect_timeout: float = 10.0,
    first_byte_timeout: float = 60.0,
    idle_timeout: float = 60.0,
) -> AsyncIterator[HttpAnswer]:
    """POST ``payload`` as JSON and hand over a successful answer, mapping every failure.

    An answer >= 400 raises :func:`http_error`; an HTML page (a wrong base URL, a proxy's or a
    login page) raises :class:`TransientError` naming it. So do refused or dropped connections,
    a connect timeout, no byte of the answer within ``first_byte_timeout`` seconds of sending the
    request, and a gap over ``idle_timeout`` seconds between two pieces of the body, during the
    request or while the body is read inside the ``async with``. Leaving the block
    (cancellation included) closes the connection at once, so the provider stops generating.
    """
    import aiohttp
    from yarl import URL

    hidden = [secret for secret in secrets if secret]
    try:
        # Credentials in the URL's user part or query never reach a message.
        where = "POST " + str(URL(url).with_user(None).with_query(None))
    except (TypeError, ValueError):
        raise ProviderMisconfigured(f"The provider URL {redact(url, hidden)!r} is not a valid URL.") from None
    first_byte_by = asyncio.get_running_loop().time() + first_byte_timeout
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout)
    try:
        async with aiohttp.ClientSession(timeout=timeout, trust_env=True) as session:
            try:
                async with asyncio.timeout_at(first_byte_by):
                    response = await session.post(url, json=payload, headers=headers)
            except TimeoutError:
                raise TransientError(_silent(where, first_byte_timeout)) from None
            async with response:
                body = _within_timeouts(
                    response.content.iter_any(), first_byte_by, first_byte_timeout, idle_timeout, where
                )
                answer = HttpAnswer(response.content_type, body)
                if response.status >= 400:
                    error = http_error(
                        response.status,
                        await answer.text(ERROR_BODY_BYTES),
                        where=where,
                        retry_after=response.headers.get("Retry-After"),
                        secrets=hidden,
                    )
                    logger.debug("provider call failed: {}", error)
                    raise error
                if response.content_type in HTML_TYPES:
                    page = " ".join((await answer.text(ERROR_DETAIL_CHARS)).split())[:ERROR_DETAIL_CHARS]
                    raise TransientError(
                        redact(
                            f"{where} answered {response.status} with an HTML page, not an event stream or JSON "
                            f"(is the base URL the API's?): {page!r}",
                            hidden,
                        )
                    )
                yield answer
    except aiohttp.InvalidURL:
        raise ProviderMisconfigured(f"{where}: not a URL aiohttp can call; check the provider's base URL.") from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else "failed"
        detail = redact(str(exc), hidden) or type(exc).__name__
        logger.debug("provider call to {} {}: {}", where, reason, detail)
        raise TransientError(f"{where} {reason}: {detail}") from None


# ---------------------------------------------------------------------------------------------
# Provider types as the core uses them: API version, declared settings and options, check
# ---------------------------------------------------------------------------------------------

_V1_NOTED: set[str] = set()


def api_version(factory: Any) -> int:
    """The provider API a factory speaks: its ``api_version``, else 1."""
    version = getattr(factory, "api_version", 1)
    return version if isinstance(version, int) and not isinstance(version, bool) else 1


def note_v1(type_name: str, factory: Any) -> None:
    """Log once per provider type that it still speaks the v1 API (it keeps working)."""
    if api_version(factory) >= API_VERSION or type_name in _V1_NOTED:
        return
    _V1_NOTED.add(type_name)
    logger.warning(
        "provider type {!r} uses provider API v1, which is deprecated: it gets the conversation as one "
        "prompt and cannot take options or report usage; set api_version = 2 on its factory and read "
        "request.messages (see oz_app.providers)",
        type_name,
    )


def declared_settings(factory: Any) -> list[Any]:
    """The settings a provider type declares (PL-5): ``factory.settings``."""
    from oz_app.plugin_settings import declared

    return declared(factory)


def declared_options(factory: Any) -> list[Any]:
    """The per-run options a provider type takes (PR-8): ``factory.options``."""
    from oz_app.plugin_settings import declared

    return declared(factory, "options") if api_version(factory) >= API_VERSION else []


def setting_prefix(key: str) -> str:
    return f"OZ_PROVIDER_{key.upper()}_"


def with_declared_settings(factory: Any, settings: ProviderSettings) -> ProviderSettings:
    """``settings`` with its type's declared settings read from ``settings.extra`` (the raw values
    from ``OZ_PROVIDER_<KEY>_*`` or Settings), converted and checked: every problem is a
    :class:`ProviderMisconfigured` sentence naming the variable."""
    from oz_app.plugin_settings import collect

    declared = declared_settings(factory)
    if not declared:
        return settings
    prefix = setting_prefix(settings.key)
    raw = {setting.variable(prefix): settings.extra.get(setting.name) for setting in declared}
    problems: list[str] = []
    values = collect(declared, raw, prefix, problems)
    if problems:
        raise ProviderMisconfigured(" ".join(problems))
    return replace(settings, extra={**settings.extra, **values})


def make_provider(factory: Any, settings: ProviderSettings) -> Provider:
    """The provider object for ``settings``, its declared settings read (a v1 type noted once)."""
    note_v1(settings.type, factory)
    provider: Provider = factory(with_declared_settings(factory, settings))
    return provider


def check_options(factory: Any, key: str, options: dict[str, Any]) -> dict[str, Any]:
    """A run's ``options`` converted to what provider ``key``'s type declares; an option it does
    not declare, or a bad value, is a :class:`RequestRejected` sentence (nothing was called)."""
    if not options:
        return {}
    declared = {option.name: option for option in declared_options(factory)}
    result: dict[str, Any] = {}
    for name, raw in options.items():
        option = declared.get(name)
        if option is None:
            takes = f"it takes {', '.join(sorted(declared))}" if declared else "it takes no options"
            raise RequestRejected(f"provider {key!r} does not take the option {name!r} ({takes}).")
        value, problem = option.convert(raw, f"config.options.{name}")
        if problem:
            raise RequestRejected(f"provider {key!r}: {problem}")
        result[name] = value
    return result


async def check_reply(provider: Any, model: str, options: dict[str, Any] | None = None, run_id: str = "check") -> str:
    """The provider's answer to :data:`CHECK_PROMPT` as text: a check made with a short real call
    (what a provider's own ``check()`` may do, and what a provider without one is asked)."""
    request = CompletionRequest(run_id=run_id, prompt=CHECK_PROMPT, model=model, options=options or {})
    async with contextlib.aclosing(provider.stream(request)) as stream:
        return "".join([piece async for piece in stream if isinstance(piece, str)])


def answered(text: str) -> str:
    """How a check reports a provider's answer: its words on one line, at most 200 characters."""
    return f"answered: {' '.join(text.split())[:200]}"


async def check_provider(factory: Any, settings: ProviderSettings, timeout: float) -> tuple[bool, str]:  # noqa: ASYNC109
    """Whether the provider works, and a short detail saying why (Settings' Test, ``oz-app
    providers check``): its ``check()``, else a two-word answer asked of it."""
    try:
        async with asyncio.timeout(timeout):
            provider = make_provider(factory, settings)
            check = getattr(provider, "check", None)
            if check is not None:
                return True, str(await check() or "works")
            text = await check_reply(provider, settings.model, run_id=f"check-{settings.key}")
            if not text.strip():
                return False, "it sent an empty answer, without any text."
            return True, answered(text)
    except TimeoutError:
        return False, f"no answer within {timeout:g} s."
    except ProviderError as exc:
        return False, redact(str(exc) or type(exc).__name__, _secrets(factory, settings))
    except Exception as exc:  # a broken plugin: said, not raised into a page or a command
        logger.debug("checking provider {} failed: {}", settings.key, type(exc).__name__)
        return False, redact(f"the provider plugin failed: {type(exc).__name__}: {exc}", _secrets(factory, settings))


def _secrets(factory: Any, settings: ProviderSettings) -> list[str]:
    """The provider's key and secret settings, kept out of what a check says."""
    from oz_app.plugin_settings import hidden

    return [settings.api_key, *hidden(declared_settings(factory), settings.extra)]
