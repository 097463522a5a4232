"""The walkable network as arrays, points attached to their nearest edge, and the walking
reach caches (station → node distances, nearest station of each kind per node)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Double

from gridmap.db.bulk import copy_lines, copy_value
from gridmap.db.prepared import Prepared


@dataclass(frozen=True)
class Network:
    """Edges as parallel arrays; node ids as in road_nodes."""

    edge_ids: np.ndarray
    sources: np.ndarray
    targets: np.ndarray
    lengths: np.ndarray
    node_ids: np.ndarray  # sorted unique node ids appearing in edges

    @property
    def empty(self) -> bool:
        return self.edge_ids.size == 0


def load_network(conn: Connection) -> Network:
    """Every walkable edge, in one statement: four arrays, which psycopg2 reads far faster
    than as many rows."""
    ids, sources, targets, lengths = conn.execute(
        text("""
        SELECT array_agg(id ORDER BY id), array_agg(source ORDER BY id),
               array_agg(target ORDER BY id), array_agg(length_m ORDER BY id)
        FROM road_edges
    """)
    ).one()
    if ids is None:
        empty = np.zeros(0, dtype=np.int64)
        return Network(empty, empty, empty, np.zeros(0), empty)
    sources, targets = np.array(sources, dtype=np.int64), np.array(targets, dtype=np.int64)
    return Network(
        np.array(ids, dtype=np.int64),
        sources,
        targets,
        np.array(lengths, dtype=np.float64),
        np.unique(np.concatenate([sources, targets])),
    )


_ATTACH = text("""
    SELECT p.idx - 1 AS idx, e.id AS edge_id, e.source, e.target, e.length_m,
           ST_LineLocatePoint(e.geom, p.geom) AS fraction,
           ST_Distance(e.geom::geography, p.geom::geography) AS snap_m
    FROM (SELECT idx, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom
          FROM unnest(:lons, :lats) WITH ORDINALITY AS t(lon, lat, idx)) p
    CROSS JOIN LATERAL (
        SELECT id, source, target, length_m, geom FROM road_edges
        ORDER BY geom <-> p.geom LIMIT 1
    ) e
""").bindparams(bindparam("lons", type_=ARRAY(Double)), bindparam("lats", type_=ARRAY(Double)))


def attach_points(
    conn: Connection, lons: Sequence[float], lats: Sequence[float]
) -> list[RowMapping]:
    """The nearest edge of each point and where on it (fraction from source), in input order."""
    if not lons:
        return []
    return list(conn.execute(_ATTACH, {"lons": list(lons), "lats": list(lats)}).mappings().all())


def station_points(conn: Connection, station_ids: Sequence[int] | None = None) -> list[RowMapping]:
    where = "" if station_ids is None else "WHERE id = ANY(:ids)"
    sql = text(
        f"SELECT id, kind, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM stations {where} ORDER BY id"
    )
    return list(conn.execute(sql, {"ids": list(station_ids or [])}).mappings().all())


def replace_reach(
    conn: Connection,
    station_edges: Iterable[tuple[int, int, float, float]],
    reach: Iterable[tuple[int, int, float]],
    nearest: Iterable[tuple[int, str, int, float]],
) -> None:
    """Replace the reach caches in the caller's transaction (bulk COPY)."""
    conn.execute(text("TRUNCATE station_edges, station_reach, node_nearest"))
    copy_lines(
        conn,
        "station_edges",
        ("station_id", "edge_id", "fraction", "snap_m"),
        (f"{s}\t{e}\t{f:.6f}\t{d:.2f}\n" for s, e, f, d in station_edges),
    )
    copy_lines(
        conn,
        "station_reach",
        ("station_id", "node_id", "meters"),
        (f"{s}\t{n}\t{m:.2f}\n" for s, n, m in reach),
    )
    copy_lines(
        conn,
        "node_nearest",
        ("node_id", "kind", "station_id", "meters"),
        (f"{n}\t{k}\t{s}\t{m:.2f}\n" for n, k, s, m in nearest),
    )
    conn.execute(text("ANALYZE station_edges; ANALYZE station_reach; ANALYZE node_nearest"))


_WALK_FROM_POINTS = Prepared(
    """
    WITH p AS (
        SELECT idx, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom
        FROM unnest(:lons, :lats) WITH ORDINALITY AS t(lon, lat, idx)
    ), a AS (
        SELECT p.idx, e.id AS edge_id, e.source, e.target, e.length_m,
               ST_LineLocatePoint(e.geom, p.geom) AS fraction,
               ST_Distance(e.geom::geography, p.geom::geography) AS snap_m
        FROM p CROSS JOIN LATERAL (
            SELECT id, source, target, length_m, geom FROM road_edges
            ORDER BY geom <-> p.geom LIMIT 1
        ) e
    ), near AS (
        SELECT * FROM a WHERE snap_m <= :max_snap
    ), ends AS (
        SELECT idx, source AS node, fraction * length_m AS offset_m FROM near
        UNION ALL
        SELECT idx, target, (1 - fraction) * length_m FROM near
    ), walks AS (
        SELECT e.idx, r.station_id, e.offset_m + r.meters AS meters
        FROM ends e JOIN station_reach r ON r.node_id = e.node
        UNION ALL
        SELECT n.idx, se.station_id, abs(n.fraction - se.fraction) * n.length_m + se.snap_m
        FROM near n JOIN station_edges se ON se.edge_id = n.edge_id
        UNION ALL
        (SELECT DISTINCT ON (e.idx, nn.kind) e.idx, nn.station_id, e.offset_m + nn.meters
         FROM ends e JOIN node_nearest nn ON nn.node_id = e.node
         ORDER BY e.idx, nn.kind, e.offset_m + nn.meters)
    ), best AS (
        SELECT idx, station_id, min(meters) AS meters FROM walks GROUP BY idx, station_id
    )
    SELECT b.idx - 1 AS idx, b.meters + near.snap_m AS meters, s.id, s.kind, s.name,
           s.address, s.services, s.opening_hours, s.community_code,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
    FROM best b JOIN near ON near.idx = b.idx JOIN stations s ON s.id = b.station_id
    ORDER BY b.idx, meters
""",
    lons="float8[]",
    lats="float8[]",
    max_snap="float8",
)


