"""``gridmap import roads``: OSM files the tests write, imported into a toy world where the
right walking answer is known.

The world: a station on the south bank of a river (y = 0) and a household on the north bank
(y = 305).  The demo-style network it starts with crosses the river only 1 km east, so the
walk is 2,305 m; the OSM file adds a footbridge right between them.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyproj import Geod
from sqlalchemy import text

from gridmap.errors import InvalidInput
from gridmap.geo import osm
from gridmap.services import audit
from gridmap.services.roads import import_roads
from tests.helpers import as_admin
from tests.integration.toy import GRID, build_world, lonlat, walk
from tests.osm_files import OsmData

KIND = "助餐点"
GEOD = Geod(ellps="WGS84")
GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


def riverside() -> OsmData:
    """Two banks, a footbridge between them at x = 0, and ways a pedestrian may not use."""
    data = OsmData()
    for i, (x, y) in {
        1: (-1000, 0),
        2: (0, 0),
        3: (1000, 0),
        4: (-1000, 300),
        5: (0, 300),
        6: (1000, 300),
        7: (-1000, 150),
        8: (1000, 150),
        9: (500, 0),
    }.items():
        data.node(i, *lonlat(x, y))
    data.way(101, [1, 2, 9, 3], highway="residential", name="滨江路")
    data.way(102, [4, 5, 6], highway="residential", name="江北路")
    data.way(103, [2, 5], highway="footway", bridge="yes", name="人行桥")
    data.way(104, [7, 8], highway="motorway")  # over the footbridge, no shared node
    data.way(105, [3, 6], highway="primary", foot="no")  # the east bridge, closed to walkers
    data.way(106, [1, 4], highway="service", access="private")  # the west bridge, private
    data.way(107, [1, 3], building="yes")  # not a highway at all
    return data


@pytest.fixture(scope="module")
def world(make_database):
    return make_database("osm_import")


@pytest.fixture
def river(world):
    """The toy world with its own network: the only bridge is 1 km east."""
    with world.begin() as conn:
        build_world(
            conn,
            roads=[((-1000, 0), (1000, 0)), ((-1000, 300), (1000, 300)), ((1000, 0), (1000, 300))],
            stations=[(KIND, 0, 0)],
            households=[(0, 305)],
        )
        assert walk(conn, 1, KIND) == pytest.approx(2305, abs=1)
    return world


def fingerprint(engine) -> tuple:
    """Everything an import replaces, in a comparable form."""
    with engine.connect() as conn:
        edges = conn.execute(
            text("SELECT id, source, target, length_m, ST_AsText(geom) FROM road_edges ORDER BY id")
        ).all()
        caches = conn.execute(
            text("""
            SELECT (SELECT count(*) FROM road_nodes), (SELECT count(*) FROM station_edges),
                   (SELECT count(*) FROM station_reach), (SELECT count(*) FROM node_nearest),
                   (SELECT array_agg(meters) FROM household_walks),
                   (SELECT sum(area_m2) FROM service_areas)
        """)
        ).one()
    return hashlib.sha256(repr(edges).encode()).hexdigest(), tuple(caches)


def test_import_keeps_walkable_ways_splits_them_and_measures_them(river, tmp_path):
    report = as_admin(river, import_roads, riverside().write_xml(tmp_path / "riverside.osm"))
    assert (report.highway_ways, report.ways_kept) == (6, 3)
    assert report.dropped == {osm.MOTORWAY: 1, osm.FOOT_NO: 1, osm.PRIVATE: 1}
    # both banks split where the footbridge meets them; node 9 is inside an edge
    assert (report.nodes, report.edges, report.components) == (6, 5, 1)
    with river.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT e.kind, e.name, e.length_m, e.cost, e.reverse_cost, ST_NPoints(e.geom),
                   ST_AsText(a.geom) = ST_AsText(ST_StartPoint(e.geom)),
                   ST_AsText(b.geom) = ST_AsText(ST_EndPoint(e.geom)), ST_AsGeoJSON(e.geom)
            FROM road_edges e JOIN road_nodes a ON a.id = e.source
            JOIN road_nodes b ON b.id = e.target ORDER BY e.id
        """)
        ).all()
    assert sorted((r[0], r[1], r[5]) for r in rows) == [
        ("footway", "人行桥", 2),
        ("residential", "江北路", 2),
        ("residential", "江北路", 2),
        ("residential", "滨江路", 2),
        ("residential", "滨江路", 3),  # 2-9-3: not split at node 9, used by one way only
    ]
    for *_, length, cost, reverse, _, starts, ends, geojson in rows:
        coords = json.loads(geojson)["coordinates"]
        true = GEOD.line_length([c[0] for c in coords], [c[1] for c in coords])
        assert length == pytest.approx(true, rel=0.01)
        assert cost == reverse == length
        assert starts and ends
    assert report.total_km == pytest.approx(4.3, rel=0.01)


