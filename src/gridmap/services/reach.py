"""Walking reach from points to stations.

Distances are straight-line estimates (flagged ``estimated``) until network distances are
wired in; the shape of the answer stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from gridmap.db import reach as db
from gridmap.settings import get_settings

CANDIDATE_RADIUS_M = 2000.0


def walking_minutes(meters: float) -> float:
    return meters / (get_settings().walking_speed_kmh * 1000 / 60)


def stations_from_points(
    conn: Connection, points: Sequence[tuple[float, float]]
) -> dict[tuple[float, float], list[dict]]:
    """For each (lon, lat): nearby stations and the nearest of each kind, nearest first."""
    rows = db.stations_near(
        conn, [p[0] for p in points], [p[1] for p in points], CANDIDATE_RADIUS_M
    )
    return {
        point: [
            {
                **r,
                "meters": r["straight_m"],
                "minutes": walking_minutes(r["straight_m"]),
                "estimated": True,
            }
            for r in found
        ]
        for point, found in zip(points, rows, strict=True)
    }
