"""The walkable network as arrays, points attached to their nearest edge, and the walking
reach caches (station → node distances, nearest station of each kind per node)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, RowMapping, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger as BigIntegerType
from sqlalchemy.types import Double

from gridmap.db.bulk import copy_lines


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
    """Every walkable edge, in one statement."""
    rows = conn.execute(text("SELECT id, source, target, length_m FROM road_edges")).all()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Network(empty, empty, empty, np.zeros(0), empty)
    array = np.array(rows, dtype=np.float64)
    sources, targets = array[:, 1].astype(np.int64), array[:, 2].astype(np.int64)
    return Network(
        array[:, 0].astype(np.int64),
        sources,
        targets,
        array[:, 3],
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


_REACH_FROM_POINTS = text("""
    WITH p AS (
        SELECT idx, edge_id, source, target, length_m, fraction
        FROM unnest(:idx, :edge, :source, :target, :len, :frac)
             AS t(idx, edge_id, source, target, length_m, fraction)
    ), ends AS (
        SELECT idx, source AS node, fraction * length_m AS offset_m FROM p
        UNION ALL
        SELECT idx, target, (1 - fraction) * length_m FROM p
    ), via_nodes AS (
        SELECT e.idx, r.station_id, min(e.offset_m + r.meters) AS meters
        FROM ends e JOIN station_reach r ON r.node_id = e.node
        GROUP BY e.idx, r.station_id
    ), same_edge AS (
        SELECT p.idx, se.station_id, abs(p.fraction - se.fraction) * p.length_m AS meters
        FROM p JOIN station_edges se ON se.edge_id = p.edge_id
    ), nearest AS (
        SELECT DISTINCT ON (e.idx, n.kind) e.idx, n.station_id, e.offset_m + n.meters AS meters
        FROM ends e JOIN node_nearest n ON n.node_id = e.node
        ORDER BY e.idx, n.kind, e.offset_m + n.meters
    )
    SELECT idx, station_id, min(meters) AS meters FROM (
        SELECT * FROM via_nodes UNION ALL SELECT * FROM same_edge UNION ALL SELECT * FROM nearest
    ) d GROUP BY idx, station_id
""")


def reach_from_attachments(conn: Connection, attached: Sequence[RowMapping]) -> list[RowMapping]:
    """(idx, station_id, meters) for every station within the cached reach of each attached
    point, plus the nearest station of every kind, by walking along the network."""
    params = {
        "idx": [a["idx"] for a in attached],
        "edge": [a["edge_id"] for a in attached],
        "source": [a["source"] for a in attached],
        "target": [a["target"] for a in attached],
        "len": [a["length_m"] for a in attached],
        "frac": [a["fraction"] for a in attached],
    }
    sql = _REACH_FROM_POINTS.bindparams(
        bindparam("idx", type_=ARRAY(BigIntegerType)),
        bindparam("edge", type_=ARRAY(BigIntegerType)),
        bindparam("source", type_=ARRAY(BigIntegerType)),
        bindparam("target", type_=ARRAY(BigIntegerType)),
        bindparam("len", type_=ARRAY(Double)),
        bindparam("frac", type_=ARRAY(Double)),
    )
    return list(conn.execute(sql, params).mappings().all())


def reach_is_cached(conn: Connection) -> bool:
    return conn.execute(text("SELECT EXISTS (SELECT 1 FROM node_nearest)")).scalar_one()
