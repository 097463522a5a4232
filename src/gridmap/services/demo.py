"""Load the synthetic demo district into the database (bulk COPY, one transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection

from gridmap.db.bulk import analyze, clear_domain_tables, copy_rows, is_empty, reset_sequences
from gridmap.db.stations import link_to_grids
from gridmap.demo.generate import generate
from gridmap.services.planning import refresh_caches
from gridmap.services.scope import aggregate, maintenance

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (step description, rows just loaded)

DEMO_STATION_SERVES_M = 600  # a demo station serves the grids of its community this close


@maintenance("loading the demo")
def load_demo(
    conn: Connection, scale: str = "city", seed: int = 42, progress: Progress | None = None
) -> dict[str, int]:
    """Replace all data with the demo district of ``scale``; return the row counts."""
    data = generate(scale, seed)
    counts = data.counts()
    clear_domain_tables(conn)
    for name, table in data.tables.items():
        copy_rows(conn, name, table.columns, table.rows)
        if progress:
            progress(name, len(table.rows))
    link_to_grids(conn, DEMO_STATION_SERVES_M)
    reset_sequences(conn, [n for n in data.tables if "id" in data.tables[n].columns])
    analyze(conn, ("road_edges", "stations"))
    refresh_caches(conn, (lambda step: progress(step, 0)) if progress else None)
    analyze(conn)
    log.info("loaded demo %s (seed %s): %s", scale, seed, counts)
    return counts


@aggregate
def database_is_empty(conn: Connection) -> bool:
    return is_empty(conn)
