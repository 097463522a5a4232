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

There is one named way around the row scope: :meth:`Scope.unscoped` (and the
:func:`aggregate` decorator built on it), for statements whose results are aggregates (counts
over all households), for derived caches that a write must bring up to date across areas,
for the access tables (tokens, the audit log), and for an admin's maintenance (demo loading,
imports, cache rebuilds).

Usage::

    with Scope.open(principal, write=True) as scope:
        stations.move_station(scope, station_id, x, y, "GCJ02")
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Self, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import InternalError, OperationalError

from gridmap.db import access as db_access
from gridmap.db.engine import get_engine, is_statement_timeout
from gridmap.domain.access import ANONYMOUS, Principal
from gridmap.errors import TooSlow

P = ParamSpec("P")
T = TypeVar("T")


class Scope:
    """One unit of work; see the module docstring."""

    def __init__(
        self,
        engine: Engine | Connection,
        principal: Principal = ANONYMOUS,
        *,
        write: bool = False,
        channel: str = "graphql",
    ) -> None:
        """``engine`` is where connections come from; a :class:`Connection` is joined as it is
        (its owner commits or rolls back: tests, and work nested in another unit)."""
        self.principal = principal
        self.write = write
        self.channel = channel
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
        statement_timeout_ms: int | None = None,
    ) -> Self:
        """A unit of work on the configured database (or ``engine``); statements of an API
        request stop after ``statement_timeout_ms``."""
        engine = engine or get_engine(None, statement_timeout_ms)
        return cls(engine, principal, write=write, channel=channel)

    def writer(self) -> Scope:
        """A write unit of work for the same caller, on the same database."""
        return Scope(self._engine or self.conn, self.principal, write=True, channel=self.channel)

    # -- the connection ------------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        """The unit's connection, in its transaction and in the caller's row scope."""
        if self._conn is None:
            if self._joined is not None:
                conn = self._joined
            else:
                assert self._engine is not None
                conn = self._engine.connect()
            if not conn.in_transaction():
                conn.begin()
            self._conn = conn
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
            # the joined connection's owner goes on unscoped; if its transaction failed, the
            # owner rolls it back, and the scope with it
            with contextlib.suppress(InternalError):
                db_access.leave_scope(conn)

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Database failures a caller can act on, as gridmap errors (a statement timeout)."""
        try:
            yield
        except OperationalError as exc:
            if is_statement_timeout(exc):
                raise TooSlow(
                    "the query took longer than the server's statement timeout; "
                    "ask for less (a smaller area, batch or page)"
                ) from None
            raise

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


def aggregate(fn: Callable[Concatenate[Connection, P], T]) -> Callable[Concatenate[Scope, P], T]:
    """Make ``fn(conn, ...)`` a service ``fn(scope, ...)`` that reads over every row, the row
    scope lifted: only for functions whose results are aggregates (counts, shares, walks
    summed over households), never a household or a person."""

    @functools.wraps(fn)
    def run(scope: Scope, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with scope.unscoped() as conn:
            return fn(conn, *args, **kwargs)

    return run


Service = Callable[Concatenate[Scope, P], T]


def maintenance(what: str) -> Callable[[Callable[Concatenate[Connection, P], T]], Service[P, T]]:
    """Make ``fn(conn, ...)`` an admin's maintenance service ``fn(scope, ...)`` over every row
    (bulk loads, imports, cache rebuilds, integrity checks), in the unit's transaction;
    ``what`` names it in the refusal any other role gets."""

    def wrap(fn: Callable[Concatenate[Connection, P], T]) -> Callable[Concatenate[Scope, P], T]:
        @functools.wraps(fn)
        def run(scope: Scope, /, *args: P.args, **kwargs: P.kwargs) -> T:
            scope.principal.require_admin(what)
            with scope.unscoped() as conn:
                return fn(conn, *args, **kwargs)

        return run

    return wrap
