"""Stations within reach of points: candidates by distance, and the nearest of every kind."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Double, Integer

_STATIONS_NEAR = text("""
    WITH p AS (
        SELECT idx - 1 AS idx, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom
        FROM unnest(:lons, :lats) WITH ORDINALITY AS t(lon, lat, idx)
    ), candidates AS (
        SELECT p.idx, s.id FROM p JOIN stations s
          ON ST_DWithin(s.geom::geography, p.geom::geography, :radius)
        UNION
        SELECT p.idx, n.id FROM p CROSS JOIN station_kinds k
        CROSS JOIN LATERAL (
            SELECT s.id FROM stations s WHERE s.kind = k.code
            ORDER BY s.geom <-> p.geom LIMIT 1
        ) n
    )
    SELECT c.idx, s.id, s.kind, s.name, s.address, s.services, s.opening_hours,
           s.community_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
           ST_Distance(s.geom::geography, p.geom::geography) AS straight_m
    FROM candidates c JOIN p ON p.idx = c.idx JOIN stations s ON s.id = c.id
    ORDER BY c.idx, straight_m
""").bindparams(bindparam("lons", type_=ARRAY(Double)), bindparam("lats", type_=ARRAY(Double)))


def stations_near(
    conn: Connection, lons: Sequence[float], lats: Sequence[float], radius_m: float
) -> list[list[RowMapping]]:
    """Per point: stations within ``radius_m`` in a straight line plus the nearest of each
    kind, nearest first, with their straight-line distance ``straight_m``."""
    found: list[list[RowMapping]] = [[] for _ in lons]
    rows = conn.execute(
        _STATIONS_NEAR, {"lons": list(lons), "lats": list(lats), "radius": radius_m}
    )
    for row in rows.mappings():
        found[row["idx"]].append(row)
    return found


_STATIONS_BY_ID = text("""
    SELECT s.id, s.kind, s.name, s.address, s.services, s.opening_hours, s.community_code,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
    FROM stations s WHERE s.id = ANY(:ids)
""").bindparams(bindparam("ids", type_=ARRAY(Integer)))


def stations_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, RowMapping]:
    return {r["id"]: r for r in conn.execute(_STATIONS_BY_ID, {"ids": list(ids)}).mappings()}
