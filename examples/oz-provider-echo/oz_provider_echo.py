"""A minimal third-party provider plugin for oz-app.

Install it (``pip install ./examples/oz-provider-echo``), then configure a provider of its type:

    OZ_PROVIDER_ECHO_TYPE=echo OZ_DEFAULT_PROVIDER=echo oz-app --headless --control-plane
"""

import asyncio
from collections.abc import AsyncIterator

from oz_app.config import ProviderSettings
from oz_app.hookspecs import hookimpl
from oz_app.providers import CompletionRequest, RequestRejected


class EchoProvider:
    """Streams the prompt back one word at a time, as a real model streams tokens."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.prefix = settings.model or "echo"

    async def stream(self, request: CompletionRequest) -> AsyncIterator[str]:
        if "please fail" in request.prompt:
            raise RequestRejected("the echo provider was asked to fail")
        yield f"{self.prefix}:"
        for word in request.prompt.split():
            await asyncio.sleep(0)  # a real provider awaits the network here
            yield f" {word}"


@hookimpl
def oz_register_providers(register):
    register("echo", EchoProvider)
