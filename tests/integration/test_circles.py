"""Service circles on hand-built networks where the right answer is known."""

import pytest
from sqlalchemy import text

from gridmap.errors import InvalidInput, NotFound
from gridmap.services import audit, planning, site_selection
from tests.helpers import as_admin
from tests.integration.toy import GRID, build_world, lonlat, walk

KIND = "助餐点"


@pytest.fixture(scope="module")
def toy(make_database):
    return make_database("circles_toy")


def _inside(conn, station: int, minutes: int, x: float, y: float, column: str = "geom"):
    lon, lat = lonlat(x, y)
    return conn.execute(
        text(
            f"SELECT ST_Intersects({column}, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) "
            "FROM service_areas WHERE station_id = :s AND minutes = :m"
        ),
        {"x": lon, "y": lat, "s": station, "m": minutes},
    ).scalar_one()


def test_across_the_river_is_not_covered_though_the_circle_says_so(toy):
    # Station on the south bank, household 300 m north across the river; the only bridge
    # is 1 km east, so the walk is 1000 + 300 + 1000 = 2.3 km.
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((-1000, 0), (1000, 0)), ((-1000, 300), (1000, 300)), ((1000, 0), (1000, 300))],
            stations=[(KIND, 0, 0)],
            households=[(0, 305)],
        )
        assert walk(conn, 1, KIND) == pytest.approx(2305, abs=1)
        assert _inside(conn, 1, 15, 0, 305, "circle")  # the straight-line circle covers it
        assert not _inside(conn, 1, 15, 0, 305)  # the network area does not
        found = as_admin(conn, audit.coverage, GRID, 15, [KIND])
        assert (found.area.overall.total, found.area.overall.covered) == (1, 0)


def test_through_the_compound_gate_only(toy):
    # A walled compound north of the road: its inner path meets the street only at a gate
    # at x = 400.  The household at (0, 70) is 70 m from the road as the crow flies.
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((-1000, 0), (400, 0), (1000, 0)), ((0, 60), (400, 60)), ((400, 60), (400, 0))],
            stations=[(KIND, 200, 0)],
            households=[(0, 70)],
        )
        assert walk(conn, 1, KIND) == pytest.approx(200 + 60 + 400 + 10, abs=1)
        assert as_admin(conn, audit.coverage, GRID, 15, [KIND]).area.overall.covered == 1
        assert as_admin(conn, audit.coverage, GRID, 10, [KIND]).area.overall.covered == 0  # 667 m


def test_without_a_gate_the_compound_cannot_be_reached(toy):
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((-1000, 0), (1000, 0)), ((0, 60), (400, 60))],
            stations=[(KIND, 200, 0), (KIND, 200, 65)],
            households=[(0, 70)],
        )
        # the inner station stands on the inner path; the street station cannot get in
        assert walk(conn, 1, KIND) == pytest.approx(200 + 5 + 10, abs=1)
        conn.execute(text("DELETE FROM stations WHERE id = 2"))
        from gridmap.services.walking import refresh_reach

        refresh_reach(conn)
        assert walk(conn, 1, KIND) is None
        assert as_admin(conn, audit.coverage, GRID, 15, [KIND]).area.overall.covered == 0


def test_partially_reachable_edges_count(toy):
    # One 2 km road; the station at its west end.  900 m along is within 15 minutes
    # (1,000 m), 1,100 m along is not — on the same edge.
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((0, 0), (2000, 0))],
            stations=[(KIND, 0, 0)],
            households=[(900, 5), (1100, 5)],
        )
        assert walk(conn, 1, KIND) == pytest.approx(905, abs=1)
        assert walk(conn, 2, KIND) == pytest.approx(1105, abs=1)
        assert _inside(conn, 1, 15, 900, 0) and not _inside(conn, 1, 15, 1100, 0)
        assert as_admin(conn, audit.coverage, GRID, 15, [KIND]).area.overall.covered == 1
    area = as_admin(toy, planning.service_area, 1, 15)
    assert area["households"] == 1 and area["households_in_circle"] == 1
    assert 0 < area["network_to_circle"] < 0.2


