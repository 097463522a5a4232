"""Importing a file: a staging table, set-based validation, then one upsert per table.

Rows are COPYed into a temporary ``import_rows`` table (dropped at commit).  Every check
is one UPDATE over the whole table that writes the first reason a row fails (and the field
it concerns); the rows without a reason are then written with one INSERT … ON CONFLICT or
UPDATE per target table (``import_areas.py``, ``import_points.py``).  Nothing loops over
rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from gridmap.db.bulk import copy_rows

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


@dataclass(frozen=True)
class Rejected:
    row: int
    field: str | None
    reason: str


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


def stage(conn: Connection, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """COPY prepared rows (values in ``columns`` order) into the staging table."""
    copy_rows(conn, "import_rows", columns, rows)


def analyze(conn: Connection) -> None:
    """Statistics for the staging table, so that the checks' joins get sensible plans."""
    conn.execute(text("ANALYZE import_rows"))


def reject(
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
        reject(
            conn,
            "geometry",
            "'a ' || GeometryType(geom) || ' where a point belongs'",
            "geom IS NOT NULL AND GeometryType(geom) NOT IN ('POINT', 'MULTIPOINT')",
        )
    else:
        reject(conn, "geometry", "'no geometry'", "geom IS NULL OR ST_IsEmpty(geom)")
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
        reject(
            conn,
            "geometry",
            f"'a ' || GeometryType(geom) || ' where {label} belongs'",
            f"NOT ({ok})",
        )
    reject(
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
    reject(
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
        reject(
            conn,
            "code",
            f"'{label} ' || left(code, {parent_digits}) || ' (the first {parent_digits} "
            f"digits of ' || code || ') does not exist; import {parent} first'",
            f"NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.code = left(r.code, {parent_digits}))",
        )


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
