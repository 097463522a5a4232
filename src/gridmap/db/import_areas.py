"""Writing staged streets, communities and grids (see ``db/imports.py`` for the staging).

Areas are upserted by code.  A grid whose code is already current is redrawn: its row is
closed (``valid_to``) and a new one added — updated in place only when it became valid the
same day — and what referenced the closed row follows to the current grid.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

from gridmap.db.imports import reject


def _sets(present: Iterable[str], prefix: str = "excluded") -> str:
    return ", ".join(f"{f} = {prefix}.{f}" for f in present)


def _counted(conn: Connection, sql: str, params: dict | None = None) -> tuple[int, int]:
    """Run an INSERT … ON CONFLICT DO UPDATE … RETURNING (xmax = 0); (inserted, updated)."""
    flags = conn.execute(text(sql), params or {}).scalars().all()
    inserted = sum(1 for f in flags if f)
    return inserted, len(flags) - inserted


def write_areas(conn: Connection, table: str, present: set[str]) -> tuple[int, int]:
    """Streets or communities: upsert by code (a missing district is created from its
    streets, named by the district_name column when there is one)."""
    if table == "streets":
        conn.execute(
            text("""
            INSERT INTO districts (code, name, geom)
            SELECT left(code, 6), coalesce(max(district_name), left(code, 6)),
                   ST_Multi(ST_Union(geom))
            FROM import_rows WHERE reason IS NULL GROUP BY 1
            ON CONFLICT (code) DO NOTHING
        """)
        )
        parent = "district_code, "
        parent_value = "left(code, 6), "
    else:
        parent, parent_value = "street_code, ", "left(code, 9), "
    update = _sets(sorted(present & {"name"}) + ["geom"])
    return _counted(
        conn,
        f"""
        INSERT INTO {table} (code, {parent}name, geom)
        SELECT code, {parent_value}name, geom FROM import_rows WHERE reason IS NULL
        ON CONFLICT (code) DO UPDATE SET {update}
        RETURNING (xmax = 0)
    """,
    )


GRID_KIND_SQL = """
    UPDATE import_rows SET kind = CASE
        WHEN kind IS NULL OR lower(kind) IN ('综合', '综合网格', 'comprehensive', 'basic')
            THEN '综合'
        WHEN lower(kind) IN ('专属', '专属网格', 'dedicated') THEN '专属'
        ELSE kind END
"""


def write_grids(conn: Connection, present: set[str]) -> tuple[int, int]:
    """Grids: a code already current is redrawn — its row is closed (valid_to) and a new one
    added, or updated in place when it only became valid today — and the buildings,
    households, staff and station links of closed rows move to the current grids."""
    conn.execute(text(GRID_KIND_SQL))
    reject(
        conn, "kind", "'kind ' || kind || ' is not 综合 or 专属'", "kind NOT IN ('综合', '专属')"
    )
    reject(
        conn,
        "category",
        "'a 专属 grid needs a category (学校, 医院, 企业, …)'",
        "kind = '专属' AND category IS NULL",
    )
    conn.execute(
        text("""
        UPDATE import_rows r SET old_id = g.id,
               in_place = g.valid_from >= coalesce(r.valid_from, CURRENT_DATE)
        FROM grids g WHERE g.code = r.code AND g.valid_to IS NULL AND r.reason IS NULL
    """)
    )
    attrs = sorted(present & {"name", "kind", "category", "responsible_body"})
    sets = ", ".join([f"{a} = r.{a}" for a in attrs] + ["geom = r.geom"])
    updated = conn.execute(
        text(f"""
        UPDATE grids g SET {sets}, area_m2 = ST_Area(r.geom::geography)
        FROM import_rows r WHERE r.reason IS NULL AND r.in_place AND g.id = r.old_id
    """)
    ).rowcount
    closed = (
        conn.execute(
            text("""
        UPDATE grids g SET valid_to = coalesce(r.valid_from, CURRENT_DATE)
        FROM import_rows r WHERE r.reason IS NULL AND NOT r.in_place AND g.id = r.old_id
        RETURNING g.id
    """)
        )
        .scalars()
        .all()
    )
    inserted = conn.execute(
        text("""
        INSERT INTO grids (code, community_code, name, kind, category, responsible_body,
                           area_m2, valid_from, geom)
        SELECT code, left(code, 12), name, kind, category, responsible_body,
               ST_Area(geom::geography), coalesce(valid_from, CURRENT_DATE), geom
        FROM import_rows WHERE reason IS NULL AND NOT coalesce(in_place, false)
    """)
    ).rowcount
    if closed:
        _move_to_current(conn, list(closed))
    return inserted - len(closed), updated + len(closed)


def _move_to_current(conn: Connection, closed: list[int]) -> None:
    """Point everything that referenced closed grid rows at the current grids: by location
    for buildings and households, by code for the rest (and for what lies in no grid)."""
    for table in ("buildings", "households"):
        conn.execute(
            text(f"""
            UPDATE {table} t SET grid_id = g.id FROM grids g
            WHERE t.grid_id = ANY(:closed) AND g.valid_to IS NULL
              AND ST_Intersects(g.geom, t.geom)
        """),
            {"closed": closed},
        )
    for table in ("buildings", "households", "people", "station_grids"):
        conn.execute(
            text(f"""
            UPDATE {table} t SET grid_id = n.id FROM grids o JOIN grids n
                ON n.code = o.code AND n.valid_to IS NULL
            WHERE t.grid_id = o.id AND o.id = ANY(:closed)
        """),
            {"closed": closed},
        )