def test_greedy_siting_takes_the_biggest_uncovered_cluster_first(toy):
    # Three households 3 km east, one 3 km west; the station is in the middle.
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[
                ((-3500, 0), (-3000, 0), (0, 0), (3000, 0), (3500, 0)),
                ((3000, 0), (3000, 10)),
                ((-3000, 0), (-3000, 10)),
            ],
            stations=[(KIND, 0, 0)],
            households=[(3000, 15), (3010, 15), (2990, 15), (-3000, 15)],
        )
        siting = as_admin(conn, site_selection.suggest, GRID, count=2, kind=KIND)
    first, second = siting.steps
    assert first.households_added == 3 and second.households_added == 1
    assert first.lon > lonlat(2000, 0)[0] and second.lon < lonlat(-2000, 0)[0]
    assert (siting.covered_before, second.covered_after, second.ratio_after) == (0, 4, 1.0)


def test_flag_weights_change_the_choice(toy):
    # Two single households east and west; the west one is elderly alone (even id).
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((-3500, 0), (3500, 0))],
            stations=[(KIND, 0, 0)],
            households=[(3000, 5), (-3000, 5)],
        )
        weighted = as_admin(
            conn, site_selection.suggest, GRID, count=1, kind=KIND, weights={"elderly_alone": 3}
        )
    assert weighted.steps[0].lon < LON_WEST_OF_ZERO


LON_WEST_OF_ZERO = lonlat(0, 0)[0]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: as_admin(c, audit.coverage, "999999", 15), NotFound, "no district"),
        (lambda c: as_admin(c, audit.coverage, "12", 15), InvalidInput, "not valid"),
        (lambda c: as_admin(c, audit.coverage, GRID, 0), InvalidInput, "minutes"),
        (lambda c: as_admin(c, audit.coverage, GRID, 10_000), InvalidInput, "minutes"),
        (
            lambda c: as_admin(c, audit.coverage, GRID, 15, ["火箭站"]),
            InvalidInput,
            "unknown station kind",
        ),
        (lambda c: as_admin(c, site_selection.suggest, GRID, count=0), InvalidInput, "count"),
        (
            lambda c: as_admin(c, site_selection.suggest, GRID, weights={"rich": 2}),
            InvalidInput,
            "flag",
        ),
    ],
)
def test_bad_input_is_a_clear_error(toy, call, error, message):
    with toy.connect() as conn, pytest.raises(error, match=message):
        call(conn)


def test_unknown_and_off_network_stations(toy):
    with toy.begin() as conn:
        build_world(
            conn,
            roads=[((0, 0), (100, 0))],
            stations=[(KIND, 0, 0), (KIND, 0, 900)],
            households=[(50, 5)],
        )
    with pytest.raises(NotFound):
        as_admin(toy, planning.service_area, 99, 15)
    with pytest.raises(InvalidInput, match="walkable edge"):
        as_admin(toy, planning.service_area, 2, 15)


def test_empty_network_is_refused(toy):
    with toy.begin() as conn:
        build_world(conn, roads=[((0, 0), (100, 0))], stations=[(KIND, 0, 0)], households=[(50, 5)])
        conn.execute(text("TRUNCATE road_edges, road_nodes CASCADE"))
        with pytest.raises(InvalidInput, match="empty"):
            as_admin(conn, site_selection.suggest, GRID, kind=KIND)


def test_without_roads_every_household_is_out_of_reach(toy):
    from gridmap.services.walking import refresh_reach

    with toy.begin() as conn:
        build_world(conn, roads=[((0, 0), (100, 0))], stations=[(KIND, 0, 0)], households=[(50, 5)])
        conn.execute(text("TRUNCATE road_edges, road_nodes CASCADE"))
        refresh_reach(conn)
        found = as_admin(conn, audit.coverage, GRID, 15, [KIND])
        assert (found.area.overall.total, found.area.overall.covered) == (1, 0)
        conn.rollback()


