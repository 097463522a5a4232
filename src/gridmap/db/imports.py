"""Importing a file: a staging table, set-based validation, then one upsert per table.

Rows are COPYed into a temporary ``import_rows`` table (dropped at commit).  Every check
is one UPDATE over the whole table that writes the first reason a row fails (and the field
it concerns); the rows without a reason are then written with one INSERT … ON CONFLICT or
UPDATE per target table.  Nothing here loops over rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from gridmap.db.bulk import copy_lines

SQL_TYPES = {"text": "text", "integer": "integer", "boolean": "boolean", "date": "date"}
EXTRA_COLUMNS = {
    "streets": (),
    "communities": (),
    "grids": ("old_id integer", "in_place boolean"),
    "stations": ("id integer",),
    "buildings": (
        "compound_id integer",
        "grid_id integer",
        "footprint geometry",
        "id integer",
    ),
    "households": (
        "building_id integer",
        "unit_id integer",
        "household_id bigint",
        "grid_id integer",
    ),
}
POLYGONAL = "GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')"
_PUNCT = "'\\s*[、,，;；/|]\\s*'"


@dataclass(frozen=True)
class Rejected:
    row: int
    field: str | None
    reason: str


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    rejected: list[Rejected]
    repaired: list[Rejected]
    communities: list[str]  # community codes the written rows lie in (to scope the checks)
    ids: list[int]  # ids of the written rows of point layers (stations, buildings, households)


def create_staging(conn: Connection, layer: str, fields: Sequence[tuple[str, str]]) -> None:
    """The temporary table of one import: row number, reason, geometry, the layer's fields."""
    columns = [
        "row_no integer PRIMARY KEY",
        "field text",
        "reason text",
        "note text",
        "geom geometry",
    ]
    columns += [f"{name} {SQL_TYPES[kind]}" for name, kind in fields]
    columns += list(EXTRA_COLUMNS[layer])
    conn.execute(text("DROP TABLE IF EXISTS import_rows"))
    conn.execute(text(f"CREATE TEMP TABLE import_rows ({', '.join(columns)}) ON COMMIT DROP"))


