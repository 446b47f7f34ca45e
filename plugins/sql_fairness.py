"""Readers' own SQL cannot take every SQL thread: page views always find one free.

Datasette runs every query, a page's or a reader's, on one pool of ``num_sql_threads`` threads in arrival
order. Fifteen runaway queries at once (each stopped at the time limit) used to queue the home page for
11.7 s. Requests that run SQL of the reader's making, which can cost up to the time limit each, now take
one of ``HEAVY_SLOTS`` slots per process first (the rest of the threads stay for pages); up to
``MAX_WAITING`` more wait at most ``WAIT_SECONDS`` for it, and beyond that the answer is 503 with
Retry-After. Such a request is one with ``sql`` (a query), ``_where`` (a raw WHERE clause) or a column
filter with an operator (``body__contains=...``, any ``column__op``), which can scan whole tables.

Per client fairness (one client cannot fill the queue) belongs to the front server: see
deploy/nginx.conf, which rate-limits these requests per address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ClassVar
from urllib.parse import parse_qsl

from datasette import hookimpl
from datasette.views.base import DatasetteError

HEAVY_SLOTS = 1
MAX_WAITING = 64
WAIT_SECONDS = 5.0

ASGIApp = Callable[..., Awaitable[None]]


class ServiceBusy(DatasetteError):
    headers: ClassVar[dict[str, str]] = {"Retry-After": "5"}

    def __init__(self) -> None:
        super().__init__("The server is busy with other queries. Please try again in a few seconds.",
                         title="Busy", status=503)


def is_heavy(query_string: bytes) -> bool:
    """Does the request run SQL of the reader's making (a query, a WHERE clause, a filter operator)?"""
    names = [name for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)]
    return any(name in ("sql", "_where") or ("__" in name and not name.startswith("_")) for name in names)


class Gate:
    """At most ``slots`` holders at once, ``max_waiting`` in line, each waiting at most ``timeout`` s."""

    def __init__(self, slots: int, max_waiting: int, timeout: float) -> None:
        self.slots = slots
        self.max_waiting = max_waiting
        self.timeout = timeout
        self.waiting = 0
        self._semaphore: asyncio.Semaphore | None = None

    async def acquire(self) -> None:
        # Created on first use, inside the server's event loop.
        self._semaphore = self._semaphore or asyncio.Semaphore(self.slots)
        if self._semaphore.locked() and self.waiting >= self.max_waiting:
            raise ServiceBusy()
        self.waiting += 1
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.timeout)
        except TimeoutError:
            raise ServiceBusy() from None
        finally:
            self.waiting -= 1

    def release(self) -> None:
        self._semaphore.release()


@hookimpl(tryfirst=True)
def asgi_wrapper(datasette) -> Callable[[ASGIApp], ASGIApp]:
    gate = Gate(HEAVY_SLOTS, MAX_WAITING, WAIT_SECONDS)

    def wrap(app: ASGIApp) -> ASGIApp:
        async def fair_app(scope, receive, send) -> None:
            if scope["type"] != "http" or not is_heavy(scope.get("query_string", b"")):
                await app(scope, receive, send)
                return
            await gate.acquire()
            try:
                await app(scope, receive, send)
            finally:
                gate.release()

        return fair_app

    return wrap
