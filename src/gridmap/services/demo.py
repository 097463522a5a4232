"""Load the synthetic demo district into the database (bulk COPY, one transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, text

from gridmap.db.bulk import clear_domain_tables, copy_rows, reset_sequences
from gridmap.demo.generate import generate
from gridmap.services import service_areas
from gridmap.services.walking import refresh_reach

log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (step description, rows just loaded)

STATION_SERVES_GRIDS_SQL = """
INSERT INTO station_grids (station_id, grid_id)
SELECT s.id, g.id
FROM stations s
JOIN grids g ON g.community_code = s.community_code AND g.valid_to IS NULL
 AND ST_DWithin(s.geom::geography, ST_Centroid(g.geom)::geography, 600)
"""


def load_demo(
    engine: Engine, scale: str = "city", seed: int = 42, progress: Progress | None = None
) -> dict[str, int]:
    """Replace all data with the demo district of ``scale``; return the row counts."""
    data = generate(scale, seed)
    counts = data.counts()
    with engine.begin() as conn:
        clear_domain_tables(conn)
        for name, table in data.tables.items():
            copy_rows(conn, name, table.columns, table.rows)
            if progress:
                progress(name, len(table.rows))
        conn.execute(text(STATION_SERVES_GRIDS_SQL))
        reset_sequences(conn, [n for n in data.tables if "id" in data.tables[n].columns])
        conn.execute(text("ANALYZE road_edges; ANALYZE stations"))
        refresh_reach(conn, progress=(lambda step: progress(step, 0)) if progress else None)
        if progress:
            progress("service areas (5, 10, 15 minutes)", 0)
        service_areas.build(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    log.info("loaded demo %s (seed %s): %s", scale, seed, counts)
    return counts


def database_is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT NOT EXISTS (SELECT 1 FROM grids)")).scalar_one()