def test_an_uncached_ring_is_built_once_and_keeps_the_others(toy):
    from concurrent.futures import ThreadPoolExecutor

    with toy.begin() as conn:
        build_world(
            conn, roads=[((0, 0), (2000, 0))], stations=[(KIND, 0, 0)], households=[(900, 5)]
        )
    with ThreadPoolExecutor(6) as pool:  # six first requests for the same ring at once
        areas = list(pool.map(lambda _: as_admin(toy, planning.service_area, 1, 25), range(6)))
    assert len({round(a["area_m2"]) for a in areas}) == 1
    with toy.connect() as conn:
        rings = conn.execute(
            text(
                "SELECT array_agg(minutes ORDER BY minutes) FROM service_areas WHERE station_id = 1"
            )
        ).scalar_one()
    assert rings == [5, 10, 15, 25]


def _caches(conn):
    return (
        conn.execute(
            text("SELECT household_id, meters, stations FROM household_walks ORDER BY 1")
        ).all(),
        conn.execute(
            text(
                "SELECT node_id, kind, station_id, round(meters::numeric, 1) "
                "FROM node_nearest ORDER BY 1, 2"
            )
        ).all(),
        conn.execute(
            text(
                "SELECT station_id, node_id, round(meters::numeric, 1) "
                "FROM station_reach ORDER BY 1, 2"
            )
        ).all(),
    )


def test_moving_a_station_updates_the_caches_like_a_full_refresh(toy):
    from gridmap.services.stations import relocate_station
    from gridmap.services.walking import refresh_reach

    roads = [
        ((-1000, 0), (0, 0), (1000, 0)),
        ((0, 0), (0, 800)),
        ((1000, 0), (1000, 800)),
        ((0, 800), (1000, 800)),
    ]
    with toy.begin() as conn:
        build_world(
            conn,
            roads=roads,
            stations=[(KIND, -500, 5), (KIND, 900, 5), ("党群服务站", 0, 400)],
            households=[(-900, 5), (500, 5), (5, 700), (995, 400), (600, 805)],
        )
        before = walk(conn, 4, KIND)
        moved = relocate_station(conn, 2, *lonlat(1000, 420))  # next to household 4
        assert moved.nodes_changed > 0 and moved.households_changed > 0
        assert walk(conn, 4, KIND) < before
        incremental = _caches(conn)
        refresh_reach(conn)
        assert _caches(conn) == incremental
        area = conn.execute(
            text(
                "SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), "
                "4326)) FROM service_areas WHERE station_id = 2 AND minutes = 5"
            ),
            dict(zip("xy", lonlat(1000, 500), strict=True)),
        ).scalar_one()
        assert area  # its rings were rebuilt at the new place


def test_moving_a_station_by_a_gcj02_point_lands_on_its_true_position(toy):
    from gridmap.geo import crs
    from gridmap.services.stations import move_station

    with toy.begin() as conn:
        build_world(conn, roads=[((0, 0), (1000, 0))], stations=[(KIND, 0, 5)], households=[])
    lon, lat = lonlat(600, 5)
    gx, gy = crs.from_wgs84(lon, lat, "GCJ02")
    moved = as_admin(toy, move_station, 1, gx, gy, "GCJ02")  # committed: the next test rebuilds
    assert moved.station_id == 1 and moved.snap_m < 10
    with toy.connect() as conn:
        x, y = conn.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM stations")).one()
    assert (x, y) == pytest.approx((lon, lat), abs=1e-6)


def test_moving_a_station_off_the_network_is_refused(toy):
    from gridmap.services.stations import relocate_station

    with toy.begin() as conn:
        build_world(conn, roads=[((0, 0), (100, 0))], stations=[(KIND, 0, 0)], households=[(50, 5)])
        with pytest.raises(InvalidInput, match="walkable edge"):
            relocate_station(conn, 1, *lonlat(0, 3000))
        with pytest.raises(NotFound):
            relocate_station(conn, 42, *lonlat(0, 0))
        with pytest.raises(InvalidInput, match="outside China"):
            relocate_station(conn, 1, 2.35, 48.85)