def test_the_household_walks_over_the_imported_footbridge(river, tmp_path):
    report = as_admin(river, import_roads, riverside().write_xml(tmp_path / "riverside.osm"))
    assert (report.stations, report.stations_attached) == (1, 1)
    assert (report.households, report.households_off_network) == (1, 0)
    with river.connect() as conn:
        assert walk(conn, 1, KIND) == pytest.approx(305, abs=1)  # was 2,305 m
        found = as_admin(conn, audit.coverage, GRID, 5, [KIND])  # 5 minutes ≈ 333 m
        assert (found.area.overall.total, found.area.overall.covered) == (1, 1)
        lon, lat = lonlat(0, 305)
        inside = conn.execute(
            text("""SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), 4326))
                    FROM service_areas WHERE station_id = 1 AND minutes = 5"""),
            {"x": lon, "y": lat},
        ).scalar_one()
        assert inside


def test_pbf_imports_the_same_network(river, tmp_path):
    xml = as_admin(river, import_roads, riverside().write_xml(tmp_path / "riverside.osm"))
    pbf = as_admin(river, import_roads, riverside().write_pbf(tmp_path / "riverside.osm.pbf"))
    assert (pbf.ways_kept, pbf.dropped, pbf.nodes, pbf.edges) == (
        xml.ways_kept,
        xml.dropped,
        xml.nodes,
        xml.edges,
    )
    assert pbf.total_km == pytest.approx(xml.total_km, abs=1e-4)


def test_reimport_replaces_everything(river, tmp_path):
    as_admin(river, import_roads, riverside().write_xml(tmp_path / "riverside.osm"))
    # the second file: the south bank only, crossed by a footway at x = 200
    south = OsmData()
    for i, (x, y) in {
        11: (-1000, 0),
        12: (200, 0),
        13: (1000, 0),
        14: (200, -100),
        15: (200, 100),
    }.items():
        south.node(i, *lonlat(x, y))
    south.way(201, [11, 12, 13], highway="unclassified")
    south.way(202, [14, 12, 15], highway="path")
    report = as_admin(river, import_roads, south.write_xml(tmp_path / "south.osm"))
    assert (report.ways_kept, report.nodes, report.edges, report.dropped) == (2, 5, 4, {})
    with river.connect() as conn:
        counts = conn.execute(
            text("""SELECT (SELECT count(*) FROM road_edges), (SELECT max(id) FROM road_edges),
                           (SELECT count(*) FROM road_nodes), (SELECT max(id) FROM road_nodes),
                           (SELECT count(DISTINCT name) FROM road_edges),
                           (SELECT count(*) FROM station_reach r WHERE NOT EXISTS
                               (SELECT 1 FROM road_nodes n WHERE n.id = r.node_id)),
                           (SELECT count(*) FROM station_edges s WHERE NOT EXISTS
                               (SELECT 1 FROM road_edges e WHERE e.id = s.edge_id)),
                           (SELECT count(*) FROM household_walks WHERE edge_id IS NOT NULL),
                           (SELECT count(*) FROM service_areas)""")
        ).one()
        assert tuple(counts) == (4, 4, 5, 5, 0, 0, 0, 0, 3)
        # the household is now 305 m from any walkable edge: reported, not snapped
        assert walk(conn, 1, KIND) is None
    assert (report.households, report.households_off_network) == (1, 1)
    [example] = report.household_examples
    assert example["id"] == 1 and example["snap_m"] == pytest.approx(305, abs=1)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not a readable OpenStreetMap file"),
        (b"<osm version='0.6'><node id='1' lat='32.1' lon='119.4'>", "not a readable"),
        (b"<osm version='0.6'></osm>", "the file has no highway ways"),
    ],
)
def test_malformed_or_empty_files_leave_the_network_alone(river, tmp_path, content, problem):
    before = fingerprint(river)
    path = tmp_path / "bad.osm"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=rf"bad\.osm.*{problem}"):
        as_admin(river, import_roads, path)
    assert fingerprint(river) == before


