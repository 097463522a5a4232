"""The unit of work every service runs in: one connection, one caller, read or write, audit.

A :class:`Scope` is opened by whoever takes a request — the API's request context, a CLI
command, the worker — and handed to service functions, which are the only code that uses
it.  It alone

- opens the connection (and, later, chooses primary or replica) and owns the transaction:
  a write scope commits when its ``with`` block ends cleanly and rolls back otherwise; a read
  scope never commits anything but its audit notes;
- sets the row-level-security scope: its statements run as the ``gridmap_api`` role with
  the caller's areas (``gridmap.scope``) and, for writes, ``gridmap.write = on``, so the
  database hides and protects personal data outside the caller's area whatever a service
  asked for;
- collects the audit notes (reads and changes of personal data) and writes them in the same
  transaction as a write, or in a short one of their own at the end of a read.

There is one named way around the row scope: :meth:`Scope.unscoped`, for statements whose
results are aggregates (counts over all households), for derived caches that a write must
bring up to date across areas, and for maintenance (:meth:`Scope.maintenance`: demo
loading, imports, cache rebuilds by the operator of the machine).

Usage::

    with Scope.open(principal, write=True) as scope:
        stations.move_station(scope, station_id, x, y, "GCJ02")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy import Connection, Engine

from gridmap.db import access as db_access
from gridmap.db.engine import get_engine
from gridmap.domain.access import ANONYMOUS, Principal


class Scope:
    """One unit of work; see the module docstring."""

    def __init__(
        self,
        engine: Engine | Connection,
        principal: Principal = ANONYMOUS,
        *,
        write: bool = False,
        channel: str = "graphql",
        row_scope: bool = True,
    ) -> None:
        """``engine`` is where connections come from; a :class:`Connection` is joined as it is
        (its owner commits or rolls back: tests, and work nested in another unit)."""
        self.principal = principal
        self.write = write
        self.channel = channel
        self.row_scope = row_scope
        self._engine = engine if isinstance(engine, Engine) else None
        self._joined = engine if isinstance(engine, Connection) else None
        self._conn: Connection | None = None
        self._scoped = False
        self.notes: dict[str, list[str]] = {}

    @classmethod
    def open(
        cls,
        principal: Principal = ANONYMOUS,
        *,
        write: bool = False,
        channel: str = "cli",
        engine: Engine | Connection | None = None,
    ) -> Self:
        """A unit of work on the configured database (or ``engine``)."""
        return cls(engine or get_engine(), principal, write=write, channel=channel)

    @classmethod
    def maintenance(cls, engine: Engine | Connection | None = None) -> Self:
        """A write unit of work outside the row scope, for the operator's bulk jobs (demo,
        imports, cache rebuilds): the one who runs them holds the database already."""
        from gridmap.services.access import operator

        return cls(
            engine or get_engine(), operator(), write=True, channel="cli", row_scope=False
        )

    # -- the connection ------------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        """The unit's connection, in its transaction and (unless maintenance) in row scope."""
        if self._conn is None:
            if self._joined is not None:
                conn = self._joined
            else:
                assert self._engine is not None
                conn = self._engine.connect()
            if not conn.in_transaction():
                conn.begin()
            self._conn = conn
            if self.row_scope:
                self._enter()
        return self._conn

    def _enter(self) -> None:
        assert self._conn is not None
        db_access.enter_scope(self._conn, self.principal, write=self.write)
        self._scoped = True

    @contextmanager
    def unscoped(self) -> Iterator[Connection]:
        """The unit's connection with the row scope lifted for the ``with`` block.

        Only for aggregates (results that name no household or person), derived caches a
        write brings up to date, and the audit log; same transaction, so a write stays atomic.
        """
        conn = self.conn
        if not self._scoped:
            yield conn
            return
        db_access.leave_scope(conn)
        self._scoped = False
        try:
            yield conn
        finally:
            if conn.in_transaction():
                self._enter()

    # -- audit ---------------------------------------------------------------------------

    def audit(self, action: str, detail: str) -> None:
        """Note that this caller read or changed personal data (logged when the unit ends)."""
        self.notes.setdefault(action, []).append(detail)

    def _write_notes(self) -> None:
        if not self.notes:
            return
        entries = {action: "; ".join(notes) for action, notes in self.notes.items()}
        self.notes = {}
        with self.unscoped() as conn:
            for action, detail in entries.items():
                db_access.record(conn, self.principal, self.channel, action, detail)

    # -- the end -------------------------------------------------------------------------

    def commit(self) -> None:
        """Commit the work so far (a write) or the audit notes (a read); the unit stays open
        and starts a new transaction on its next statement."""
        if self._conn is None and not self.notes:
            return
        if not self.write and not self.notes:
            return
        self._write_notes()
        if self._joined is None:
            self.conn.commit()
            self._release()

    def rollback(self) -> None:
        """Drop the unit's uncommitted work (not its audit notes of reads)."""
        if self._conn is not None and self._joined is None:
            self._conn.rollback()
            self._release()

    def close(self) -> None:
        """End the unit: a read's audit notes are written; the connection goes back."""
        try:
            if self.notes:
                if self._conn is not None and self.write:
                    self.rollback()  # uncommitted writes die; the reads' notes are kept
                self._write_notes()
                if self._joined is None:
                    self.conn.commit()
        finally:
            self._release()

    def _release(self) -> None:
        conn, scoped = self._conn, self._scoped
        self._conn, self._scoped = None, False
        if conn is None:
            return
        if self._joined is None:
            conn.close()
        elif scoped and conn.in_transaction():
            db_access.leave_scope(conn)  # the joined connection's owner goes on unscoped

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        try:
            if exc_type is None and self.write:
                self.commit()
            elif exc_type is not None:
                self.rollback()
        finally:
            self.close()
