"""``gridmap import roads``: replace the walkable network with one read from an OpenStreetMap
file (``.osm`` XML or ``.osm.pbf``, optionally compressed), then recompute every walking
cache and service area — all in one transaction, so a refused or failed import leaves the
old network as it was.

The file is read by osmium with a node-location cache; only ``highway`` ways are looked at,
:mod:`gridmap.geo.osm` decides which are walkable and splits them at junctions.
"""

from __future__ import annotations

import logging
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import osmium
import shapely
from sqlalchemy import Connection

from gridmap.db import network as db
from gridmap.errors import InvalidInput
from gridmap.geo import osm
from gridmap.services import service_areas
from gridmap.services.scope import maintenance
from gridmap.services.walking import refresh_reach
from gridmap.settings import get_settings

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
EXAMPLES = 5  # households off the network listed in the report
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Read:
    """What the reader saw: the walkable ways and the tally of highway ways."""

    ways: osm.Ways
    highway_ways: int
    kept: int
    dropped: dict[str, int]
    missing_nodes: int  # node references without a location in the file


@dataclass(frozen=True)
class RoadImport:
    """The report of an import."""

    path: str
    highway_ways: int
    ways_kept: int
    dropped: dict[str, int]  # reason → ways
    missing_nodes: int
    nodes: int
    edges: int
    edges_in_extent: int  # edges within reach of the district's data (all, on an empty db)
    total_km: float
    components: int
    largest_component_edges: int
    stations: int
    stations_off_network: list[int]
    stations_off_main: list[int]  # attached to an edge outside the largest component
    households: int
    households_off_network: int
    household_examples: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def stations_attached(self) -> int:
        return self.stations - len(self.stations_off_network)


def read_ways(path: Path) -> Read:
    """Every walkable way of an OSM file with its node locations (pieces of a way whose nodes
    are missing from the file are kept apart)."""
    refs, lons, lats = array("q"), array("d"), array("d")
    offsets, way_ids = array("q", [0]), array("q")
    kinds: list[str] = []
    names: list[str | None] = []
    dropped: Counter[str] = Counter()
    seen = kept = missing = 0
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    try:
        for way in processor:
            assert isinstance(way, osmium.osm.Way)  # the entity filter lets ways through only
            seen += 1
            tags = way.tags
            reason = osm.drop_reason(
                {k: v for k in ("highway", "foot", "access", "area") if (v := tags.get(k))}
            )
            if reason:
                dropped[reason] += 1
                continue
            pieces = 0
            run = 0
            for node in way.nodes:
                location = node.location
                if not location.valid():
                    missing += 1
                    pieces += _close(run, refs, lons, lats, offsets)
                    run = 0
                    continue
                refs.append(node.ref)
                lons.append(location.lon)
                lats.append(location.lat)
                run += 1
            pieces += _close(run, refs, lons, lats, offsets)
            if not pieces:
                dropped[osm.MISSING_NODES] += 1
                continue
            kept += 1
            highway, name = tags["highway"], tags.get("name") or tags.get("name:zh")
            way_ids.extend([way.id] * pieces)
            kinds.extend([highway] * pieces)
            names.extend([name] * pieces)
    except RuntimeError as exc:
        raise InvalidInput(f"{path}: not a readable OpenStreetMap file ({exc})") from exc
    ways = osm.Ways(
        refs=np.frombuffer(refs, dtype=np.int64),
        lons=np.frombuffer(lons, dtype=np.float64),
        lats=np.frombuffer(lats, dtype=np.float64),
        offsets=np.frombuffer(offsets, dtype=np.int64),
        way_ids=np.frombuffer(way_ids, dtype=np.int64),
        kinds=kinds,
        names=names,
    )
    return Read(ways, seen, kept, dict(sorted(dropped.items(), key=_order)), missing)


def _close(run: int, refs: array, lons: array, lats: array, offsets: array) -> int:  # type: ignore[type-arg]
    """End the current run of located nodes: a way piece if it has two or more, else drop it."""
    if run >= 2:
        offsets.append(len(refs))
        return 1
    if run == 1:
        for values in (refs, lons, lats):
            values.pop()
    return 0


