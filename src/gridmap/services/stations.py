"""Moving a station: recompute only what the move changes.

The station joins the network again; its own reach is recomputed; for its kind one
multi-source Dijkstra gives every node's nearest station, and only the nodes whose answer
changed — and the households on the edges at those nodes — are rewritten; then its service
areas are rebuilt.  Everything happens in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection

from gridmap.db import network as db
from gridmap.db import reach as db_reach
from gridmap.db import stations as store
from gridmap.errors import InvalidInput, NotFound, PermissionDenied
from gridmap.geo import crs
from gridmap.services import service_areas
from gridmap.services.scope import Scope
from gridmap.services.walking import build_graph, reach_limit_m
from gridmap.settings import get_settings


@dataclass(frozen=True)
class Moved:
    station_id: int
    snap_m: float
    reach_rows: int
    nodes_changed: int
    households_changed: int


def move_station(
    scope: Scope, station_id: int, x: float, y: float, crs_name: str = "WGS84"
) -> Moved:
    """Move a station to (x, y) given in any supported CRS, within the caller's area.

    The station must be in the caller's area and so must the point; the station's community
    becomes the one at the point.  Its row changes in the caller's row scope (the database
    refuses a station or a point outside it, whatever was checked here); the walking caches,
    derived data across areas, follow in the same transaction.
    """
    lon, lat = crs.to_wgs84(x, y, crs_name)
    crs.validate_lonlat(lon, lat, where="station position")
    current = db_reach.stations_by_id(scope.conn, [station_id]).get(station_id)
    if current is None:
        raise NotFound(f"no station with id {station_id}")
    scope.principal.require_write(current["community_code"] or "", "stations")
    community = store.community_at(scope.conn, lon, lat)
    if community is None:
        raise InvalidInput(f"({lon:.6f}, {lat:.6f}) is outside every community of the district")
    if not scope.principal.sees_personal(community):
        raise PermissionDenied(
            f"({lon:.6f}, {lat:.6f}) lies in community {community}, outside your area"
        )
    if not store.put(scope.conn, station_id, lon, lat, community):
        raise NotFound(f"no station with id {station_id} in your area")
    with scope.unscoped() as conn:
        moved = _recompute(conn, station_id, current["kind"], lon, lat)
    scope.audit("moved station", f"{station_id} to {lon:.6f},{lat:.6f} in {community}")
    return moved


def relocate_station(conn: Connection, station_id: int, lon: float, lat: float) -> Moved:
    """Move a station to (lon, lat) in WGS84 and bring every walking cache up to date, in the
    caller's transaction, with no access check (maintenance and benchmarks)."""
    crs.validate_lonlat(lon, lat, where="station position")
    kind = store.kind_of(conn, station_id)
    if kind is None:
        raise NotFound(f"no station with id {station_id}")
    store.put(conn, station_id, lon, lat)
    return _recompute(conn, station_id, kind, lon, lat)


def _recompute(conn: Connection, station_id: int, kind: str, lon: float, lat: float) -> Moved:
    """Bring every walking cache up to date after the station moved to (lon, lat)."""
    net = db.load_network(conn)
    if net.empty:
        raise InvalidInput("the walkable network is empty: load the demo or import roads first")
    new = db.attach_points(conn, [lon], [lat])[0]
    if new["snap_m"] > get_settings().max_snap_m:
        raise InvalidInput(
            f"station {station_id} would be {new['snap_m']:.0f} m from the "
            "nearest walkable edge: put it on the network"
        )
    old_edge = store.reattach(conn, station_id, new["edge_id"], new["fraction"], new["snap_m"])
    attached = [dict(r) for r in store.attached(conn)]
    graph = build_graph(net, attached)
    n = graph.n_nodes
    me = next(i for i, a in enumerate(attached) if a["id"] == station_id)
    reach_rows = _replace_reach(conn, graph, station_id, n + me)
    members = np.array([i for i, a in enumerate(attached) if a["kind"] == kind])
    dist, _, source = dijkstra(
        graph.matrix, directed=False, indices=n + members, min_only=True, return_predecessors=True
    )
    ids = np.array([a["id"] for a in attached])
    nearest = np.where(source[:n] >= n, ids[np.maximum(source[:n] - n, 0)], -1)
    changed = _changed_nodes(conn, graph, kind, station_id, dist[:n], nearest)
    edges = [e for e in (old_edge, new["edge_id"]) if e is not None]
    households = _update_households(
        conn,
        graph,
        kind,
        changed,
        edges,
        dist[:n],
        nearest,
        [a for a in attached if a["kind"] == kind],
    )
    service_areas.build(conn, [station_id], net=net)
    return Moved(station_id, new["snap_m"], reach_rows, int(changed.size), households)


