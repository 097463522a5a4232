"""The ``service_areas`` cache: the stations and edges it is built from, writing the rings,
and reading them with the households inside."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, Row, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from gridmap.db.bulk import copy_lines

_IDS = bindparam("ids", type_=ARRAY(Integer))


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


def delete_rings(conn: Connection, station_ids: Sequence[int], minutes: Sequence[int]) -> None:
    """Drop the cached rings ``minutes`` of these stations (other rings stay)."""
    sql = text(
        "DELETE FROM service_areas WHERE station_id = ANY(:ids) AND minutes = ANY(:minutes)"
    ).bindparams(_IDS)
    conn.execute(sql, {"ids": list(station_ids), "minutes": list(minutes)})


def lock_station(conn: Connection, station_id: int) -> None:
    """Serialise on-demand builds of one station's areas (until the transaction ends)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(8215, :s)"), {"s": station_id})


def station_exists(conn: Connection, station_id: int) -> bool:
    return conn.execute(
        text("SELECT EXISTS (SELECT 1 FROM stations WHERE id = :s)"), {"s": station_id}
    ).scalar_one()


def station_on_network(conn: Connection, station_id: int) -> bool:
    return conn.execute(
        text("SELECT EXISTS (SELECT 1 FROM station_edges WHERE station_id = :s)"), {"s": station_id}
    ).scalar_one()


def attached_stations(conn: Connection, station_ids: Sequence[int] | None) -> list[RowMapping]:
    """These stations (None: all) with their position and the edge they join, by id."""
    return list(
        conn.execute(
            text("""
        SELECT st.id, ST_X(st.geom) AS lon, ST_Y(st.geom) AS lat, se.edge_id, se.fraction,
               se.snap_m, e.source, e.target, e.length_m
        FROM stations st JOIN station_edges se ON se.station_id = st.id
        JOIN road_edges e ON e.id = se.edge_id
        WHERE CAST(:ids AS int[]) IS NULL OR st.id = ANY(:ids) ORDER BY st.id
    """),
            {"ids": list(station_ids) if station_ids is not None else None},
        )
        .mappings()
        .all()
    )


def edge_geometries(
    conn: Connection, station_ids: Sequence[int] | None, within_deg: float
) -> list[Row]:
    """(edge id, WKB) of every road edge, or for some stations only of the edges within
    ``within_deg`` degrees of their extent."""
    near = (
        ""
        if station_ids is None
        else (
            "WHERE geom && (SELECT ST_Expand(ST_Extent(geom), :deg) FROM stations"
            " WHERE id = ANY(:ids))"
        )
    )
    return list(
        conn.execute(
            text(f"SELECT id, ST_AsBinary(geom) FROM road_edges {near}"),
            {"ids": list(station_ids or []), "deg": within_deg},
        ).all()
    )


def write_rings(
    conn: Connection,
    lines: Iterator[str],
    station_ids: Sequence[int],
    minutes: Sequence[int],
    meters_per_minute: float,
) -> None:
    """COPY the service areas (``lines``), then measure them and draw each one's straight-line
    circle of the same walking distance."""
    copy_lines(
        conn,
        "service_areas",
        ("station_id", "minutes", "geom", "area_m2", "circle", "circle_area_m2"),
        lines,
    )
    conn.execute(
        text("""
        UPDATE service_areas sa SET area_m2 = coalesce(ST_Area(sa.geom::geography), 0),
               circle = c.circle, circle_area_m2 = ST_Area(c.circle::geography)
        FROM (SELECT x.station_id, x.minutes,
                     ST_Buffer(s.geom::geography, x.minutes * :per_minute, 16)::geometry AS circle
              FROM service_areas x JOIN stations s ON s.id = x.station_id
              WHERE x.station_id = ANY(:ids) AND x.minutes = ANY(:minutes)) c
        WHERE c.station_id = sa.station_id AND c.minutes = sa.minutes
    """),
        {"ids": list(station_ids), "minutes": list(minutes), "per_minute": meters_per_minute},
    )
