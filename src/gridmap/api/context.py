"""Per-request context: the caller's unit of work, DataLoaders, work off the event loop.

A request's reads share one unit of work (:class:`~gridmap.services.scope.Scope`): one
connection and one read transaction in the caller's row scope, opened on first use.
A mutation runs in a write unit of its own (:meth:`Context.write`).  :meth:`Context.close`
ends the request (the schema's ``EndRequest`` extension calls it): the read unit writes its
audit notes and hands its connection back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyio import to_thread
from strawberry.dataloader import DataLoader

from gridmap.domain.access import Principal
from gridmap.services.scope import Scope

T = TypeVar("T")


@dataclass
class Context:
    scope: Scope
    loaders: dict[Hashable, DataLoader] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def principal(self) -> Principal:
        return self.scope.principal

    async def run(self, fn: Callable[[Scope], T]) -> T:
        """Run ``fn(scope)`` in a worker thread, in the request's read unit of work."""

        def work() -> T:
            try:
                return fn(self.scope)
            except Exception:
                self.scope.rollback()  # the transaction is aborted: the next call starts afresh
                raise

        async with self._lock:  # one statement at a time on the shared connection
            return await self._off_loop(work)

    async def write(self, fn: Callable[[Scope], T]) -> T:
        """Run ``fn(scope)`` in a write unit of work of its own, committed when it returns."""

        def work() -> T:
            with self.scope.writer() as scope:
                return fn(scope)

        return await self._off_loop(work)

    async def _off_loop(self, work: Callable[[], T]) -> T:
        """Run database work in a worker thread; a statement timeout becomes a clear error."""
        with self.scope.errors():
            return await to_thread.run_sync(work)

    async def close(self) -> None:
        """End the request: write its audit notes and hand the connection back."""
        async with self._lock:
            await to_thread.run_sync(self.scope.close)

    def audit(self, action: str, detail: str) -> None:
        """Note that this caller read personal data (logged when the request ends)."""
        self.scope.audit(action, detail)

    def loader(self, fetch: Callable[..., dict], *args: Any, default: Any = None) -> DataLoader:
        """This request's DataLoader for the service ``fetch(scope, *args, keys) -> {key: value}``.

        All loads of one tick are answered by one call of ``fetch``: nested queries never
        issue one statement per row.
        """
        name = (fetch, args)
        if name not in self.loaders:

            async def batch(keys: list) -> list:
                found = await self.run(lambda scope: fetch(scope, *args, keys))
                return [found.get(k, default) for k in keys]

            self.loaders[name] = DataLoader(load_fn=batch)
        return self.loaders[name]