def _replace_reach(conn: Connection, graph, station_id: int, virtual: int) -> int:  # type: ignore[no-untyped-def]
    dist = dijkstra(graph.matrix, directed=False, indices=virtual, limit=reach_limit_m())
    reached = np.flatnonzero(np.isfinite(dist[: graph.n_nodes]))
    store.replace_reach(conn, station_id, graph.node_ids[reached].tolist(), dist[reached].tolist())
    return int(reached.size)


def _changed_nodes(
    conn: Connection,
    graph,  # type: ignore[no-untyped-def]
    kind: str,
    station_id: int,
    dist: np.ndarray,
    nearest: np.ndarray,
) -> np.ndarray:
    """Rewrite node_nearest rows of this kind whose station or distance changed.

    Only nodes the moved station served before or serves now can change: every other
    station stays where it was."""
    serves_now = np.flatnonzero(nearest == station_id)
    old = store.nearest_rows(conn, kind, station_id, graph.node_ids[serves_now].tolist())
    table = np.array([tuple(r) for r in old], dtype=float).reshape(-1, 3)
    served = np.searchsorted(graph.node_ids, table[:, 0].astype(np.int64))
    nodes = np.union1d(serves_now, served)
    old_station = np.full(graph.n_nodes, -1)
    old_meters = np.full(graph.n_nodes, np.inf)
    old_station[served], old_meters[served] = table[:, 1].astype(np.int64), table[:, 2]
    differs = (old_station[nodes] != nearest[nodes]) | (
        np.abs(
            np.where(np.isfinite(dist[nodes]), dist[nodes], -1)
            - np.where(np.isfinite(old_meters[nodes]), old_meters[nodes], -1)
        )
        > 0.05
    )
    changed = nodes[differs]
    node_ids = graph.node_ids[changed]
    keep = changed[np.isfinite(dist[changed]) & (nearest[changed] >= 0)]
    store.replace_nearest(
        conn,
        kind,
        node_ids.tolist(),
        (graph.node_ids[keep].tolist(), nearest[keep].tolist(), dist[keep].tolist()),
    )
    return node_ids


def _update_households(  # type: ignore[no-untyped-def]
    conn: Connection,
    graph,
    kind: str,
    changed: np.ndarray,
    edges: list[int],
    dist: np.ndarray,
    nearest: np.ndarray,
    same_kind: list[dict],
) -> int:
    """Recompute, for this kind, the walks of the households on edges at changed nodes and
    on the station's old and new edges."""
    rows = store.walks_at(conn, changed.tolist(), edges)
    if not rows:
        return 0
    t = np.array([tuple(r) for r in rows], dtype=float)  # tuples: numpy probes Rows slowly
    src = np.searchsorted(graph.node_ids, t[:, 4].astype(np.int64))
    tgt = np.searchsorted(graph.node_ids, t[:, 5].astype(np.int64))
    via_src, via_tgt = dist[src] + t[:, 2] * t[:, 6], dist[tgt] + (1 - t[:, 2]) * t[:, 6]
    meters = np.minimum(via_src, via_tgt)
    station = np.where(via_src <= via_tgt, nearest[src], nearest[tgt])
    on_these = set(t[:, 1].astype(np.int64).tolist())
    for s in same_kind:  # a station of this kind on the household's own edge
        if s["edge_id"] not in on_these:
            continue
        on_edge = t[:, 1] == s["edge_id"]
        direct = np.abs(t[:, 2] - s["fraction"]) * t[:, 6] + s["snap_m"]
        better = on_edge & (direct < meters)
        meters, station = np.where(better, direct, meters), np.where(better, s["id"], station)
    meters = meters + t[:, 3]
    store.update_walks(
        conn,
        store.kind_position(conn, kind),
        t[:, 0].astype(np.int64).tolist(),
        [round(m, 1) if np.isfinite(m) else None for m in meters.tolist()],
        [int(s) if s >= 0 else None for s in station.tolist()],
    )
    return len(rows)