def test_nothing_walkable_or_nothing_nearby_is_refused(river, tmp_path):
    before = fingerprint(river)
    motorway = OsmData()
    motorway.node(1, *lonlat(0, 0))
    motorway.node(2, *lonlat(500, 0))
    motorway.way(1, [1, 2], highway="motorway")
    motorway.way(2, [1, 2], highway="residential", access="private")
    with pytest.raises(InvalidInput, match=r"no walkable ways .*1 motorway or trunk, 1 access"):
        as_admin(river, import_roads, motorway.write_xml(tmp_path / "motorway.osm"))
    beijing = OsmData()
    beijing.node(1, 116.39, 39.90)
    beijing.node(2, 116.40, 39.90)
    beijing.way(1, [1, 2], highway="residential")
    with pytest.raises(InvalidInput, match=r"beijing\.osm: none of its 1 walkable edges"):
        as_admin(river, import_roads, beijing.write_xml(tmp_path / "beijing.osm"))
    with pytest.raises(InvalidInput, match="no such file"):
        as_admin(river, import_roads, tmp_path / "missing.osm")
    assert fingerprint(river) == before


def test_an_import_interrupted_after_writing_leaves_no_trace(river, tmp_path):
    # Ctrl-C while the service areas are being built: the new network is already written
    # in the transaction, which is rolled back.
    before = fingerprint(river)
    steps = []

    def interrupt(step: str) -> None:
        steps.append(step)
        if step.startswith("service areas"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        as_admin(river, import_roads, riverside().write_xml(tmp_path / "riverside.osm"), interrupt)
    assert any(s.startswith("writing 6 nodes and 5 edges") for s in steps)
    assert fingerprint(river) == before


def test_the_command_prints_the_report(river, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = river.url.render_as_string(hide_password=False)
    path = riverside().write_pbf(tmp_path / "riverside.osm.pbf")
    done = subprocess.run(
        [GRIDMAP, "import", "roads", str(path)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "6 highway ways read, 3 kept" in done.stdout
    assert "1 motorway or trunk" in done.stdout and "5 edges" in done.stdout
    assert "stations: 1 of 1 attached" in done.stdout
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf")
    done = subprocess.run(
        [GRIDMAP, "import", "roads", str(bad)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1 and "bad.osm.pbf" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_station_on_a_cut_off_piece_of_road_is_reported(river, tmp_path):
    # The station (0, 0) is 10 m from a lone footway; the streets are 100 m away.
    data = OsmData()
    for i, (x, y) in {1: (-50, 10), 2: (50, 10), 3: (-1000, -100), 4: (0, -100)}.items():
        data.node(i, *lonlat(x, y))
    data.node(5, *lonlat(1000, -100))
    data.node(6, *lonlat(0, -300))
    data.way(1, [1, 2], highway="footway")
    data.way(2, [3, 4, 5], highway="residential")
    data.way(3, [4, 6], highway="service")
    report = as_admin(river, import_roads, data.write_xml(tmp_path / "island.osm"))
    assert (report.components, report.largest_component_edges) == (2, 3)
    assert (report.stations_attached, report.stations_off_main) == (1, [1])
