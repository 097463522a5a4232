"""Queries over the area hierarchy (districts, streets, communities, grids), batched by code."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer, Text

from gridmap.domain.hierarchy import FLAGS

LEVELS = {  # level -> (table, parent column, child level)
    "district": ("districts", None, "street"),
    "street": ("streets", "district_code", "community"),
    "community": ("communities", "street_code", "grid"),
    "grid": ("grids", "community_code", None),
}
GRID_COLUMNS = (
    "g.id, g.code, g.name, g.kind, g.category, g.responsible_body, g.area_m2, g.community_code, "
    "g.valid_from, g.valid_to"
)
_CODES = bindparam("codes", type_=ARRAY(Text))


def _table(level: str) -> str:
    return LEVELS[level][0]


def areas_by_code(conn: Connection, level: str, codes: Sequence[str]) -> dict[str, RowMapping]:
    """Areas of one level by code (grids: the current version)."""
    if level == "grid":
        sql = (
            f"SELECT {GRID_COLUMNS} FROM grids g WHERE g.code = ANY(:codes) AND g.valid_to IS NULL"
        )
    else:
        parent = LEVELS[level][1]
        extra = ", city, province" if level == "district" else f", {parent} AS parent_code"
        sql = f"SELECT code, name{extra} FROM {_table(level)} WHERE code = ANY(:codes)"
    rows = conn.execute(text(sql).bindparams(_CODES), {"codes": list(codes)}).mappings()
    return {r["code"]: r for r in rows}


def areas_m2(conn: Connection, level: str, codes: Sequence[str]) -> dict[str, float]:
    """Area in square metres of each district, street or community."""
    sql = text(
        f"SELECT code, ST_Area(geom::geography) FROM {_table(level)} WHERE code = ANY(:codes)"
    ).bindparams(_CODES)
    return dict(conn.execute(sql, {"codes": list(codes)}).all())


def grids_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, RowMapping]:
    sql = text(f"SELECT {GRID_COLUMNS} FROM grids g WHERE g.id = ANY(:ids)").bindparams(
        bindparam("ids", type_=ARRAY(Integer))
    )
    return {r["id"]: r for r in conn.execute(sql, {"ids": list(ids)}).mappings()}


def children(conn: Connection, level: str, parent_codes: Sequence[str]) -> dict[str, list[str]]:
    """Codes of the children of each parent area, ordered by code."""
    child = LEVELS[level][2]
    if child is None:
        return {c: [] for c in parent_codes}
    table, parent_column, _ = LEVELS[child]
    current = " AND valid_to IS NULL" if child == "grid" else ""
    sql = text(
        f"SELECT {parent_column} AS parent, code FROM {table} "
        f"WHERE {parent_column} = ANY(:codes){current} ORDER BY code"
    ).bindparams(_CODES)
    found: dict[str, list[str]] = {c: [] for c in parent_codes}
    for parent, code in conn.execute(sql, {"codes": list(parent_codes)}):
        found[parent].append(code)
    return found


def geojson(conn: Connection, level: str, codes: Sequence[str]) -> dict[str, str]:
    """GeoJSON geometry text of each area, coordinates to 6 decimals (~0.1 m)."""
    current = " AND valid_to IS NULL" if level == "grid" else ""
    sql = text(
        f"SELECT code, ST_AsGeoJSON(geom, 6) FROM {_table(level)} WHERE code = ANY(:codes){current}"
    ).bindparams(_CODES)
    return dict(conn.execute(sql, {"codes": list(codes)}).all())


def household_counts(conn: Connection, codes: Sequence[str]) -> dict[str, RowMapping]:
    """Households, residents and each flag's count for areas of any level (by code prefix)."""
    flag_sums = ", ".join(f"count(*) FILTER (WHERE h.{f}) AS {f}" for f in FLAGS)
    sql = text(f"""
        SELECT a.code, count(h.id) AS total, coalesce(sum(h.residents), 0) AS residents,
               {flag_sums}
        FROM unnest(:codes) AS a(code)
        LEFT JOIN grids g ON left(g.code, length(a.code)) = a.code AND g.valid_to IS NULL
        LEFT JOIN households h ON h.grid_id = g.id
        GROUP BY a.code
    """).bindparams(_CODES)
    return {r["code"]: r for r in conn.execute(sql, {"codes": list(codes)}).mappings()}


def grid_stations(conn: Connection, grid_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """The stations that serve each grid."""
    sql = text("""
        SELECT sg.grid_id, s.id, s.kind, s.name, s.address, s.services, s.opening_hours,
               s.community_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM station_grids sg JOIN stations s ON s.id = sg.station_id
        WHERE sg.grid_id = ANY(:ids) ORDER BY sg.grid_id, s.kind, s.id
    """).bindparams(bindparam("ids", type_=ARRAY(Integer)))
    found: dict[int, list[RowMapping]] = {g: [] for g in grid_ids}
    for row in conn.execute(sql, {"ids": list(grid_ids)}).mappings():
        found[row["grid_id"]].append(row)
    return found


def table_counts(conn: Connection) -> dict[str, int]:
    """Row counts of the main tables, for the health check."""
    tables = (
        "districts",
        "streets",
        "communities",
        "grids",
        "households",
        "stations",
        "road_edges",
    )
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return {name: count for name, count in conn.execute(text(sql))}


def default_district(conn: Connection) -> str | None:
    return conn.execute(text("SELECT min(code) FROM districts")).scalar_one()


def community_stations(conn: Connection, codes: Sequence[str]) -> dict[str, list[RowMapping]]:
    """The stations of each community."""
    sql = text("""
        SELECT s.id, s.kind, s.name, s.address, s.services, s.opening_hours, s.community_code,
               ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM stations s WHERE s.community_code = ANY(:codes) ORDER BY s.kind, s.id
    """).bindparams(_CODES)
    found: dict[str, list[RowMapping]] = {c: [] for c in codes}
    for row in conn.execute(sql, {"codes": list(codes)}).mappings():
        found[row["community_code"]].append(row)
    return found
