"""Walkable OSM ways and their split into edges (pure), and reading them from files."""

import numpy as np
import pytest
from pyproj import Geod

from gridmap.errors import InvalidInput
from gridmap.geo import osm
from gridmap.services.roads import read_ways
from tests.osm_files import OsmData

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ({"highway": "residential"}, None),
        ({"highway": "footway", "footway": "crossing"}, None),
        ({"highway": "steps"}, None),
        ({"highway": "primary_link"}, None),
        ({"highway": "service", "access": "private", "foot": "yes"}, None),
        ({"highway": "path", "access": "no", "foot": "designated"}, None),
        ({"highway": "cycleway", "foot": "designated"}, None),
        ({"highway": "motorway"}, osm.MOTORWAY),
        ({"highway": "trunk_link", "foot": "yes"}, osm.MOTORWAY),
        ({"highway": "residential", "foot": "no"}, osm.FOOT_NO),
        ({"highway": "primary", "foot": "use_sidepath"}, osm.FOOT_NO),
        ({"highway": "service", "access": "private"}, osm.PRIVATE),
        ({"highway": "track", "access": "no"}, osm.PRIVATE),
        ({"highway": "cycleway"}, osm.NO_FOOT_ACCESS),
        ({"highway": "pedestrian", "area": "yes"}, osm.AREA),
        ({"highway": "construction"}, osm.NOT_WALKABLE),
        ({"highway": "proposed"}, osm.NOT_WALKABLE),
    ],
)
def test_drop_reason(tags, reason):
    assert osm.drop_reason(tags) == reason


def _ways(*ways: list[tuple[int, float, float]]) -> osm.Ways:
    refs = [r for w in ways for r, _, _ in w]
    sizes = [len(w) for w in ways]
    return osm.Ways(
        refs=np.array(refs, dtype=np.int64),
        lons=np.array([x for w in ways for _, x, _ in w]),
        lats=np.array([y for w in ways for _, _, y in w]),
        offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        way_ids=np.arange(100, 100 + len(ways), dtype=np.int64),
        kinds=[f"kind{k}" for k in range(len(ways))],
        names=[f"name{k}" for k in range(len(ways))],
    )


def _edges(net: osm.Network) -> set[tuple[int, ...]]:
    """Each edge as the OSM ids of its nodes, end to end."""
    found = set()
    for k in range(net.n_edges):
        lo, hi = net.coord_offsets[k], net.coord_offsets[k + 1]
        ends = (int(net.node_osm_ids[net.sources[k]]), int(net.node_osm_ids[net.targets[k]]))
        found.add((ends, hi - lo))
    return found


def test_ways_split_at_shared_nodes_only():
    # A: 1-2-3-4 (west→east); B: 5-3-6 (south→north) crosses A at node 3.
    a = [(1, 119.0, 32.0), (2, 119.001, 32.0), (3, 119.002, 32.0), (4, 119.003, 32.0)]
    b = [(5, 119.002, 31.999), (3, 119.002, 32.0), (6, 119.002, 32.001)]
    net = osm.split_ways(_ways(a, b))
    assert _edges(net) == {((1, 3), 3), ((3, 4), 2), ((5, 3), 2), ((3, 6), 2)}
    assert net.n_nodes == 5  # node 2 is inside an edge, not a node of the network
    assert sorted(net.node_osm_ids.tolist()) == [1, 3, 4, 5, 6]
    assert net.kinds == ["kind0", "kind0", "kind1", "kind1"]
    assert net.way_ids.tolist() == [100, 100, 101, 101]
    assert net.components() == (1, 4)
    # each edge's length is its geodesic length along its vertices
    for k in range(net.n_edges):
        lo, hi = net.coord_offsets[k], net.coord_offsets[k + 1]
        true = GEOD.line_length(net.lons[lo:hi], net.lats[lo:hi])
        assert net.lengths[k] == pytest.approx(true, rel=1e-9)
    assert net.node_lons[net.sources[0]] == 119.0


def test_a_loop_and_a_repeated_node():
    # A closed way 1-2-3-1 touching a street 4-2-5 at node 2; node 3 repeated right after itself.
    loop = [(1, 119.0, 32.0), (2, 119.001, 32.0), (3, 119.001, 32.001), (3, 119.001, 32.001)]
    loop.append((1, 119.0, 32.0))
    street = [(4, 119.001, 31.999), (2, 119.001, 32.0), (5, 119.002, 32.0)]
    net = osm.split_ways(_ways(loop, street))
    assert _edges(net) == {((1, 2), 2), ((2, 1), 3), ((4, 2), 2), ((2, 5), 2)}


def test_disconnected_pieces_and_degenerate_ways():
    far = [(7, 119.1, 32.1), (8, 119.101, 32.1)]
    single = [(9, 119.2, 32.2)]
    same = [(10, 119.3, 32.3), (10, 119.3, 32.3)]
    near = [(1, 119.0, 32.0), (2, 119.001, 32.0)]
    net = osm.split_ways(_ways(near, single, far, same))
    assert net.n_edges == 2 and net.components() == (2, 1)
    near2 = [(1, 119.0, 32.0), (2, 119.001, 32.0), (3, 119.002, 32.0), (4, 119.0, 32.001)]
    net = osm.split_ways(_ways(far, near2, [(2, 119.001, 32.0), (4, 119.0, 32.001)]))
    assert net.edge_components().tolist() == [1, 0, 0, 0]  # the largest component is 0
    assert osm.split_ways(_ways()).n_edges == 0


def test_reading_an_osm_file_keeps_walkable_ways(tmp_path):
    data = OsmData()
    for i in range(1, 6):
        data.node(i, 119.0 + i * 0.001, 32.0)
    data.way(1, [1, 2, 3], highway="residential", name="中山路 <东段>")
    data.way(2, [3, 4], highway="motorway")
    data.way(3, [4, 5], highway="footway", foot="no")
    data.way(4, [2, 4], building="yes")
    data.way(5, [3, 99, 4, 5], highway="footway")  # node 99 is not in the file
    data.way(6, [5, 98], highway="path")  # …nor 98: nothing of the way is left
    read = read_ways(data.write_xml(tmp_path / "a.osm"))
    assert (read.highway_ways, read.kept, read.missing_nodes) == (5, 2, 2)
    assert read.dropped == {osm.MOTORWAY: 1, osm.FOOT_NO: 1, osm.MISSING_NODES: 1}
    assert read.ways.names == ["中山路 <东段>", None]
    assert read.ways.refs.tolist() == [1, 2, 3, 4, 5]  # way 5 keeps its piece 4-5
    pbf = read_ways(data.write_pbf(tmp_path / "a.osm.pbf"))
    assert pbf.ways.refs.tolist() == read.ways.refs.tolist()
    assert np.allclose(pbf.ways.lons, read.ways.lons, atol=1e-7)


@pytest.mark.parametrize("content", [b"", b"garbage <osm", b"<osm><way id='1'>"])
def test_malformed_files_are_invalid_input(tmp_path, content):
    path = tmp_path / "bad.osm"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match="bad.osm"):
        read_ways(path)