def walk_from_points(
    conn: Connection, lons: Sequence[float], lats: Sequence[float], max_snap_m: float
) -> list[list[RowMapping]]:
    """Per point, nearest first: every station within the cached reach and the nearest of
    each kind, with ``meters`` walked (the hops onto and off the network included).

    A point further than ``max_snap_m`` from any walkable edge, or a network with no cached
    reach, gets an empty list.
    """
    found: list[list[RowMapping]] = [[] for _ in lons]
    params = {"lons": list(lons), "lats": list(lats), "max_snap": max_snap_m}
    for row in _WALK_FROM_POINTS.execute(conn, params).mappings():
        found[row["idx"]].append(row)
    return found


NETWORK_TABLES = (  # the road network and every cache derived from it
    "service_areas",
    "household_walks",
    "node_nearest",
    "station_reach",
    "station_edges",
    "road_edges",
    "road_nodes",
)


def replace_network(
    conn: Connection,
    nodes: Iterable[tuple[int, float, float]],
    edges: Iterable[tuple[int, int, int, float, str, str | None, str]],
) -> None:
    """Replace the road network in the caller's transaction (bulk COPY), emptying every cache
    derived from it: ``nodes`` are (id, lon, lat), ``edges`` are (id, source, target,
    length_m, kind, name, hex EWKB linestring); cost and reverse_cost are the length (walking
    has no one-way streets)."""
    conn.execute(text(f"TRUNCATE {', '.join(NETWORK_TABLES)}"))
    copy_lines(
        conn,
        "road_nodes",
        ("id", "geom"),
        (f"{i}\tSRID=4326;POINT({x!r} {y!r})\n" for i, x, y in nodes),
    )
    copy_lines(
        conn,
        "road_edges",
        ("id", "source", "target", "length_m", "cost", "reverse_cost", "kind", "name", "geom"),
        (
            f"{i}\t{s}\t{t}\t{m:.2f}\t{m:.2f}\t{m:.2f}\t{copy_value(k)}\t{copy_value(n)}\t{g}\n"
            for i, s, t, m, k, n, g in edges
        ),
    )
    conn.execute(text("ANALYZE road_nodes; ANALYZE road_edges"))


def station_edge_ids(conn: Connection) -> dict[int, int]:
    """Station id → the id of the edge it joins the network at."""
    rows = conn.execute(text("SELECT station_id, edge_id FROM station_edges"))
    return {station: edge for station, edge in rows}


def data_extent(conn: Connection) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the district's data — its districts, else its stations
    and households — or None when the database holds none of them."""
    row = conn.execute(
        text("""
        SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT coalesce(
            (SELECT ST_Extent(geom) FROM districts),
            (SELECT ST_Extent(geom) FROM (SELECT geom FROM stations
                                          UNION ALL SELECT geom FROM households) x)) AS b) y
    """)
    ).one()
    return None if row[0] is None else (row[0], row[1], row[2], row[3])


def households_off_network(
    conn: Connection, examples: int = 5
) -> tuple[int, int, list[RowMapping]]:
    """Households in ``household_walks``, how many of them are further than
    ``GRIDMAP_MAX_SNAP_M`` from any walkable edge, and the furthest few with their address
    and distance."""
    total, off = conn.execute(
        text("SELECT count(*), count(*) FILTER (WHERE edge_id IS NULL) FROM household_walks")
    ).one()
    rows = conn.execute(
        text("""
        SELECT h.id, w.grid_code, w.snap_m,
               coalesce(c.name, '') || b.number || '栋' || coalesce(u.number || '单元', '')
                   || h.room AS address,
               ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
        FROM household_walks w JOIN households h ON h.id = w.household_id
        JOIN buildings b ON b.id = h.building_id
        LEFT JOIN compounds c ON c.id = b.compound_id
        LEFT JOIN units u ON u.id = h.unit_id
        WHERE w.edge_id IS NULL ORDER BY w.snap_m DESC, h.id LIMIT :n
    """),
        {"n": examples},
    )
    return total, off, list(rows.mappings().all())


def ready(conn: Connection) -> bool:
    """Whether there is a walkable network and at least one station to walk to."""
    return bool(
        conn.execute(
            text("SELECT EXISTS (SELECT 1 FROM road_edges) AND EXISTS (SELECT 1 FROM stations)")
        ).scalar_one()
    )
