"""Service areas (walking isochrones) of stations, cached in ``service_areas``.

An edge belongs to a station's area as far as it can be walked in the time: whole when the
walks in from its two ends meet, otherwise the reachable stretch from each end; the station's
own edge counts from the station outwards.  The stretches are buffered by
``GRIDMAP_SERVICE_AREA_BUFFER_M`` (the ground beside a walkable path is reachable too) and
unioned — in a metric UTM projection with shapely, in two forked worker processes when
there are many stations.  The straight-line circle of the same distance is stored beside it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from scipy.sparse.csgraph import dijkstra
from shapely.ops import substring
from sqlalchemy import Connection

from gridmap.db import network
from gridmap.db import service_areas as db
from gridmap.domain.walking import MAX_MINUTES, check_minutes
from gridmap.errors import InvalidInput
from gridmap.geo import crs
from gridmap.services.walking import Graph, build_graph, walk_meters
from gridmap.settings import get_settings

RINGS = (5, 10, 15)  # GB 50180-2018 life circles, in minutes
QUAD_SEGS = 3  # segments per quarter circle of a buffer's round ends


@dataclass
class Builder:
    """The network in metres, with the stations joined to it, ready to build areas."""

    graph: Graph
    lines: np.ndarray  # per edge: shapely LineString in UTM metres
    buffered: np.ndarray  # per edge: its line buffered by buffer_m (whole edges reuse it)
    buffer_m: float
    lengths: np.ndarray
    edge_of: np.ndarray  # edge indices grouped by the node they touch (each edge twice)…
    bounds: np.ndarray  # …node i's edges being edge_of[bounds[i]:bounds[i + 1]]
    sources: np.ndarray  # per edge: node index of its source
    targets: np.ndarray  # per edge: node index of its target
    stations: list[dict]  # id, lon, lat, edge index, fraction, snap
    to_utm: Transformer
    from_utm: Transformer


def prepare(
    conn: Connection, station_ids: Sequence[int] | None = None, net: network.Network | None = None
) -> Builder:
    """The builder for these stations (default: all); ``net`` saves loading it again.

    For a few stations only the road geometry within the longest walk of them is read."""
    net = net if net is not None else network.load_network(conn)
    if net.empty:
        raise InvalidInput("the walkable network is empty: load the demo or import roads first")
    rows = db.attached_stations(conn, station_ids)
    stations = [dict(r) for r in rows]
    graph = build_graph(
        net,
        [
            {
                "source": s["source"],
                "target": s["target"],
                "fraction": s["fraction"],
                "length_m": s["length_m"],
                "snap_m": s["snap_m"],
            }
            for s in stations
        ],
    )
    lon0 = float(np.mean([s["lon"] for s in stations])) if stations else 120.0
    zone = int((lon0 + 180) // 6) + 1
    to_utm = Transformer.from_crs("EPSG:4326", f"EPSG:{32600 + zone}", always_xy=True)
    from_utm = Transformer.from_crs(f"EPSG:{32600 + zone}", "EPSG:4326", always_xy=True)
    wkb = db.edge_geometries(conn, station_ids, crs.degrees_covering(walk_meters(MAX_MINUTES)))
    lines = np.full(net.edge_ids.size, None, dtype=object)  # edges out of reach stay None
    buffered = lines.copy()
    buffer_m = get_settings().service_area_buffer_m
    if wkb:
        index = np.searchsorted(net.edge_ids, np.array([r[0] for r in wkb], dtype=np.int64))
        lines[index] = shapely.transform(
            shapely.from_wkb([bytes(r[1]) for r in wkb]),
            lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])),
        )
        buffered[index] = shapely.buffer(lines[index], buffer_m, quad_segs=QUAD_SEGS)
    src = np.searchsorted(net.node_ids, net.sources)
    tgt = np.searchsorted(net.node_ids, net.targets)
    order = np.argsort(np.concatenate([src, tgt]), kind="stable")
    nodes_sorted = np.concatenate([src, tgt])[order]
    bounds = np.searchsorted(nodes_sorted, np.arange(net.node_ids.size + 1))
    edge_of = np.concatenate([np.arange(src.size), np.arange(tgt.size)])[order]
    at = np.searchsorted(net.edge_ids, [s["edge_id"] for s in stations]).tolist()
    for s, edge in zip(stations, at, strict=True):
        s["edge"] = edge
    return Builder(
        graph,
        lines,
        buffered,
        buffer_m,
        net.lengths,
        edge_of,
        bounds,
        src,
        tgt,
        stations,
        to_utm,
        from_utm,
    )


def _area(b: Builder, k: int, dist: np.ndarray, meters: float):  # type: ignore[no-untyped-def]
    """The buffered union of what station ``k`` reaches within ``meters`` (WGS84)."""
    n = b.graph.n_nodes
    reached = np.flatnonzero(dist[:n] <= meters)
    whole_buffers, stretches = [], []
    if reached.size:
        edges = np.unique(b.edge_of[_ranges(b.bounds[reached], b.bounds[reached + 1])])
        lengths = b.lengths[edges]
        src_left = np.maximum(meters - dist[b.sources[edges]], 0)
        tgt_left = np.maximum(meters - dist[b.targets[edges]], 0)
        whole = src_left + tgt_left >= lengths
        whole_buffers = list(b.buffered[edges[whole]])
        for j in np.flatnonzero(~whole):
            line, length = b.lines[edges[j]], lengths[j]
            if src_left[j] > 0:
                stretches.append(substring(line, 0, src_left[j]))
            if tgt_left[j] > 0:
                stretches.append(substring(line, length - tgt_left[j], length))
    station = b.stations[k]
    reach = meters - station["snap_m"]
    if reach > 0:
        line, length = b.lines[station["edge"]], b.lengths[station["edge"]]
        at = station["fraction"] * length
        stretches.append(substring(line, max(0.0, at - reach), min(length, at + reach)))
    if not stretches and not whole_buffers:
        return None
    pieces = shapely.buffer(np.array(stretches), b.buffer_m, quad_segs=QUAD_SEGS)
    polygon = shapely.union_all(np.concatenate([np.array(whole_buffers, dtype=object), pieces]))
    return shapely.transform(
        polygon, lambda xy: np.column_stack(b.from_utm.transform(xy[:, 0], xy[:, 1]))
    )


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The indices of all the ranges starts[i]:stops[i], concatenated (without a loop)."""
    counts = stops - starts
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(counts.sum())


