"""Walking reach from points to stations, along the road network.

A point joins the network at its nearest edge; its distance to a station is the walk along
the network (from the reach caches of :mod:`gridmap.services.walking`) plus the two short
hops between the points and their edges.  Where no network reaches — the caches are empty, or
the point is further than ``GRIDMAP_MAX_SNAP_M`` from any walkable edge — the distances are
straight-line estimates, flagged ``estimated``.
"""

from __future__ import annotations

from collections.abc import Sequence

from gridmap.db import network
from gridmap.db import reach as db
from gridmap.services.scope import Scope
from gridmap.services.walking import walking_minutes
from gridmap.settings import get_settings

ESTIMATE_RADIUS_M = 2000.0


def stations_from_points(
    scope: Scope, points: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], list[dict]]:
    """For each (lon, lat): stations within reach and the nearest of each kind, nearest
    first, with ``meters``, ``minutes`` and ``estimated``."""
    conn, points = scope.conn, list(dict.fromkeys(points))
    walks = network.walk_from_points(
        conn, [p[0] for p in points], [p[1] for p in points], get_settings().max_snap_m
    )
    found = {
        p: [_entry(r, r["meters"], estimated=False) for r in rows]
        for p, rows in zip(points, walks, strict=True)
    }
    off = [p for p, rows in found.items() if not rows]
    if off:
        near = db.stations_near(conn, [p[0] for p in off], [p[1] for p in off], ESTIMATE_RADIUS_M)
        for p, rows in zip(off, near, strict=True):
            found[p] = [_entry(r, r["straight_m"], estimated=True) for r in rows]
    return found


def _entry(row, meters: float, estimated: bool) -> dict:  # type: ignore[no-untyped-def]
    return {**row, "meters": meters, "minutes": walking_minutes(meters), "estimated": estimated}