@maintenance("importing roads")
def import_roads(conn: Connection, path: Path, progress: Progress | None = None) -> RoadImport:
    """Replace the walkable network with the one in ``path`` and recompute the walking reach,
    household walks and service areas, atomically; return the report.

    Refused, with the old network untouched: an unreadable, malformed or empty file, one
    with no walkable ways, or one none of whose walkable edges lies near the district's data.
    """
    started = time.perf_counter()
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    say = progress or (lambda _: None)
    say(f"reading {path.name}")
    read = read_ways(path)
    if not read.kept:
        raise InvalidInput(f"{path}: no walkable ways ({_tally(read)})")
    say("splitting ways at junctions")
    net = osm.split_ways(read.ways)
    if net.n_edges == 0:
        raise InvalidInput(f"{path}: no walkable edges once split ({_tally(read)})")
    extent = db.data_extent(conn)
    in_extent = net.n_edges if extent is None else _edges_near(net, extent)
    if in_extent == 0:
        assert extent is not None
        raise InvalidInput(
            f"{path}: none of its {net.n_edges:,} walkable edges lies within "
            f"{get_settings().max_snap_m:.0f} m of the district's data (file: "
            f"{_box(_file_box(net))}; district: {_box(extent)})"
        )
    say(f"writing {net.n_nodes:,} nodes and {net.n_edges:,} edges")
    db.replace_network(conn, _node_rows(net), _edge_rows(net))
    stats = refresh_reach(conn, progress=say)
    say("service areas (5, 10, 15 minutes)")
    service_areas.build(conn)
    households, off, examples = db.households_off_network(conn, EXAMPLES)
    station_edges = db.station_edge_ids(conn)
    labels = net.edge_components()
    components, largest = net.components()
    off_main = sorted(s for s, e in station_edges.items() if labels[e - 1] != 0)
    report = RoadImport(
        path=str(path),
        highway_ways=read.highway_ways,
        ways_kept=read.kept,
        dropped=read.dropped,
        missing_nodes=read.missing_nodes,
        nodes=net.n_nodes,
        edges=net.n_edges,
        edges_in_extent=in_extent,
        total_km=net.total_m / 1000,
        components=components,
        largest_component_edges=largest,
        stations=stats.stations,
        stations_off_network=stats.off_network,
        stations_off_main=off_main,
        households=households,
        households_off_network=off,
        household_examples=[dict(r) for r in examples],
        seconds=time.perf_counter() - started,
    )
    log.info(
        "imported roads from %s: %d edges, %.1f km; %d households off the network",
        path,
        report.edges,
        report.total_km,
        off,
    )
    return report


def _tally(read: Read) -> str:
    if not read.highway_ways:
        return "the file has no highway ways"
    reasons = ", ".join(f"{n:,} {r}" for r, n in read.dropped.items())
    return f"{read.highway_ways:,} highway ways read, dropped: {reasons}"


def _order(item: tuple[str, int]) -> int:
    return osm.REASONS.index(item[0]) if item[0] in osm.REASONS else len(osm.REASONS)


def _edges_near(net: osm.Network, extent: tuple[float, float, float, float]) -> int:
    """Edges whose bounding box comes within ``GRIDMAP_MAX_SNAP_M`` of the extent."""
    west, south, east, north = extent
    margin = get_settings().max_snap_m / METRES_PER_DEGREE
    lon_margin = margin / max(np.cos(np.radians(max(abs(south), abs(north)))), 0.01)
    starts = net.coord_offsets[:-1]
    return int(
        np.count_nonzero(
            (np.minimum.reduceat(net.lons, starts) <= east + lon_margin)
            & (np.maximum.reduceat(net.lons, starts) >= west - lon_margin)
            & (np.minimum.reduceat(net.lats, starts) <= north + margin)
            & (np.maximum.reduceat(net.lats, starts) >= south - margin)
        )
    )


def _file_box(net: osm.Network) -> tuple[float, float, float, float]:
    return (
        float(net.lons.min()),
        float(net.lats.min()),
        float(net.lons.max()),
        float(net.lats.max()),
    )


def _box(box: tuple[float, float, float, float]) -> str:
    return f"lon {box[0]:.4f}…{box[2]:.4f}, lat {box[1]:.4f}…{box[3]:.4f}"


def _node_rows(net: osm.Network):  # type: ignore[no-untyped-def]
    return zip(
        range(1, net.n_nodes + 1), net.node_lons.tolist(), net.node_lats.tolist(), strict=True
    )


def _edge_rows(net: osm.Network):  # type: ignore[no-untyped-def]
    lines = shapely.linestrings(
        np.column_stack([net.lons, net.lats]),
        indices=np.repeat(np.arange(net.n_edges), np.diff(net.coord_offsets)),
    )
    wkb = shapely.to_wkb(shapely.set_srid(lines, 4326), hex=True, include_srid=True)
    return zip(
        range(1, net.n_edges + 1),
        (net.sources + 1).tolist(),
        (net.targets + 1).tolist(),
        net.lengths.tolist(),
        net.kinds,
        net.names,
        wkb.tolist(),
        strict=True,
    )
