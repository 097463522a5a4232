"""Bulk loading with COPY: one statement a table, streamed, never row-by-row inserts."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Connection, text

DOMAIN_TABLES = (  # children first, so that deleting in this order respects foreign keys
    "station_grids",
    "stations",
    "people",
    "households",
    "units",
    "buildings",
    "compounds",
    "grids",
    "areas",
    "communities",
    "streets",
    "districts",
    "road_edges",
    "road_nodes",
)


def copy_value(value: object) -> str:
    """A value in COPY's text format: NULL as ``\\N``, booleans as t/f, lists as arrays,
    and backslashes, tabs and line breaks escaped."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list):
        value = array_literal(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def array_literal(values: Sequence[object]) -> str:
    """A list as one PostgreSQL array literal, ``{"a",NULL}``.  Statements take arrays this
    way too: PostgreSQL reads one literal far faster than the ``ARRAY[...]`` of one constant
    per element that psycopg2 would send."""
    return "{" + ",".join("NULL" if v is None else _array_element(v) for v in values) + "}"


def _array_element(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class _LineStream(io.RawIOBase):
    """A read-only file over an iterator of text lines, for ``copy_expert``."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def]
        while len(self._buffer) < len(target):
            chunk = "".join(line for _, line in zip(range(2000), self._lines, strict=False))
            if not chunk:
                break
            self._buffer += chunk.encode("utf-8")
        n = min(len(target), len(self._buffer))
        target[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        return n


def copy_lines(conn: Connection, table: str, columns: Iterable[str], lines: Iterator[str]) -> None:
    """COPY text-format ``lines`` into ``table(columns)`` inside the caller's transaction."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor.copy_expert(sql, io.BufferedReader(_LineStream(lines), buffer_size=1 << 20))


def copy_rows(
    conn: Connection, table: str, columns: Iterable[str], rows: Iterable[Sequence[object]]
) -> None:
    """COPY Python values (see :func:`copy_value`) into ``table``."""
    copy_lines(conn, table, columns, ("\t".join(map(copy_value, row)) + "\n" for row in rows))


def clear_domain_tables(conn: Connection) -> None:
    """Empty every domain table (transactional; used before loading a demo)."""
    conn.execute(text(f"TRUNCATE {', '.join(DOMAIN_TABLES)} RESTART IDENTITY CASCADE"))


def reset_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """Move serial id sequences past explicitly loaded ids."""
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false) "
                f"WHERE pg_get_serial_sequence('{table}', 'id') IS NOT NULL"
            )
        )


def analyze(conn: Connection, tables: Iterable[str] = ()) -> None:
    """Refresh the planner's statistics of ``tables`` (default: all), in the transaction."""
    conn.execute(text("ANALYZE " + ", ".join(tables)))


def is_empty(conn: Connection) -> bool:
    """Whether the database holds no grid yet."""
    return bool(conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM grids)")).scalar_one())
