"""OpenStreetMap ways → a walkable network: which ways a pedestrian may use, and how they
split into edges at junctions, with geodesic lengths in metres.

Pure: no file or database access.  The reader (:mod:`gridmap.services.roads`) hands over
the kept ways as flat arrays; :func:`split_ways` turns them into nodes and edges ready for
``road_nodes`` / ``road_edges`` (and pgRouting).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# highway values a pedestrian may walk along (``highway=crossing`` is a node tag; crossings
# drawn as ways are ``highway=footway`` + ``footway=crossing`` and are kept as footways)
WALKABLE = frozenset(
    {
        "footway",
        "path",
        "pedestrian",
        "steps",
        "living_street",
        "residential",
        "service",
        "unclassified",
        "road",
        "track",
        "corridor",
        "crossing",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
    }
)
NEEDS_FOOT = frozenset({"cycleway", "bridleway", "busway"})  # walkable only if foot allowed
MOTOR_ONLY = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
FOOT_FORBIDDEN = frozenset({"no", "private", "use_sidepath"})
ACCESS_FORBIDDEN = frozenset({"no", "private"})

# drop reasons, in the order a report lists them
NOT_WALKABLE = "highway not walkable (construction, proposed, platform…)"
MOTORWAY = "motorway or trunk"
FOOT_NO = "foot=no"
PRIVATE = "access=private or no"
NO_FOOT_ACCESS = "cycleway without foot access"
AREA = "area=yes"
MISSING_NODES = "node locations missing from the file"
REASONS = (MOTORWAY, FOOT_NO, PRIVATE, NO_FOOT_ACCESS, AREA, NOT_WALKABLE, MISSING_NODES)

_GEOD = Geod(ellps="WGS84")


def drop_reason(tags: Mapping[str, str]) -> str | None:
    """Why a pedestrian may not use a way with these tags, or None if the way is walkable."""
    highway = tags.get("highway")
    foot = tags.get("foot")
    if highway in MOTOR_ONLY:
        return MOTORWAY
    if foot in FOOT_FORBIDDEN:
        return FOOT_NO
    if tags.get("access") in ACCESS_FORBIDDEN and foot not in FOOT_ALLOWED:
        return PRIVATE
    if tags.get("area") == "yes":
        return AREA
    if highway in NEEDS_FOOT:
        return None if foot in FOOT_ALLOWED else NO_FOOT_ACCESS
    if highway not in WALKABLE:
        return NOT_WALKABLE
    return None


@dataclass(frozen=True)
class Ways:
    """Kept ways as flat arrays: way ``k`` has the nodes ``refs[offsets[k]:offsets[k + 1]]``
    at (``lons``, ``lats``)."""

    refs: IntArray  # OSM node ids
    lons: FloatArray
    lats: FloatArray
    offsets: IntArray  # n_ways + 1
    way_ids: IntArray  # OSM way id of each way
    kinds: list[str]  # highway value
    names: list[str | None]

    def __len__(self) -> int:
        return int(self.offsets.size - 1)


@dataclass(frozen=True)
class Network:
    """Nodes and edges split at junctions.  Node and edge indices are 0-based; edge ``k``'s
    geometry is ``lons/lats[coord_offsets[k]:coord_offsets[k + 1]]``."""

    node_osm_ids: IntArray
    node_lons: FloatArray
    node_lats: FloatArray
    sources: IntArray  # node index
    targets: IntArray  # node index
    lengths: FloatArray  # geodesic metres on WGS84
    kinds: list[str]
    names: list[str | None]
    way_ids: IntArray  # the OSM way each edge comes from
    coord_offsets: IntArray
    lons: FloatArray
    lats: FloatArray

    @property
    def n_edges(self) -> int:
        return int(self.sources.size)

    @property
    def n_nodes(self) -> int:
        return int(self.node_osm_ids.size)

    @property
    def total_m(self) -> float:
        return float(self.lengths.sum())

    def edge_components(self) -> IntArray:
        """Per edge, the label of its connected component; the largest component is 0."""
        if self.n_edges == 0:
            return np.zeros(0, dtype=np.int64)
        n = self.n_nodes
        ones = np.ones(self.n_edges)
        graph = coo_matrix((ones, (self.sources, self.targets)), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        per_edge = labels[self.sources]
        rank = np.argsort(-np.bincount(per_edge, minlength=count), kind="stable")
        relabel = np.empty(count, dtype=np.int64)
        relabel[rank] = np.arange(count)
        return relabel[per_edge]

    def components(self) -> tuple[int, int]:
        """(number of connected components, edges in the largest one)."""
        labels = self.edge_components()
        if labels.size == 0:
            return 0, 0
        return int(labels.max()) + 1, int(np.count_nonzero(labels == 0))


def split_ways(ways: Ways) -> Network:
    """Split every way at its ends and at every junction — a node used by two ways, or twice
    by one (a loop) — into edges; measure each edge along the ellipsoid."""
    refs, lons, lats, way_of = _without_repeats(ways)
    n = refs.size
    starts = np.ones(n, dtype=bool)
    starts[1:] = way_of[1:] != way_of[:-1]
    ends = np.ones(n, dtype=bool)
    ends[:-1] = starts[1:]
    _, inverse, counts = np.unique(refs, return_inverse=True, return_counts=True)
    split = starts | ends | (counts[inverse.ravel()] > 1)
    at = np.flatnonzero(split)
    same_way = way_of[at[1:]] == way_of[at[:-1]]
    first, last = at[:-1][same_way], at[1:][same_way]  # each edge: positions first..last

    step = np.zeros(n)
    if n > 1:
        _, _, d = _GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        step[1:] = np.where(starts[1:], 0.0, d)
    walked = np.cumsum(step)
    lengths = walked[last] - walked[first]

    node_refs, node_index = np.unique(
        np.concatenate([refs[first], refs[last]]), return_inverse=True
    )
    node_index = node_index.ravel()
    node_pos = np.empty(node_refs.size, dtype=np.int64)
    node_pos[node_index] = np.concatenate([first, last])  # any position of that node

    spans = last - first + 1
    coord_offsets = np.concatenate([[0], np.cumsum(spans)]).astype(np.int64)
    take = np.repeat(first - coord_offsets[:-1], spans) + np.arange(coord_offsets[-1])
    edge_way = way_of[first]
    return Network(
        node_osm_ids=node_refs.astype(np.int64),
        node_lons=lons[node_pos],
        node_lats=lats[node_pos],
        sources=node_index[: first.size].astype(np.int64),
        targets=node_index[first.size :].astype(np.int64),
        lengths=lengths,
        kinds=[ways.kinds[w] for w in edge_way.tolist()],
        names=[ways.names[w] for w in edge_way.tolist()],
        way_ids=ways.way_ids[edge_way],
        coord_offsets=coord_offsets,
        lons=lons[take],
        lats=lats[take],
    )


def _without_repeats(ways: Ways) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
    """Drop a node repeated right after itself, then ways left with fewer than two nodes."""
    way_of = np.repeat(np.arange(len(ways)), np.diff(ways.offsets))
    keep = np.ones(ways.refs.size, dtype=bool)
    keep[1:] = (ways.refs[1:] != ways.refs[:-1]) | (way_of[1:] != way_of[:-1])
    refs, lons, lats, way_of = ways.refs[keep], ways.lons[keep], ways.lats[keep], way_of[keep]
    sizes = np.bincount(way_of, minlength=len(ways))
    long_enough = sizes[way_of] >= 2
    return refs[long_enough], lons[long_enough], lats[long_enough], way_of[long_enough]
