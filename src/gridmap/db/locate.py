"""Spatial lookups for locate: which grid holds a point, who staffs it, which stations are near.

Every function takes whole batches (arrays of coordinates or ids) and answers in a constant
number of statements, whatever the batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Double

from gridmap.db.prepared import Prepared
from gridmap.domain.hierarchy import CENTRAL_HOUSEHOLD, GRID_HEAD, GRID_WORKER, PARTY_SECRETARY

_POINTS = (bindparam("lons", type_=ARRAY(Double)), bindparam("lats", type_=ARRAY(Double)))


class Place(NamedTuple):
    """Where a grid lies: the grid and its community, street and district, as selected by
    PLACE_COLUMNS (same names, same order)."""

    grid_id: int
    grid_code: str
    grid_name: str
    grid_kind: str
    grid_category: str | None
    grid_responsible_body: str | None
    grid_area_m2: float
    grid_valid_from: date
    grid_valid_to: date | None
    community_code: str
    community_name: str
    street_code: str
    street_name: str
    district_code: str
    district_name: str


PLACE_COLUMNS = """
    g.id AS grid_id, g.code AS grid_code, g.name AS grid_name, g.kind AS grid_kind,
    g.category AS grid_category, g.responsible_body AS grid_responsible_body,
    g.area_m2 AS grid_area_m2, g.valid_from AS grid_valid_from, g.valid_to AS grid_valid_to,
    c.code AS community_code, c.name AS community_name,
    s.code AS street_code, s.name AS street_name, d.code AS district_code,
    d.name AS district_name
"""

_GRIDS_AT = Prepared(
    f"""
    SELECT p.idx - 1 AS idx, {PLACE_COLUMNS}
    FROM unnest(:lons, :lats) WITH ORDINALITY AS p(lon, lat, idx)
    JOIN LATERAL (
        SELECT * FROM grids g
        WHERE g.valid_to IS NULL
          AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
        ORDER BY g.code LIMIT 1
    ) g ON true
    JOIN communities c ON c.code = g.community_code
    JOIN streets s ON s.code = c.street_code
    JOIN districts d ON d.code = s.district_code
""",
    lons="float8[]",
    lats="float8[]",
)

_NEAREST_GRID = text("""
    SELECT p.idx - 1 AS idx, g.code AS grid_code, g.name AS grid_name,
           ST_Distance(g.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography)
               AS distance_m
    FROM unnest(:lons, :lats) WITH ORDINALITY AS p(lon, lat, idx)
    CROSS JOIN LATERAL (
        SELECT g.code, g.name, g.geom FROM grids g WHERE g.valid_to IS NULL
        ORDER BY g.geom <-> ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) LIMIT 1
    ) g
""").bindparams(*_POINTS)


def grids_at(conn: Connection, lons: Sequence[float], lats: Sequence[float]) -> list[Place | None]:
    """The current grid (with its community, street and district) holding each point."""
    found: list[Place | None] = [None] * len(lons)
    for row in _GRIDS_AT.execute(conn, {"lons": list(lons), "lats": list(lats)}):
        found[row[0]] = Place._make(row[1:])
    return found


def nearest_grids(
    conn: Connection, lons: Sequence[float], lats: Sequence[float]
) -> list[RowMapping]:
    """For points outside every grid: the nearest grid and the distance to it in metres."""
    rows = conn.execute(_NEAREST_GRID, {"lons": list(lons), "lats": list(lats)}).mappings()
    return sorted(rows, key=lambda r: r["idx"])


_PEOPLE = Prepared(
    """
    WITH c AS MATERIALIZED (  -- plain ids first: row security cannot use an index on
        SELECT id AS key, coalesce(central_household_id, id) AS central  -- an expression
        FROM households WHERE id = ANY(:household_ids)
    )
    SELECT 'staff' AS what, p.grid_id AS key, p.role, p.name, p.phone,
           NULL AS building, NULL AS unit, NULL AS room, p.id AS sort
    FROM people p
    WHERE p.grid_id = ANY(:grid_ids) AND p.role IN (:worker, :head, :secretary)
    UNION ALL
    SELECT 'central', c.key, p.role, p.name, p.phone, b.number, u.number, ch.room, p.id
    FROM c JOIN households ch ON ch.id = c.central
    JOIN buildings b ON b.id = ch.building_id
    LEFT JOIN units u ON u.id = ch.unit_id
    JOIN people p ON p.household_id = ch.id AND p.role = :central
    ORDER BY what, key, role, sort
""",
    grid_ids="int[]",
    household_ids="bigint[]",
    worker="text",
    head="text",
    secretary="text",
    central="text",
)


def people(
    conn: Connection, grid_ids: Sequence[int], household_ids: Sequence[int] = ()
) -> tuple[dict[int, list[RowMapping]], dict[int, RowMapping]]:
    """In one statement: 网格员, 网格长 and 网格党支部书记 of each grid, and the 党员中心户
    that looks after each household (when one is linked)."""
    staff: dict[int, list[RowMapping]] = {g: [] for g in grid_ids}
    central: dict[int, RowMapping] = {}
    params = {
        "grid_ids": list(grid_ids),
        "household_ids": list(household_ids),
        "worker": GRID_WORKER,
        "head": GRID_HEAD,
        "secretary": PARTY_SECRETARY,
        "central": CENTRAL_HOUSEHOLD,
    }
    for row in _PEOPLE.execute(conn, params).mappings():
        if row["what"] == "staff":
            staff[row["key"]].append(row)
        else:
            central[row["key"]] = row
    return staff, central


def grid_staff(conn: Connection, grid_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """网格员, 网格长 and 网格党支部书记 of each grid."""
    return people(conn, grid_ids)[0]
