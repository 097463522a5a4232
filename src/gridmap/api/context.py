"""Per-request context: the engine, DataLoaders, and database work off the event loop."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import Connection, Engine
from strawberry.dataloader import DataLoader

T = TypeVar("T")


@dataclass
class Context:
    engine: Engine
    loaders: dict[Hashable, DataLoader] = field(default_factory=dict)

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` in a worker thread, inside one read transaction."""

        def work() -> T:
            with self.engine.connect() as conn:
                return fn(conn)

        return await to_thread.run_sync(work)

    def loader(self, fetch: Callable[..., dict], *args: Any, default: Any = None) -> DataLoader:
        """This request's DataLoader for ``fetch(conn, *args, keys) -> {key: value}``.

        All loads of one tick are answered by one call of ``fetch``: nested queries never
        issue one statement per row.
        """
        name = (fetch, args)
        if name not in self.loaders:

            async def batch(keys: list) -> list:
                found = await self.run(lambda conn: fetch(conn, *args, keys))
                return [found.get(k, default) for k in keys]

            self.loaders[name] = DataLoader(load_fn=batch)
        return self.loaders[name]
