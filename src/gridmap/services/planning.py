"""Service areas for the API and maps: read from the cache, built on demand when missing."""

from __future__ import annotations

import json

from sqlalchemy import Connection, Engine

from gridmap.db import service_areas as db
from gridmap.errors import InvalidInput, NotFound
from gridmap.services import service_areas
from gridmap.services.service_areas import check_minutes


def service_area(engine: Engine, station_id: int, minutes: int = 15) -> dict:
    """A station's service area at ``minutes``: GeoJSON, area, households inside, and the
    straight-line circle of the same walking distance with its ratio."""
    check_minutes(minutes)
    with engine.connect() as conn:
        if not db.station_exists(conn, station_id):
            raise NotFound(f"no station with id {station_id}")
        if not db.station_on_network(conn, station_id):
            raise InvalidInput(
                f"station {station_id} is further than GRIDMAP_MAX_SNAP_M from "
                "any walkable edge: it has no network service area"
            )
        missing = db.missing(conn, [station_id], minutes)
    if missing:  # build it once, even when several requests ask at the same moment
        with engine.begin() as conn:
            db.lock_station(conn, station_id)
            if db.missing(conn, [station_id], minutes):
                service_areas.build(conn, [station_id], [minutes])
    with engine.connect() as conn:
        row = db.read(conn, [station_id], minutes)[station_id]
    return _shape(row)


def _shape(row) -> dict:  # type: ignore[no-untyped-def]
    return {
        "station_id": row["station_id"],
        "minutes": row["minutes"],
        "geometry": json.loads(row["geometry"]) if row["geometry"] else None,
        "area_m2": row["area_m2"],
        "circle": json.loads(row["circle_geometry"]),
        "circle_area_m2": row["circle_area_m2"],
        "households": row["households"],
        "households_in_circle": row["households_in_circle"],
        "network_to_circle": row["area_m2"] / row["circle_area_m2"]
        if row["circle_area_m2"]
        else None,
    }


def refresh_all(conn: Connection) -> int:
    """Rebuild every station's GB 50180 rings (5, 10, 15 minutes)."""
    return service_areas.build(conn)
