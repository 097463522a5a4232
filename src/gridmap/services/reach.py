"""Walking reach from points to stations, along the road network.

A point joins the network at its nearest edge; its distance to a station is the walk along
the network (from the reach caches of :mod:`gridmap.services.walking`) plus the two short
hops between the points and their edges.  Where no network reaches — the caches are empty, or
the point is further than ``GRIDMAP_MAX_SNAP_M`` from any walkable edge — the distances are
straight-line estimates, flagged ``estimated``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from gridmap.db import network
from gridmap.db import reach as db
from gridmap.settings import get_settings

ESTIMATE_RADIUS_M = 2000.0


def walking_minutes(meters: float) -> float:
    return meters / (get_settings().walking_speed_kmh * 1000 / 60)


def stations_from_points(
    conn: Connection, points: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], list[dict]]:
    """For each (lon, lat): stations within reach and the nearest of each kind, nearest
    first, with ``meters``, ``minutes`` and ``estimated``."""
    points = list(dict.fromkeys(points))
    found: dict[tuple[float, float], list[dict]] = {p: [] for p in points}
    on_network: list[int] = []
    attached = []
    if network.reach_is_cached(conn):
        attached = network.attach_points(conn, [p[0] for p in points], [p[1] for p in points])
        max_snap = get_settings().max_snap_m
        on_network = [a["idx"] for a in attached if a["snap_m"] <= max_snap]
    if on_network:
        walk = network.reach_from_attachments(conn, [attached[i] for i in on_network])
        details = db.stations_by_id(conn, sorted({w["station_id"] for w in walk}))
        for w in walk:
            point = points[w["idx"]]
            meters = w["meters"] + attached[w["idx"]]["snap_m"]
            found[point].append(_entry(details[w["station_id"]], meters, estimated=False))
    reached = set(on_network)
    off = [i for i in range(len(points)) if i not in reached]
    if off:
        near = db.stations_near(
            conn, [points[i][0] for i in off], [points[i][1] for i in off], ESTIMATE_RADIUS_M
        )
        for i, rows in zip(off, near, strict=True):
            found[points[i]] = [_entry(r, r["straight_m"], estimated=True) for r in rows]
    for entries in found.values():
        entries.sort(key=lambda e: e["meters"])
    return found


def _entry(row, meters: float, estimated: bool) -> dict:  # type: ignore[no-untyped-def]
    return {**row, "meters": meters, "minutes": walking_minutes(meters), "estimated": estimated}
