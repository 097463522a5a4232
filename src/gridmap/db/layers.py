"""Map layers as GeoJSON FeatureCollections, each built by one SQL statement.

Coordinates are rounded to 5 decimals (~1 m); service areas are simplified by ~2 m.  Which
personal data a layer carries is decided by the caller (``personal``): names, phones and
per-household sensitive flags are never selected for the public.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from gridmap.domain.hierarchy import BLUE_FLAGS, GRID_WORKER, RED_FLAGS, YELLOW_FLAGS
from gridmap.geo import crs

Collection = dict[str, Any]
_DIGITS = 5
_SIMPLIFY = 0.00002  # degrees (~2 m): service areas lose vertices no map can show


def _collection(conn: Connection, sql: str, params: dict) -> Collection:
    wrapped = f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features',
                                 coalesce(json_agg(f.feature), '[]'::json))::text
        FROM ({sql}) f
    """
    return json.loads(conn.execute(text(wrapped), params).scalar_one())


def _feature(geom: str, properties: str) -> str:
    return (
        f"json_build_object('type', 'Feature', 'geometry', "
        f"ST_AsGeoJSON({geom}, {_DIGITS})::json, 'properties', {properties}) AS feature"
    )


def outlines(conn: Connection, table: str, area_code: str) -> Collection:
    """Streets or communities within (or holding) the area, as outlines."""
    sql = f"""SELECT {_feature("geom", "json_build_object('code', code, 'name', name)")}
              FROM {table} WHERE code LIKE :area || '%' OR :area LIKE code || '%'"""
    return _collection(conn, sql, {"area": area_code})


def grids(
    conn: Connection, area_code: str, positions: list[int], meters: float, personal: bool
) -> Collection:
    """Current grids of the area with households, and the share within reach of every kind."""
    every = " AND ".join(f"w.meters[{p}] <= :d" for p in positions) or "true"
    worker = (
        (
            "(SELECT string_agg(p.name, '、') FROM people p WHERE p.grid_id = g.id "
            "AND p.role = :worker)"
        )
        if personal
        else "NULL"
    )
    props = f"""json_build_object('code', g.code, 'name', g.name, 'kind', g.kind,
                'worker', {worker}, 'households', c.total,
                'ratio', CASE WHEN c.total > 0 THEN round(c.covered::numeric / c.total, 3) END)"""
    sql = f"""
        SELECT {_feature("g.geom", props)}
        FROM grids g
        LEFT JOIN LATERAL (
            SELECT count(*) AS total, count(*) FILTER (WHERE {every}) AS covered
            FROM household_walks w WHERE w.grid_code = g.code
        ) c ON true
        WHERE g.valid_to IS NULL AND g.code LIKE :area || '%'
    """
    return _collection(conn, sql, {"area": area_code, "d": meters, "worker": GRID_WORKER})


def stations(conn: Connection, area_code: str, margin_m: float) -> Collection:
    """Stations in the area or within ``margin_m`` of it, with the households of the area
    whose nearest station of that kind each one is."""
    props = """json_build_object('id', s.id, 'kind', s.kind, 'name', s.name,
               'address', s.address, 'services', array_to_string(s.services, '、'),
               'hours', s.opening_hours, 'households', coalesce(served.n, 0))"""
    sql = f"""
        SELECT {_feature("s.geom", props)} FROM stations s
        LEFT JOIN (SELECT sid, count(*) AS n FROM household_walks w, unnest(w.stations) sid
                   WHERE w.grid_code LIKE :area || '%' GROUP BY sid) served
               ON served.sid = s.id
        WHERE EXISTS (
            SELECT 1 FROM {_area_table(area_code)} a WHERE a.code = :area
            AND (ST_Intersects(a.geom, s.geom)  -- planar and cached; metres only near the edge
                 OR (ST_Expand(a.geom, :degrees) && s.geom
                     AND ST_DWithin(a.geom::geography, s.geom::geography, :margin))))
    """
    params = {"area": area_code, "margin": margin_m, "degrees": crs.degrees_covering(margin_m)}
    return _collection(conn, sql, params)


