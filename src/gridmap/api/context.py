"""Per-request context: the engine and helpers to run database work off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from anyio import to_thread
from sqlalchemy import Connection, Engine

T = TypeVar("T")


@dataclass
class Context:
    engine: Engine

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` in a worker thread, inside one read transaction."""

        def work() -> T:
            with self.engine.connect() as conn:
                return fn(conn)

        return await to_thread.run_sync(work)