def _escape(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def stage(conn: Connection, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """COPY prepared rows (values in ``columns`` order) into the staging table."""
    lines: Iterator[str] = ("\t".join(map(_escape, row)) + "\n" for row in rows)
    copy_lines(conn, "import_rows", columns, lines)


def _reject(
    conn: Connection, field: str | None, reason_sql: str, where: str, params: dict | None = None
) -> None:
    """Give every still-valid row matching ``where`` the reason ``reason_sql``."""
    conn.execute(
        text(
            f"UPDATE import_rows r SET field = :field, reason = {reason_sql} "
            f"WHERE r.reason IS NULL AND ({where})"
        ),
        {"field": field, **(params or {})},
    )


def check_geometries(conn: Connection, shape: str, repair_max_change: float) -> None:
    """Geometry type, emptiness and validity.  An invalid polygon is repaired with
    ST_MakeValid when that is unambiguous — the repaired area equals the drawn area within
    ``repair_max_change`` (a spike, a doubled vertex, a ring touching itself) — and rejected
    otherwise (a bow-tie's lobes cancel in the drawn area: which part was meant?)."""
    if shape == "point (optional)":
        _reject(
            conn,
            "geometry",
            "'a ' || GeometryType(geom) || ' where a point belongs'",
            "geom IS NOT NULL AND GeometryType(geom) NOT IN ('POINT', 'MULTIPOINT')",
        )
    else:
        _reject(conn, "geometry", "'no geometry'", "geom IS NULL OR ST_IsEmpty(geom)")
    wanted = {
        "polygon": (POLYGONAL, "a polygon"),
        "point": ("GeometryType(geom) IN ('POINT', 'MULTIPOINT')", "a point"),
        "point or polygon": (
            f"GeometryType(geom) IN ('POINT', 'MULTIPOINT') OR {POLYGONAL}",
            "a point or a footprint polygon",
        ),
    }
    if shape in wanted:
        ok, label = wanted[shape]
        _reject(
            conn,
            "geometry",
            f"'a ' || GeometryType(geom) || ' where {label} belongs'",
            f"NOT ({ok})",
        )
    _reject(
        conn,
        "geometry",
        "'a multipoint of ' || ST_NumGeometries(geom) || ' points where one point belongs'",
        "GeometryType(geom) = 'MULTIPOINT' AND ST_NumGeometries(geom) <> 1",
    )
    conn.execute(
        text("""
        UPDATE import_rows SET geom = ST_Force2D(CASE GeometryType(geom)
            WHEN 'MULTIPOINT' THEN ST_GeometryN(geom, 1) ELSE geom END)
        WHERE reason IS NULL AND geom IS NOT NULL
    """)
    )
    conn.execute(
        text(f"""
        WITH bad AS (
            SELECT row_no, ST_IsValidDetail(geom) AS d, ST_Area(geom) AS drawn,
                   ST_CollectionExtract(ST_MakeValid(geom), 3) AS fixed
            FROM import_rows WHERE reason IS NULL AND {POLYGONAL} AND NOT ST_IsValid(geom)
        ), judged AS (
            SELECT *, NOT ST_IsEmpty(fixed)
                      AND abs(ST_Area(fixed) - drawn) <= :change * greatest(ST_Area(fixed), 1e-15)
                      AS ok,
                      (d).reason || ' at ' || round(ST_X((d).location)::numeric, 6) || ', '
                      || round(ST_Y((d).location)::numeric, 6) AS what
            FROM bad
        )
        UPDATE import_rows r SET
            geom = CASE WHEN j.ok THEN j.fixed ELSE r.geom END,
            note = CASE WHEN j.ok THEN 'repaired invalid geometry (' || j.what || ')' END,
            field = CASE WHEN NOT j.ok THEN 'geometry' END,
            reason = CASE WHEN NOT j.ok THEN 'invalid geometry (' || j.what
                          || '), and repairing it would change its area by '
                          || round((100 * abs(ST_Area(j.fixed) - j.drawn)
                                    / greatest(ST_Area(j.fixed), j.drawn, 1e-15))::numeric)
                          || '%: redraw it' END
        FROM judged j WHERE r.row_no = j.row_no
    """),
        {"change": repair_max_change},
    )
    if shape == "polygon":
        conn.execute(
            text(
                f"UPDATE import_rows SET geom = ST_Multi(geom) WHERE reason IS NULL AND {POLYGONAL}"
            )
        )


def check_codes(conn: Connection, digits: int, parent: str | None, parent_digits: int) -> None:
    """Codes of the right length, unique in the file, under an existing parent area."""
    _reject(
        conn,
        "code",
        f"'code ' || coalesce(code, '(empty)') || ' is not {digits} digits'",
        f"coalesce(code, '') !~ '^[0-9]{{{digits}}}$'",
    )
    conn.execute(
        text("""
        UPDATE import_rows r SET field = 'code',
               reason = 'code ' || r.code || ' repeats row ' || f.first
        FROM (SELECT code, min(row_no) AS first FROM import_rows WHERE reason IS NULL
              GROUP BY code HAVING count(*) > 1) f
        WHERE r.reason IS NULL AND r.code = f.code AND r.row_no > f.first
    """)
    )
    if parent:
        label = parent.rstrip("s").replace("communitie", "community")
        _reject(
            conn,
            "code",
            f"'{label} ' || left(code, {parent_digits}) || ' (the first {parent_digits} "
            f"digits of ' || code || ') does not exist; import {parent} first'",
            f"NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.code = left(r.code, {parent_digits}))",
        )


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
    _reject(
        conn, "kind", "'kind ' || kind || ' is not 综合 or 专属'", "kind NOT IN ('综合', '专属')"
    )
    _reject(
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


def resolve_community(conn: Connection) -> None:
    """The community of each point row: by its code, else by its exact name, else by where
    the point lies."""
    _reject(
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
    _reject(
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
    _reject(
        conn,
        "kind",
        "'kind ' || coalesce(kind, '(empty)') || ' is not one of: ' || "
        "(SELECT string_agg(code, ', ' ORDER BY sort) FROM station_kinds)",
        "NOT EXISTS (SELECT 1 FROM station_kinds k WHERE k.code = r.kind)",
    )
    _reject(
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
    _reject(
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
    _reject(
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
    _reject(
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
    _reject(conn, "residents", "'residents ' || residents || ' is negative'", "residents < 0")
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
    _reject(
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
    attrs = sorted(
        present
        & {
            "residents",
            "party_member",
            "hardship",
            "subsistence",
            "elderly_alone",
            "disabled",
            "rented",
            "vacant",
            "contact_name",
            "contact_phone",
        }
    )
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


def rejected(conn: Connection) -> list[Rejected]:
    rows = conn.execute(
        text(
            "SELECT row_no, field, reason FROM import_rows WHERE reason IS NOT NULL ORDER BY row_no"
        )
    )
    return [Rejected(r, f, why) for r, f, why in rows]


def repaired(conn: Connection) -> list[Rejected]:
    rows = conn.execute(
        text(
            "SELECT row_no, note FROM import_rows WHERE reason IS NULL AND note IS NOT NULL "
            "ORDER BY row_no"
        )
    )
    return [Rejected(r, "geometry", note) for r, note in rows]


def touched_communities(conn: Connection, layer: str) -> list[str]:
    """Community codes of the accepted rows (what the integrity checks look at)."""
    sql = {
        "streets": "SELECT DISTINCT c.code FROM communities c JOIN import_rows r "
        "ON left(c.code, 9) = r.code WHERE r.reason IS NULL",
        "communities": "SELECT DISTINCT code FROM import_rows WHERE reason IS NULL",
        "grids": "SELECT DISTINCT left(code, 12) FROM import_rows WHERE reason IS NULL",
        "stations": "SELECT DISTINCT community_code FROM import_rows "
        "WHERE reason IS NULL AND community_code IS NOT NULL",
        "buildings": "SELECT DISTINCT community_code FROM import_rows WHERE reason IS NULL",
        "households": "SELECT DISTINCT g.community_code FROM import_rows r JOIN grids g "
        "ON g.id = r.grid_id WHERE r.reason IS NULL",
    }[layer]
    return sorted(conn.execute(text(sql)).scalars().all())