CHUNK = 32
PROCESSES = 2  # builds of many stations fork this many workers (the machine has 2 cores)
_BUILDER: Builder | None = None  # the builder a forked worker inherits


def _build_chunk(
    start: int, stop: int, rings: list[tuple[int, float]]
) -> list[tuple[int, int, str]]:
    """Areas of stations ``start:stop`` of the inherited builder, as hex EWKB."""
    b = _BUILDER
    assert b is not None
    chunk = np.arange(start, stop)
    dist = dijkstra(
        b.graph.matrix, directed=False, indices=b.graph.n_nodes + chunk, limit=rings[-1][1]
    )
    rows = []
    for row, k in enumerate(chunk.tolist()):
        for m, d in rings:
            area = _area(b, k, dist[row], d)
            wkb = (
                ""
                if area is None
                else shapely.to_wkb(
                    shapely.set_srid(shapely.multipolygons(shapely.get_parts(area)), 4326),
                    hex=True,
                    include_srid=True,
                )
            )
            rows.append((b.stations[k]["id"], m, wkb))
    return rows


def build(
    conn: Connection,
    station_ids: Sequence[int] | None = None,
    minutes: Sequence[int] = RINGS,
    net: network.Network | None = None,
) -> int:
    """(Re)build the service areas of these stations (default: all) at each of ``minutes``,
    in the caller's transaction; returns how many areas were written.  Other rings of the
    stations are kept.  ``net``: the network, when the caller has loaded it already."""
    global _BUILDER
    for m in minutes:
        check_minutes(m)
    rings = [(m, walk_meters(m)) for m in sorted(set(minutes))]
    b = prepare(conn, station_ids, net)
    ids = [s["id"] for s in b.stations]
    db.delete_rings(
        conn, ids if station_ids is not None else db.all_station_ids(conn), [m for m, _ in rings]
    )
    chunks = [(start, min(start + CHUNK, len(ids))) for start in range(0, len(ids), CHUNK)]
    _BUILDER = b
    try:
        if len(chunks) > 1:  # fork workers that inherit the builder (GEOS work is CPU-bound)
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
                parts = pool.map(
                    _build_chunk,
                    *zip(*chunks, strict=True),
                    [rings] * len(chunks),
                )
                rows = [row for part in parts for row in part]
        else:
            rows = [row for start, stop in chunks for row in _build_chunk(start, stop, rings)]
    finally:
        _BUILDER = None
    db.write_rings(conn, _lines(rows), ids, [m for m, _ in rings], walk_meters(1))
    return len(rows)


def _lines(rows: list[tuple[int, int, str]]):  # type: ignore[no-untyped-def]
    for station, minutes, wkb in rows:
        geom = wkb or r"\N"
        yield f"{station}\t{minutes}\t{geom}\t0\tSRID=4326;POLYGON EMPTY\t0\n"
