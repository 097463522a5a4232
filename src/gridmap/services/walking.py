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
from gridmap.db import walks
from gridmap.domain import walking
from gridmap.domain.walking import MAX_MINUTES
from gridmap.settings import get_settings

log = logging.getLogger(__name__)

CHUNK = 64  # stations per Dijkstra call (memory: CHUNK × nodes doubles)


def walk_meters(minutes: float) -> float:
    """The distance walked in ``minutes`` at the configured speed."""
    return walking.meters_for(minutes, get_settings().walking_speed_kmh)


def walking_minutes(meters: float) -> float:
    """The minutes it takes to walk ``meters`` at the configured speed."""
    return walking.minutes_for(meters, get_settings().walking_speed_kmh)


def reach_limit_m() -> float:
    """The walking distance of ``MAX_MINUTES``: how far every reach cache goes."""
    return walk_meters(MAX_MINUTES)


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
    """Road edges plus, for each attached station, edges from its virtual node to both ends
    of its edge (weighted by the walk along the edge plus the hop from the station to it)."""
    n = net.node_ids.size
    src = np.searchsorted(net.node_ids, net.sources)
    tgt = np.searchsorted(net.node_ids, net.targets)
    virtual = n + np.arange(len(attached))
    a_src = np.searchsorted(net.node_ids, np.array([a["source"] for a in attached], dtype=np.int64))
    a_tgt = np.searchsorted(net.node_ids, np.array([a["target"] for a in attached], dtype=np.int64))
    frac = np.array([a["fraction"] for a in attached], dtype=float)
    length = np.array([a["length_m"] for a in attached], dtype=float)
    snap = np.array([a["snap_m"] for a in attached], dtype=float)
    rows = np.concatenate([src, virtual, virtual])
    cols = np.concatenate([tgt, a_src, a_tgt])
    weights = np.concatenate([net.lengths, frac * length + snap, (1 - frac) * length + snap])
    weights = weights + 1e-6  # scipy drops explicit zeros
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    order = np.lexsort((weights, hi, lo))  # parallel edges: keep the shortest
    lo, hi, weights = lo[order], hi[order], weights[order]
    first = np.ones(lo.size, dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    size = n + len(attached)
    matrix = csr_matrix((weights[first], (lo[first], hi[first])), shape=(size, size))
    return Graph(matrix, net.node_ids, n)


@dataclass(frozen=True)
class Nearest:
    """For one station kind: each graph node's walk to its nearest station of that kind."""

    kind: str
    meters: np.ndarray  # per road node (inf where unreachable)
    station: np.ndarray  # per road node: index into the attached stations (-1: none)


def nearest_by_kind(graph: Graph, kinds: list[str]) -> list[Nearest]:
    """One multi-source Dijkstra per kind, from all of that kind's stations at once."""
    n = graph.n_nodes
    found = []
    for kind in sorted(set(kinds)):
        members = np.array([k for k, kd in enumerate(kinds) if kd == kind])
        dist, _, source = dijkstra(
            graph.matrix,
            directed=False,
            indices=n + members,
            min_only=True,
            return_predecessors=True,
        )
        station = np.where(source[:n] >= n, source[:n] - n, -1)
        found.append(Nearest(kind, dist[:n], station))
    return found


def refresh_reach(conn: Connection, progress: Callable[[str], None] | None = None) -> ReachStats:
    """Recompute every walking cache from the current network, stations and households, in
    the caller's transaction: station attachments and reach, each node's nearest station of
    each kind, and each household's walk to the nearest station of each kind."""
    net = db.load_network(conn)
    stations = db.station_points(conn)
    if net.empty or not stations:  # every household is then out of reach of every kind
        db.replace_reach(conn, [], [], [])
        households = walks.household_points(conn)
        nowhere = walks.Attachments.nowhere(households.ids.size)
        walks.replace_household_walks(conn, households, nowhere, {}, kinds=[])
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
    ids = np.array([stations[i]["id"] for i in on])
    kinds = [stations[i]["kind"] for i in on]
    if progress:
        progress("walking reach of each station")
    reach = list(_reach_rows(graph, ids))
    if progress:
        progress("nearest station of each kind")
    nearest = nearest_by_kind(graph, kinds)
    node_rows = [
        (node, nk.kind, int(ids[s]), float(m))
        for nk in nearest
        for node, s, m in _reached(graph, nk)
    ]
    edges = [
        (stations[i]["id"], attached[i]["edge_id"], attached[i]["fraction"], attached[i]["snap_m"])
        for i in on
    ]
    db.replace_reach(conn, edges, reach, node_rows)
    if progress:
        progress("each household's walk")
    households = walks.household_points(conn)
    h_attached = walks.attach_unique_points(conn, households)
    station_edges = [
        (attached[i]["edge_id"], attached[i]["fraction"], attached[i]["snap_m"]) for i in on
    ]
    meters, chosen = household_walks(net, graph, nearest, kinds, h_attached, station_edges)
    kind_order = walks.kind_order(conn)
    walks.replace_household_walks(
        conn,
        households,
        h_attached,
        {
            nk.kind: (meters[j], np.where(chosen[j] >= 0, ids[np.maximum(chosen[j], 0)], -1))
            for j, nk in enumerate(nearest)
        },
        kinds=kind_order,
    )
    return ReachStats(len(stations), off, len(reach), len(node_rows))


def _reached(graph: Graph, nk: Nearest) -> Iterator[tuple[int, int, float]]:
    reached = np.flatnonzero(np.isfinite(nk.meters) & (nk.station >= 0))
    yield from zip(
        graph.node_ids[reached].tolist(),
        nk.station[reached].tolist(),
        nk.meters[reached].tolist(),
        strict=True,
    )


def household_walks(
    net: db.Network,
    graph: Graph,
    nearest: list[Nearest],
    kinds: list[str],
    attached: walks.Attachments,
    station_edges: list[tuple[int, float, float]],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per kind, each household's walk (metres, inf if none) and its nearest station (index
    into the attached stations, -1 if none): over either end of its edge, or straight along
    the edge when a station of that kind stands on the same edge."""
    on = attached.on_network
    src = np.searchsorted(graph.node_ids, attached.source)
    tgt = np.searchsorted(graph.node_ids, attached.target)
    before, after = attached.fraction * attached.length, (1 - attached.fraction) * attached.length
    by_edge: dict[int, list[int]] = {}
    for k, (edge, _, _) in enumerate(station_edges):
        by_edge.setdefault(edge, []).append(k)
    shared = np.flatnonzero(on & np.isin(attached.edge, list(by_edge)))
    all_meters, all_chosen = [], []
    for nk in nearest:
        via_src, via_tgt = nk.meters[src] + before, nk.meters[tgt] + after
        meters = np.where(via_src <= via_tgt, via_src, via_tgt)
        chosen = np.where(via_src <= via_tgt, nk.station[src], nk.station[tgt])
        for h in shared:  # a station on the household's own edge: walk straight along it
            for k in by_edge[int(attached.edge[h])]:
                if kinds[k] != nk.kind:
                    continue
                _, fs, snap = station_edges[k]
                direct = abs(attached.fraction[h] - fs) * attached.length[h] + snap
                if direct < meters[h]:
                    meters[h], chosen[h] = direct, k
        meters = np.where(on, meters + attached.snap, np.inf)
        all_meters.append(meters)
        all_chosen.append(np.where(on & np.isfinite(meters), chosen, -1))
    return all_meters, all_chosen


def _reach_rows(graph: Graph, ids: np.ndarray) -> Iterator[tuple[int, int, float]]:
    n = graph.n_nodes
    for start in range(0, len(ids), CHUNK):
        chunk = np.arange(start, min(start + CHUNK, len(ids)))
        dist = dijkstra(graph.matrix, directed=False, indices=n + chunk, limit=reach_limit_m())
        for row, k in enumerate(chunk):
            reached = np.flatnonzero(np.isfinite(dist[row, :n]))
            for node, m in zip(
                graph.node_ids[reached].tolist(), dist[row, reached].tolist(), strict=True
            ):
                yield int(ids[k]), node, m
