"""The demo district keeps the rules of the standards, at `small` and `city` scale."""

import pytest
from sqlalchemy import text

from gridmap.demo.generate import generate

SCALES = ["small_engine", "city_engine"]


def _scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


@pytest.fixture(params=SCALES)
def demo(request):
    return request.getfixturevalue(request.param)


def test_grids_tile_each_community_without_gaps(demo):
    gap_m2 = _scalar(
        demo,
        """
        SELECT max(ST_Area(ST_SymDifference(c.geom, u.geom)::geography))
        FROM communities c
        JOIN LATERAL (SELECT ST_Union(g.geom) AS geom FROM grids g
                      WHERE g.community_code = c.code) u ON true
    """,
    )
    assert gap_m2 < 1.0


def test_grids_do_not_overlap(demo):
    overlap_m2 = _scalar(
        demo,
        """
        SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
        FROM grids a JOIN grids b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
    """,
    )
    assert overlap_m2 < 1.0


def test_communities_tile_streets_and_district(demo):
    gap_m2 = _scalar(
        demo,
        """
        SELECT ST_Area(ST_SymDifference(d.geom, (SELECT ST_Union(geom) FROM streets))::geography)
             + ST_Area(ST_SymDifference(d.geom, (SELECT ST_Union(geom) FROM communities))
                       ::geography)
        FROM districts d
    """,
    )
    assert gap_m2 < 1.0


def test_every_household_lies_in_exactly_one_grid_its_own(demo):
    wrong = _scalar(
        demo,
        """
        SELECT count(*) FROM households h
        WHERE (SELECT count(*) FROM grids g WHERE ST_Intersects(g.geom, h.geom)) <> 1
           OR NOT EXISTS (SELECT 1 FROM grids g
                          WHERE g.id = h.grid_id AND ST_Contains(g.geom, h.geom))
    """,
    )
    assert wrong == 0
    assert _scalar(demo, "SELECT count(*) FROM households") > 200


def test_grid_codes_follow_the_15_digit_rule_and_numbering(demo):
    with demo.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT g.code, g.community_code, c.street_code, s.district_code,
                   ST_X(ST_Centroid(g.geom)) AS x, ST_Y(ST_Centroid(g.geom)) AS y
            FROM grids g JOIN communities c ON c.code = g.community_code
            JOIN streets s ON s.code = c.street_code ORDER BY g.code
        """)
        ).all()
    for code, community, street, district in (r[:4] for r in rows):
        assert len(code) == 15 and code.isdigit()
        assert code[:12] == community and code[:9] == street and code[:6] == district
    by_community: dict[str, list] = {}
    for row in rows:
        by_community.setdefault(row.community_code, []).append(row)
    for grids in by_community.values():  # numbered west→east within a row, rows north→south
        for a, b in zip(grids, grids[1:], strict=False):
            assert b.y < a.y + 1e-4 or b.x > a.x


def test_road_network_is_connected_and_crosses_the_river_only_at_bridges(demo):
    components = _scalar(
        demo,
        """
        SELECT count(DISTINCT component) FROM pgr_connectedComponents(
            'SELECT id, source, target, cost, reverse_cost FROM road_edges')
    """,
    )
    assert components == 1
    assert _scalar(demo, "SELECT count(*) FROM road_edges WHERE kind = 'bridge'") >= 1
    assert _scalar(demo, "SELECT count(*) FROM road_edges WHERE kind = 'gate'") >= 1


def test_walled_compounds_open_only_through_their_gate(city_engine):
    # A walled compound's paths reach the street only through edges of kind 'gate'.
    leaks = _scalar(
        city_engine,
        """
        WITH inner_nodes AS (
            SELECT n.id, c.id AS compound FROM road_nodes n
            JOIN compounds c ON c.walled AND ST_Contains(ST_Buffer(c.geom, -0.00001), n.geom))
        SELECT count(*) FROM road_edges e
        JOIN inner_nodes a ON a.id IN (e.source, e.target)
        WHERE e.kind NOT IN ('gate', 'footway')
    """,
    )
    assert leaks == 0


def test_city_has_the_stations_and_people_of_the_seeds(city_engine):
    with city_engine.connect() as conn:
        kinds = dict(conn.execute(text("SELECT kind, count(*) FROM stations GROUP BY kind")).all())
        communities = conn.execute(text("SELECT count(*) FROM communities")).scalar_one()
        grids = conn.execute(text("SELECT count(*) FROM grids")).scalar_one()
        households = conn.execute(text("SELECT count(*) FROM households")).scalar_one()
        workers = conn.execute(
            text("SELECT count(*) FROM people WHERE role = '网格员'")
        ).scalar_one()
        linked = conn.execute(
            text(
                "SELECT avg(n) FROM (SELECT count(*) n FROM households "
                "WHERE central_household_id IS NOT NULL GROUP BY central_household_id) t"
            )
        ).scalar_one()
    assert kinds["社区党群服务中心"] == communities and 8 <= communities <= 12
    assert kinds["中心食堂"] == 1 and kinds["助餐点"] == 6
    assert kinds["党群服务站"] > communities and kinds["网格红色驿站"] >= communities
    assert 60 <= grids <= 300 and 15_000 <= households <= 25_000
    assert workers == grids
    assert 50 <= linked <= 150  # 党员中心户 looks after ~100 families


def test_generation_is_deterministic():
    a, b = generate("small", seed=3), generate("small", seed=3)
    assert a.tables["grids"].rows == b.tables["grids"].rows
    assert a.tables["households"].rows == b.tables["households"].rows
    assert generate("small", seed=4).tables["grids"].rows != a.tables["grids"].rows


def test_large_scale_shape_meets_the_brief():
    from gridmap.demo.generate import SCALES

    scale = SCALES["large"]
    shape = scale.shape
    grids = shape.street_rows * shape.street_cols * shape.community_rows * shape.community_cols
    grids *= shape.grid_rows * shape.grid_cols
    buildings_per_grid = scale.buildings * scale.units * scale.floors * scale.rooms
    assert grids == 10_000
    assert 900_000 <= grids * buildings_per_grid * 0.98 <= 1_200_000
