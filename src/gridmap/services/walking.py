"""Walking distances on the road network: compute the reach caches that locate, service
circles and coverage read.

Every station joins the network at the nearest point of its nearest edge (a virtual node
between the edge's ends).  One bounded Dijkstra per station (scipy, in C) gives its
distance to every node within a walk of ``MAX_MINUTES``; one multi-source Dijkstra per
station kind gives every node its nearest station of that kind, however far.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection

from gridmap.db import network as db
from gridmap.settings import get_settings

log = logging.getLogger(__name__)

MAX_MINUTES = 30  # the longest walk for which every station within reach is cached
CHUNK = 64  # stations per Dijkstra call (memory: CHUNK × nodes doubles)


def reach_limit_m() -> float:
    """The walking distance of ``MAX_MINUTES`` at the configured speed."""
    return MAX_MINUTES * get_settings().walking_speed_kmh * 1000 / 60


@dataclass(frozen=True)
class ReachStats:
    stations: int
    off_network: list[int]  # station ids further than GRIDMAP_MAX_SNAP_M from any edge
    reach_rows: int
    nearest_rows: int


@dataclass(frozen=True)
class Graph:
    """The network plus one virtual node per attached station, as a symmetric CSR matrix."""

    matrix: csr_matrix
    node_ids: np.ndarray
    n_nodes: int


def build_graph(net: db.Network, attached: list) -> Graph:  # type: ignore[type-arg]
    """Road edges plus, for each attached station, edges from its virtual node to both ends."""
    n = net.node_ids.size
    src = np.searchsorted(net.node_ids, net.sources)
    tgt = np.searchsorted(net.node_ids, net.targets)
    virtual = n + np.arange(len(attached))
    a_src = np.searchsorted(net.node_ids, np.array([a["source"] for a in attached], dtype=np.int64))
    a_tgt = np.searchsorted(net.node_ids, np.array([a["target"] for a in attached], dtype=np.int64))
    frac = np.array([a["fraction"] for a in attached], dtype=float)
    length = np.array([a["length_m"] for a in attached], dtype=float)
    rows = np.concatenate([src, virtual, virtual])
    cols = np.concatenate([tgt, a_src, a_tgt])
    weights = np.concatenate([net.lengths, frac * length, (1 - frac) * length]) + 1e-6
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    order = np.lexsort((weights, hi, lo))  # parallel edges: keep the shortest
    lo, hi, weights = lo[order], hi[order], weights[order]
    first = np.ones(lo.size, dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    size = n + len(attached)
    matrix = csr_matrix((weights[first], (lo[first], hi[first])), shape=(size, size))
    return Graph(matrix, net.node_ids, n)


def refresh_reach(conn: Connection, progress: Callable[[int], None] | None = None) -> ReachStats:
    """Recompute every reach cache from the current network and stations (one transaction:
    the caller's)."""
    net = db.load_network(conn)
    stations = db.station_points(conn)
    if net.empty or not stations:
        db.replace_reach(conn, [], [], [])
        return ReachStats(len(stations), [s["id"] for s in stations], 0, 0)
    attached = db.attach_points(conn, [s["lon"] for s in stations], [s["lat"] for s in stations])
    max_snap = get_settings().max_snap_m
    on = [i for i, a in enumerate(attached) if a["snap_m"] <= max_snap]
    off = [stations[i]["id"] for i, a in enumerate(attached) if a["snap_m"] > max_snap]
    if off:
        log.warning(
            "%d station(s) are further than %.0f m from any walkable edge: %s",
            len(off),
            max_snap,
            off[:20],
        )
    graph = build_graph(net, [attached[i] for i in on])
    ids = [stations[i]["id"] for i in on]
    kinds = [stations[i]["kind"] for i in on]
    snaps = np.array([attached[i]["snap_m"] for i in on])
    reach = list(_reach_rows(graph, ids, snaps, progress))
    nearest = list(_nearest_rows(graph, ids, kinds, snaps))
    edges = [
        (stations[i]["id"], attached[i]["edge_id"], attached[i]["fraction"], attached[i]["snap_m"])
        for i in on
    ]
    db.replace_reach(conn, edges, reach, nearest)
    return ReachStats(len(stations), off, len(reach), len(nearest))


def _reach_rows(
    graph: Graph, ids: list[int], snaps: np.ndarray, progress: Callable[[int], None] | None
) -> Iterator[tuple[int, int, float]]:
    n = graph.n_nodes
    for start in range(0, len(ids), CHUNK):
        chunk = np.arange(start, min(start + CHUNK, len(ids)))
        dist = dijkstra(graph.matrix, directed=False, indices=n + chunk, limit=reach_limit_m())
        for row, k in enumerate(chunk):
            reached = np.flatnonzero(np.isfinite(dist[row, :n]))
            meters = dist[row, reached] + snaps[k]
            for node, m in zip(graph.node_ids[reached].tolist(), meters.tolist(), strict=True):
                yield ids[k], node, m
        if progress:
            progress(len(chunk))


def _nearest_rows(
    graph: Graph, ids: list[int], kinds: list[str], snaps: np.ndarray
) -> Iterator[tuple[int, str, int, float]]:
    n = graph.n_nodes
    for kind in sorted(set(kinds)):
        members = np.array([k for k, kd in enumerate(kinds) if kd == kind])
        dist, _, source = dijkstra(
            graph.matrix,
            directed=False,
            indices=n + members,
            min_only=True,
            return_predecessors=True,
        )
        reached = np.flatnonzero(np.isfinite(dist[:n]))
        station = source[reached] - n
        meters = dist[reached] + snaps[station]
        for node, s, m in zip(
            graph.node_ids[reached].tolist(), station.tolist(), meters.tolist(), strict=True
        ):
            yield node, kind, ids[s], m
