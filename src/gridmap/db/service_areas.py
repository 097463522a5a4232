"""Service areas (walking isochrones) built in SQL from the cached station reach.

An edge is in the area as far as it can be walked: whole when the walks in from its two ends
meet, otherwise the reachable stretch from each end (``ST_LineSubstring``); the station's own
edge counts from the station outwards.  The stretches are buffered (the ground beside a
walkable path is reachable too) and unioned; the straight-line circle of the same distance is
stored beside it for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

_IDS = bindparam("ids", type_=ARRAY(Integer))

_COMPUTE = text("""
    WITH s AS (
        SELECT st.id AS station_id, st.geom, se.edge_id, se.fraction, se.snap_m
        FROM stations st LEFT JOIN station_edges se ON se.station_id = st.id
        WHERE st.id = ANY(:ids)
    ), r AS (
        SELECT sr.station_id, sr.node_id, sr.meters FROM station_reach sr
        WHERE sr.station_id = ANY(:ids) AND sr.meters <= :d
    ), ends AS (
        SELECT r.station_id, e.id, :d - r.meters AS left_m, 'source' AS side
        FROM r JOIN road_edges e ON e.source = r.node_id
        UNION ALL
        SELECT r.station_id, e.id, :d - r.meters, 'target'
        FROM r JOIN road_edges e ON e.target = r.node_id
    ), edges AS (
        SELECT station_id, id, max(left_m) FILTER (WHERE side = 'source') AS from_source,
               max(left_m) FILTER (WHERE side = 'target') AS from_target
        FROM ends GROUP BY station_id, id
    ), stretches AS (
        SELECT x.station_id, CASE
            WHEN coalesce(x.from_source, 0) + coalesce(x.from_target, 0) >= e.length_m THEN e.geom
            ELSE ST_Collect(
                CASE WHEN x.from_source > 0
                     THEN ST_LineSubstring(e.geom, 0, least(1, x.from_source / e.length_m)) END,
                CASE WHEN x.from_target > 0
                     THEN ST_LineSubstring(e.geom, greatest(0, 1 - x.from_target / e.length_m), 1)
                END)
            END AS geom
        FROM edges x JOIN road_edges e ON e.id = x.id
        WHERE e.length_m > 0
        UNION ALL
        SELECT s.station_id, ST_LineSubstring(e.geom,
                   greatest(0, s.fraction - (:d - s.snap_m) / e.length_m),
                   least(1, s.fraction + (:d - s.snap_m) / e.length_m))
        FROM s JOIN road_edges e ON e.id = s.edge_id
        WHERE s.snap_m < :d AND e.length_m > 0
    ), areas AS (
        SELECT station_id,
               ST_Multi(ST_CollectionExtract(ST_Buffer(ST_Collect(geom)::geography, :buffer, 4)
                                             ::geometry, 3)) AS geom
        FROM stretches WHERE geom IS NOT NULL GROUP BY station_id
    )
    INSERT INTO service_areas (station_id, minutes, geom, area_m2, circle, circle_area_m2)
    SELECT s.station_id, :minutes, a.geom, coalesce(ST_Area(a.geom::geography), 0),
           c.circle, ST_Area(c.circle::geography)
    FROM s LEFT JOIN areas a ON a.station_id = s.station_id
    CROSS JOIN LATERAL (SELECT ST_Buffer(s.geom::geography, :d, 16)::geometry AS circle) c
    ON CONFLICT (station_id, minutes) DO UPDATE SET geom = EXCLUDED.geom,
        area_m2 = EXCLUDED.area_m2, circle = EXCLUDED.circle,
        circle_area_m2 = EXCLUDED.circle_area_m2
""").bindparams(_IDS)


def compute(conn: Connection, station_ids: Sequence[int], minutes: int, meters: float,
            buffer_m: float) -> None:
    """(Re)compute the service areas of these stations at ``minutes`` (= ``meters`` walked)."""
    conn.execute(_COMPUTE, {"ids": list(station_ids), "minutes": minutes, "d": meters,
                            "buffer": buffer_m})


def clear(conn: Connection) -> None:
    conn.execute(text("TRUNCATE service_areas"))


def all_station_ids(conn: Connection) -> list[int]:
    return list(conn.execute(text("SELECT id FROM stations ORDER BY id")).scalars())


_READ = text("""
    SELECT sa.station_id, sa.minutes, ST_AsGeoJSON(sa.geom, 6) AS geometry, sa.area_m2,
           ST_AsGeoJSON(sa.circle, 6) AS circle_geometry, sa.circle_area_m2,
           (SELECT count(*) FROM households h WHERE ST_Intersects(h.geom, sa.geom))
               AS households,
           (SELECT count(*) FROM households h WHERE ST_Intersects(h.geom, sa.circle))
               AS households_in_circle
    FROM service_areas sa WHERE sa.station_id = ANY(:ids) AND sa.minutes = :minutes
""").bindparams(_IDS)


def read(conn: Connection, station_ids: Sequence[int], minutes: int) -> dict[int, RowMapping]:
    """Cached service areas with their GeoJSON and the households inside each."""
    rows = conn.execute(_READ, {"ids": list(station_ids), "minutes": minutes}).mappings().all()
    return {r["station_id"]: r for r in rows}


def missing(conn: Connection, station_ids: Sequence[int], minutes: int) -> list[int]:
    """Stations among these whose service area at ``minutes`` is not cached yet."""
    sql = text("""SELECT s.id FROM unnest(:ids) AS s(id) WHERE NOT EXISTS (
                  SELECT 1 FROM service_areas sa WHERE sa.station_id = s.id
                  AND sa.minutes = :minutes)""").bindparams(_IDS)
    return list(conn.execute(sql, {"ids": list(station_ids), "minutes": minutes}).scalars())


def delete_for_stations(conn: Connection, station_ids: Sequence[int]) -> None:
    conn.execute(text("DELETE FROM service_areas WHERE station_id = ANY(:ids)").bindparams(_IDS),
                 {"ids": list(station_ids)})
