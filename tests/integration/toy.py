"""Small hand-built worlds, in metres, where the right walking answer is known."""

from __future__ import annotations

import math

from sqlalchemy import Connection, text

from gridmap.services.service_areas import build
from gridmap.services.walking import refresh_reach

LON0, LAT0 = 119.43, 32.17
M_LON = 111_320.0 * math.cos(math.radians(LAT0))
M_LAT = 110_574.0
GRID = "321102001001001"


def lonlat(x: float, y: float) -> tuple[float, float]:
    return LON0 + x / M_LON, LAT0 + y / M_LAT


def _point(x: float, y: float) -> str:
    lon, lat = lonlat(x, y)
    return f"SRID=4326;POINT({lon} {lat})"


def build_world(
    conn: Connection,
    roads: list[tuple[tuple[float, float], ...]],
    stations: list[tuple[str, float, float]],
    households: list[tuple[float, float]],
    extent: float = 5000,
) -> None:
    """Replace everything with a one-grid district holding these roads (polylines in metres,
    noded at shared vertices), stations (kind, x, y) and households (x, y)."""
    conn.execute(
        text(
            "TRUNCATE districts, streets, communities, grids, compounds, buildings, "
            "households, stations, road_nodes, road_edges, people CASCADE"
        )
    )
    (w, s), (e, n) = lonlat(-extent, -extent), lonlat(extent, extent)
    square = f"ST_Multi(ST_MakeEnvelope({w}, {s}, {e}, {n}, 4326))"
    conn.execute(text(f"INSERT INTO districts VALUES ('321102', '京口区', NULL, NULL, {square})"))
    conn.execute(text(f"INSERT INTO streets VALUES ('321102001', '321102', '街道', {square})"))
    conn.execute(
        text(f"INSERT INTO communities VALUES ('321102001001', '321102001', '社区', {square})")
    )
    conn.execute(
        text(
            f"INSERT INTO grids (id, code, community_code, name, area_m2, geom) "
            f"VALUES (1, '{GRID}', '321102001001', '网格', 1, {square})"
        )
    )
    nodes: dict[tuple[float, float], int] = {}
    for line in roads:
        for a, b in zip(line, line[1:], strict=False):
            for p in (a, b):
                if p not in nodes:
                    nodes[p] = len(nodes) + 1
                    conn.execute(
                        text("INSERT INTO road_nodes VALUES (:i, ST_GeomFromEWKT(:g))"),
                        {"i": nodes[p], "g": _point(*p)},
                    )
            (ax, ay), (bx, by) = lonlat(*a), lonlat(*b)
            length = math.dist(a, b)
            conn.execute(
                text("""
                INSERT INTO road_edges (id, source, target, length_m, cost, reverse_cost, geom)
                VALUES ((SELECT coalesce(max(id), 0) + 1 FROM road_edges), :s, :t, :l, :l, :l,
                        ST_SetSRID(ST_MakeLine(ST_MakePoint(:ax, :ay), ST_MakePoint(:bx, :by)),
                                   4326))
            """),
                {"s": nodes[a], "t": nodes[b], "l": length, "ax": ax, "ay": ay, "bx": bx, "by": by},
            )
    for i, (kind, x, y) in enumerate(stations, start=1):
        conn.execute(
            text(
                "INSERT INTO stations (id, kind, name, geom) "
                "VALUES (:i, :k, :n, ST_GeomFromEWKT(:g))"
            ),
            {"i": i, "k": kind, "n": f"站{i}", "g": _point(x, y)},
        )
    for i, (x, y) in enumerate(households, start=1):
        conn.execute(
            text(
                "INSERT INTO buildings (id, grid_id, number, geom) "
                "VALUES (:i, 1, :n, ST_GeomFromEWKT(:g))"
            ),
            {"i": i, "n": str(i), "g": _point(x, y)},
        )
        conn.execute(
            text(
                "INSERT INTO households (id, building_id, grid_id, room, geom, "
                "elderly_alone) VALUES (:i, :i, 1, '101', ST_GeomFromEWKT(:g), :e)"
            ),
            {"i": i, "g": _point(x, y), "e": i % 2 == 0},
        )
    refresh_reach(conn)
    build(conn)


def walk(conn: Connection, household: int, kind: str) -> float | None:
    """The cached walk of a household to the nearest station of a kind (None: unreachable)."""
    return conn.execute(
        text("""
        SELECT w.meters[(SELECT sort + 1 FROM station_kinds WHERE code = :k)]
        FROM household_walks w WHERE w.household_id = :h
    """),
        {"h": household, "k": kind},
    ).scalar()
