"""Per-request context: the caller, DataLoaders, and database work off the event loop.

A request's reads share one connection and one read transaction, opened on first use inside
the caller's scope (:func:`enter_scope`): the database's row-level security then hides
personal data outside the caller's areas, whatever the resolver asked for.
:meth:`Context.run_aggregate` is the one way around it, for statements that return only
counts and other aggregates.  :meth:`Context.close` ends the request (the schema's
``EndRequest`` extension calls it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from strawberry.dataloader import DataLoader

from gridmap.db.access import enter_scope
from gridmap.domain.access import ANONYMOUS, Principal
from gridmap.errors import TooSlow
from gridmap.services import access

T = TypeVar("T")
QUERY_CANCELED = "57014"  # PostgreSQL: statement timeout or cancel


async def _off_loop(work: Callable[[], T]) -> T:
    """Run database work in a worker thread; a statement timeout becomes a clear error."""
    try:
        return await to_thread.run_sync(work)
    except OperationalError as exc:
        if getattr(exc.orig, "pgcode", None) == QUERY_CANCELED:
            raise TooSlow(
                "the query took longer than the server's statement timeout; "
                "ask for less (a smaller area, batch or page)"
            ) from None
        raise


@dataclass
class Context:
    engine: Engine
    principal: Principal = ANONYMOUS
    loaders: dict[Hashable, DataLoader] = field(default_factory=dict)
    audited: dict[str, list[str]] = field(default_factory=dict)
    _conn: Connection | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` in a worker thread, in the request's read transaction."""

        def work() -> T:
            if self._conn is None:
                conn = self.engine.connect()
                enter_scope(conn, self.principal)
                self._conn = conn
            try:
                return fn(self._conn)
            except Exception:
                self._discard()  # the transaction is aborted: the next call starts afresh
                raise

        async with self._lock:  # one statement at a time on the shared connection
            return await _off_loop(work)

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    async def close(self) -> None:
        """End the request: write its audit notes (one entry per action, one transaction)
        and hand the connection back."""
        try:
            if self.audited:
                entries = {action: "; ".join(notes) for action, notes in self.audited.items()}
                self.audited = {}
                await to_thread.run_sync(
                    access.record, self.engine, self.principal, "graphql", entries
                )
        finally:
            async with self._lock:
                if self._conn is not None:
                    await to_thread.run_sync(self._discard)

    async def run_aggregate(self, fn: Callable[[Connection], T]) -> T:
        """Like :meth:`run`, but over all rows: only for results that are aggregates."""

        def work() -> T:
            with self.engine.connect() as conn:
                return fn(conn)

        return await _off_loop(work)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` in one committed transaction in scope, with write rights."""

        def work() -> T:
            with self.engine.begin() as conn:
                enter_scope(conn, self.principal, write=True)
                return fn(conn)

        return await _off_loop(work)

    def audit(self, action: str, detail: str) -> None:
        """Note that this caller read or changed personal data (logged when the request ends)."""
        self.audited.setdefault(action, []).append(detail)

    def loader(
        self, fetch: Callable[..., dict], *args: Any, default: Any = None, aggregate: bool = False
    ) -> DataLoader:
        """This request's DataLoader for ``fetch(conn, *args, keys) -> {key: value}``.

        All loads of one tick are answered by one call of ``fetch``: nested queries never
        issue one statement per row.  ``aggregate`` runs it over all rows (counts only).
        """
        name = (fetch, args)
        if name not in self.loaders:
            run = self.run_aggregate if aggregate else self.run

            async def batch(keys: list) -> list:
                found = await run(lambda conn: fetch(conn, *args, keys))
                return [found.get(k, default) for k in keys]

            self.loaders[name] = DataLoader(load_fn=batch)
        return self.loaders[name]
