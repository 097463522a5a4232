"""Writing staged stations, buildings and households (see ``db/imports.py`` for the staging).

Each point row gets its community (by code, name or location) and, for buildings and
households, the current grid it lies in; a row matching an existing record (station of the
same kind and name, building of the same compound and number, household of the same
building, unit and room) updates it, with only the columns the file has.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gridmap.db.households import WRITABLE
from gridmap.db.imports import POLYGONAL, reject

_PUNCT = "'\\s*[、,，;；/|]\\s*'"


def resolve_community(conn: Connection) -> None:
    """The community of each point row: by its code, else by its exact name, else by where
    the point lies."""
    reject(
        conn,
        "community_code",
        "'community ' || community_code || ' does not exist'",
        "community_code IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM communities c WHERE c.code = r.community_code)",
    )
    conn.execute(
        text("""
        UPDATE import_rows r SET community_code = c.code
        FROM (SELECT name, min(code) AS code, count(*) AS n FROM communities GROUP BY name) c
        WHERE r.reason IS NULL AND r.community_code IS NULL AND c.name = r.community_name
          AND c.n = 1
    """)
    )
    reject(
        conn,
        "community_name",
        "'no single community is called ' || community_name",
        "community_code IS NULL AND community_name IS NOT NULL",
    )
    conn.execute(
        text("""
        UPDATE import_rows r SET community_code = (
            SELECT c.code FROM communities c WHERE ST_Intersects(c.geom, r.geom)
            ORDER BY c.code LIMIT 1)
        WHERE r.reason IS NULL AND r.community_code IS NULL
    """)
    )


def write_stations(conn: Connection, present: set[str]) -> tuple[int, int, list[int]]:
    """Stations: a station of the same kind and name is moved and updated, others added; the
    grids each serves are those of its community near it (as for the demo)."""
    conn.execute(
        text("""
        UPDATE import_rows r SET kind = k.code FROM station_kinds k
        WHERE r.reason IS NULL AND lower(r.kind) = lower(k.name_en)
    """)
    )
    reject(
        conn,
        "kind",
        "'kind ' || coalesce(kind, '(empty)') || ' is not one of: ' || "
        "(SELECT string_agg(code, ', ' ORDER BY sort) FROM station_kinds)",
        "NOT EXISTS (SELECT 1 FROM station_kinds k WHERE k.code = r.kind)",
    )
    reject(
        conn,
        "name",
        "'name repeats row ' || (SELECT min(o.row_no) FROM import_rows o "
        "WHERE o.kind = r.kind AND o.name = r.name)",
        "EXISTS (SELECT 1 FROM import_rows o WHERE o.kind = r.kind AND o.name = r.name "
        "AND o.row_no < r.row_no AND o.reason IS NULL)",
    )
    resolve_community(conn)
    conn.execute(
        text("""
        UPDATE import_rows r SET id = s.id FROM (
            SELECT kind, name, min(id) AS id FROM stations GROUP BY kind, name) s
        WHERE r.reason IS NULL AND s.kind = r.kind AND s.name = r.name
    """)
    )
    services = f"regexp_split_to_array(r.services, {_PUNCT})"
    values = {
        "address": "r.address",
        "services": f"coalesce({services}, '{{}}')",
        "opening_hours": "r.opening_hours",
    }
    keep = [f for f in values if f in present]
    sets = ", ".join(
        [f"{f} = {values[f]}" for f in keep]
        + ["community_code = r.community_code", "geom = r.geom"]
    )
    updated = (
        conn.execute(
            text(f"""
        UPDATE stations s SET {sets} FROM import_rows r
        WHERE r.reason IS NULL AND s.id = r.id RETURNING s.id
    """)
        )
        .scalars()
        .all()
    )
    cols = ", ".join(keep)
    new = (
        conn.execute(
            text(f"""
        INSERT INTO stations (kind, name, community_code, geom{", " + cols if cols else ""})
        SELECT r.kind, r.name, r.community_code, r.geom
               {", " + ", ".join(values[f] for f in keep) if keep else ""}
        FROM import_rows r WHERE r.reason IS NULL AND r.id IS NULL
        RETURNING id
    """)
        )
        .scalars()
        .all()
    )
    ids = list(updated) + list(new)
    return len(new), len(updated), ids


def write_buildings(conn: Connection, present: set[str]) -> tuple[int, int, list[int]]:
    """Buildings: placed in the grid they lie in; their compound found by name in their
    community, or created around them (convex hull, 15 m margin) when the district has no
    outline for it yet; a building with the same compound and number is updated."""
    reject(
        conn,
        "geometry",
        "'a footprint must be one polygon, not ' || ST_NumGeometries(geom)",
        "GeometryType(geom) = 'MULTIPOLYGON' AND ST_NumGeometries(geom) > 1",
    )
    conn.execute(
        text(f"""
        UPDATE import_rows SET footprint = ST_GeometryN(ST_Multi(geom), 1),
                               geom = ST_PointOnSurface(geom)
        WHERE reason IS NULL AND {POLYGONAL}
    """)
    )
    resolve_community(conn)
    _assign_grids(conn)
    reject(
        conn,
        "number",
        "'building ' || number || ' of ' || compound || ' repeats row ' || "
        "(SELECT min(o.row_no) FROM import_rows o WHERE o.community_code = r.community_code "
        "AND o.compound = r.compound AND o.number = r.number)",
        "EXISTS (SELECT 1 FROM import_rows o WHERE o.community_code = r.community_code "
        "AND o.compound = r.compound AND o.number = r.number AND o.row_no < r.row_no "
        "AND o.reason IS NULL)",
    )
    match_compounds = """
        UPDATE import_rows r SET compound_id = c.id FROM (
            SELECT community_code, name, min(id) AS id FROM compounds GROUP BY 1, 2) c
        WHERE r.reason IS NULL AND r.compound_id IS NULL AND c.community_code = r.community_code
          AND c.name IN (r.compound, r.compound || '小区', regexp_replace(r.compound, '小区$', ''))
    """
    conn.execute(text(match_compounds))
    conn.execute(
        text("""
        INSERT INTO compounds (community_code, name, geom)
        SELECT community_code, compound,
               ST_Multi(ST_ConvexHull(ST_Buffer(ST_Collect(geom)::geography, 15)::geometry))
        FROM import_rows WHERE reason IS NULL AND compound_id IS NULL
        GROUP BY community_code, compound
    """)
    )
    conn.execute(text(match_compounds))
    conn.execute(
        text("""
        UPDATE import_rows r SET id = b.id FROM buildings b
        WHERE r.reason IS NULL AND b.compound_id = r.compound_id AND b.number = r.number
    """)
    )
    sets = ", ".join(
        ["floors = r.floors"] * ("floors" in present)
        + ["footprint = r.footprint", "geom = r.geom", "grid_id = r.grid_id"]
    )
    updated = (
        conn.execute(
            text(f"""
        UPDATE buildings b SET {sets} FROM import_rows r
        WHERE r.reason IS NULL AND b.id = r.id RETURNING b.id
    """)
        )
        .scalars()
        .all()
    )
    new = (
        conn.execute(
            text("""
        INSERT INTO buildings (compound_id, grid_id, number, floors, footprint, geom)
        SELECT compound_id, grid_id, number, floors, footprint, geom
        FROM import_rows WHERE reason IS NULL AND id IS NULL RETURNING id
    """)
        )
        .scalars()
        .all()
    )
    return len(new), len(updated), list(updated) + list(new)


def _assign_grids(conn: Connection, hint: str = "NULL::integer") -> None:
    """The current grid each point lies in (``hint`` first: usually its building's grid,
    which saves the index probe); a point in no grid is rejected with where it is."""
    conn.execute(
        text(f"""
        UPDATE import_rows r SET grid_id = coalesce(
            (SELECT g.id FROM grids g WHERE g.id = {hint} AND ST_Intersects(g.geom, r.geom)),
            (SELECT g.id FROM grids g WHERE g.valid_to IS NULL AND ST_Intersects(g.geom, r.geom)
             ORDER BY g.id LIMIT 1))
        WHERE r.reason IS NULL
    """)
    )
    reject(
        conn,
        "geometry",
        "'the point ' || round(ST_X(geom)::numeric, 6) || ', ' || round(ST_Y(geom)::numeric, 6)"
        " || ' lies in no grid (check the coordinates and their CRS)'",
        "grid_id IS NULL",
    )


def write_households(conn: Connection, present: set[str]) -> tuple[int, int, list[int]]:
    """Households (their building already matched): placed at their own point or their
    building's, in the grid they lie in; units created as needed; the household with the
    same building, unit and room is updated."""
    conn.execute(
        text("""
        UPDATE import_rows r SET geom = b.geom FROM buildings b
        WHERE r.reason IS NULL AND r.geom IS NULL AND b.id = r.building_id
    """)
    )
    reject(conn, "residents", "'residents ' || residents || ' is negative'", "residents < 0")
    conn.execute(
        text("""
        INSERT INTO units (building_id, number)
        SELECT DISTINCT building_id, unit FROM import_rows WHERE reason IS NULL AND unit IS NOT NULL
        ON CONFLICT (building_id, number) DO NOTHING
    """)
    )
    conn.execute(
        text("""
        UPDATE import_rows r SET unit_id = u.id FROM units u
        WHERE r.reason IS NULL AND u.building_id = r.building_id AND u.number = r.unit
    """)
    )
    reject(
        conn,
        "room",
        "'building ' || building_id || ', unit ' || coalesce(unit, '-') || "
        "', room ' || room || ' repeats row ' || (SELECT min(o.row_no) FROM import_rows o "
        "WHERE o.building_id = r.building_id AND o.unit_id IS NOT DISTINCT FROM r.unit_id "
        "AND o.room = r.room)",
        "EXISTS (SELECT 1 FROM import_rows o WHERE o.building_id = r.building_id "
        "AND o.unit_id IS NOT DISTINCT FROM r.unit_id AND o.room = r.room "
        "AND o.row_no < r.row_no)",
    )
    hint = "(SELECT b.grid_id FROM buildings b WHERE b.id = r.building_id)"
    _assign_grids(conn, hint)
    conn.execute(
        text("""
        UPDATE import_rows r SET household_id = h.id FROM households h
        WHERE r.reason IS NULL AND h.building_id = r.building_id
          AND h.unit_id IS NOT DISTINCT FROM r.unit_id AND h.room = r.room
    """)
    )
    attrs = sorted(present & set(WRITABLE))
    values = {a: (f"coalesce(r.{a}, 1)" if a == "residents" else f"r.{a}") for a in attrs}
    sets = ", ".join(
        [f"{a} = {v}" for a, v in values.items()] + ["geom = r.geom", "grid_id = r.grid_id"]
    )
    updated = (
        conn.execute(
            text(f"""
        UPDATE households h SET {sets} FROM import_rows r
        WHERE r.reason IS NULL AND h.id = r.household_id RETURNING h.id
    """)
        )
        .scalars()
        .all()
    )
    cols = "".join(f", {a}" for a in attrs)
    new = (
        conn.execute(
            text(f"""
        INSERT INTO households (building_id, unit_id, grid_id, room, geom{cols})
        SELECT r.building_id, r.unit_id, r.grid_id, r.room, r.geom
               {"".join(", " + v for v in values.values())}
        FROM import_rows r WHERE r.reason IS NULL AND r.household_id IS NULL RETURNING id
    """)
        )
        .scalars()
        .all()
    )
    return len(new), len(updated), list(updated) + list(new)
