"""Service areas for the API and maps: read from the cache, built on demand when missing."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Connection

from gridmap.db import network
from gridmap.db import service_areas as db
from gridmap.domain.walking import check_minutes
from gridmap.errors import InvalidInput, NotFound
from gridmap.services import service_areas
from gridmap.services.scope import Scope, maintenance
from gridmap.services.walking import ReachStats, refresh_reach

log = logging.getLogger(__name__)


class Refreshed(NamedTuple):
    ready: bool  # a network and stations to walk between
    reach: ReachStats | None
    service_areas: int


def service_area(scope: Scope, station_id: int, minutes: int = 15) -> dict:
    """A station's service area at ``minutes``: GeoJSON, area, households inside, and the
    straight-line circle of the same walking distance with its ratio.  A ring not cached yet
    is built once, in a write unit of its own, and kept."""
    check_minutes(minutes)
    conn = scope.conn
    if not db.station_exists(conn, station_id):
        raise NotFound(f"no station with id {station_id}")
    if not db.station_on_network(conn, station_id):
        raise InvalidInput(
            f"station {station_id} is further than GRIDMAP_MAX_SNAP_M from "
            "any walkable edge: it has no network service area"
        )
    if db.missing(conn, [station_id], minutes):
        with scope.writer() as writer, writer.unscoped() as cache:
            db.lock_station(cache, station_id)  # once, however many ask at the same moment
            if db.missing(cache, [station_id], minutes):
                service_areas.build(cache, [station_id], [minutes])
    with scope.unscoped() as conn:  # its households are a count over every household
        return _shape(db.read(conn, [station_id], minutes)[station_id])


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


def refresh_caches(conn: Connection, progress: Callable[[str], None] | None = None) -> Refreshed:
    """Recompute walking reach, household walks and service areas from the network and the
    stations, in the caller's transaction (after loading or importing data).  Without a
    walkable network or stations there is nothing to walk on: nothing is done."""
    if not network.ready(conn):
        log.info("no walkable network or no stations yet: walking caches not refreshed")
        return Refreshed(False, None, 0)
    stats = refresh_reach(conn, progress=progress)
    if progress:
        progress("service areas (5, 10, 15 minutes)")
    return Refreshed(True, stats, service_areas.build(conn))


refresh_network = maintenance("refreshing the walking caches")(refresh_caches)
