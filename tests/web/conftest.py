from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from fastapi import FastAPI

Visitor = Callable[[], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def visitor(app: FastAPI) -> AsyncIterator[Visitor]:
    """Makes browsers of the pages: clients over the same app, each with its own cookies."""
    async with AsyncExitStack() as stack:

        async def new() -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            client = httpx.AsyncClient(transport=transport, base_url="http://consulta.test")
            return await stack.enter_async_context(client)

        yield new
