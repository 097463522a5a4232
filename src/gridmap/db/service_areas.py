"""The ``service_areas`` cache: reading areas with the households inside them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

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