def service_areas(
    conn: Connection, station_ids: list[int], minutes: int, circle: bool
) -> Collection:
    column = "sa.circle" if circle else "sa.geom"
    geom = f"ST_SimplifyPreserveTopology({column}, {_SIMPLIFY})"
    props = "json_build_object('station', s.name, 'kind', s.kind, 'minutes', sa.minutes)"
    sql = f"""SELECT {_feature(geom, props)} FROM service_areas sa
              JOIN stations s ON s.id = sa.station_id
              WHERE sa.station_id = ANY(:ids) AND sa.minutes = :m AND {column} IS NOT NULL"""
    return _collection(conn, sql, {"ids": station_ids, "m": minutes})


def _colour_sql() -> str:
    blue = " OR ".join(f"h.{f}" for f in BLUE_FLAGS)
    red = " OR ".join(f"h.{f}" for f in RED_FLAGS)
    yellow = " OR ".join(f"h.{f}" for f in YELLOW_FLAGS)
    return (
        f"CASE WHEN {blue} THEN 'blue' WHEN {red} THEN 'red' "
        f"WHEN {yellow} THEN 'yellow' ELSE 'grey' END"
    )


def households(conn: Connection, area_code: str, positions: list[int], meters: float) -> Collection:
    """Staff only: every household with its 分级分色 colour and whether it is covered."""
    every = " AND ".join(f"w.meters[{p}] <= :d" for p in positions) or "true"
    props = f"""json_build_object('c', {_colour_sql()}, 'r', b.number || '-' ||
                coalesce(u.number || '-', '') || h.room, 'u', NOT coalesce({every}, false))"""
    sql = f"""
        SELECT {_feature("h.geom", props)}
        FROM household_walks w JOIN households h ON h.id = w.household_id
        JOIN buildings b ON b.id = h.building_id LEFT JOIN units u ON u.id = h.unit_id
        WHERE w.grid_code LIKE :area || '%'
    """
    return _collection(conn, sql, {"area": area_code, "d": meters})


def buildings(conn: Connection, area_code: str, positions: list[int], meters: float) -> Collection:
    """Public: households as counts per building (no sensitive flags, no names)."""
    every = " AND ".join(f"w.meters[{p}] <= :d" for p in positions) or "true"
    red = " OR ".join(f"h.{f}" for f in RED_FLAGS)
    yellow = " OR ".join(f"h.{f}" for f in YELLOW_FLAGS)
    props = f"""json_build_object('name', coalesce(cp.name, '') || b.number || '栋',
                'households', count(*), 'red', count(*) FILTER (WHERE {red}),
                'yellow', count(*) FILTER (WHERE {yellow}),
                'uncovered', count(*) FILTER (WHERE NOT coalesce({every}, false)))"""
    sql = f"""
        SELECT {_feature("b.geom", props)}
        FROM household_walks w JOIN households h ON h.id = w.household_id
        JOIN buildings b ON b.id = h.building_id LEFT JOIN compounds cp ON cp.id = b.compound_id
        WHERE w.grid_code LIKE :area || '%'
        GROUP BY b.id, b.geom, cp.name, b.number
    """
    return _collection(conn, sql, {"area": area_code, "d": meters})


def _area_table(code: str) -> str:
    return {6: "districts", 9: "streets", 12: "communities", 15: "grids"}[len(code)]


def area_name(conn: Connection, code: str) -> str | None:
    extra = " AND valid_to IS NULL" if len(code) == 15 else ""
    return conn.execute(
        text(f"SELECT name FROM {_area_table(code)} WHERE code = :c{extra}"), {"c": code}
    ).scalar()


def area_bounds(conn: Connection, code: str) -> list[list[float]]:
    extra = " AND valid_to IS NULL" if len(code) == 15 else ""
    west, south, east, north = conn.execute(
        text(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            f"(SELECT ST_Extent(geom) AS e FROM {_area_table(code)} WHERE code = :c{extra}) x"
        ),
        {"c": code},
    ).one()
    return [[south, west], [north, east]]


def area_codes(conn: Connection, levels: Sequence[str]) -> list[str]:
    """The codes of every area of the given levels (district, street, community, grid)."""
    tables = {"district": "districts", "street": "streets", "community": "communities"}
    union = " UNION ALL ".join(
        f"SELECT code FROM {tables[lv]}"
        if lv in tables
        else "SELECT code FROM grids WHERE valid_to IS NULL"
        for lv in levels
    )
    return list(conn.execute(text(union + " ORDER BY 1")).scalars())
