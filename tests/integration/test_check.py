"""``gridmap check``: each rule of full, one-to-one coverage broken on purpose, then found,
located and measured; a clean district and the small demo pass."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, text

from gridmap.geo import crs
from gridmap.services.io.checking import check
from tests.helpers import as_admin
from tests.integration import io_world as w


@pytest.fixture(scope="module")
def engine(make_database, tmp_path_factory) -> Engine:
    engine = make_database("gridmap_io_check")
    with engine.begin() as conn:
        w.load_areas(conn, tmp_path_factory.mktemp("areas"))
    return engine


def _set_grid(conn: Connection, code: str, geom) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text("UPDATE grids SET geom = ST_Multi(ST_GeomFromText(:g, 4326)) WHERE code = :c"),
        {"g": geom.wkt, "c": code},
    )


def _only(report, check_name: str) -> list:  # type: ignore[no-untyped-def]
    return [f for f in report.findings if f.check == check_name]


def _inside(finding, x0: float, y0: float, x1: float, y1: float) -> bool:  # type: ignore[no-untyped-def]
    (w0, s0), (e0, n0) = w.lonlat(x0, y0), w.lonlat(x1, y1)
    return w0 <= finding.lon <= e0 and s0 <= finding.lat <= n0


def test_a_clean_district_has_no_findings_and_counts_every_level(conn):
    report = as_admin(conn, check)
    assert report.findings == []
    levels = {(v.level, v.code): v for v in report.levels}
    assert levels[("district", "110101")].grids == 3
    assert levels[("street", "110101001")].communities == 2
    west = levels[("community", "110101001001")]
    assert west.grids == 2 and west.area_m2 == pytest.approx(2e6, rel=0.01)
    assert west.grid_area_m2 == pytest.approx(west.area_m2, rel=1e-6)


def test_the_small_demo_is_clean(small_engine):
    with small_engine.connect() as conn:
        report = as_admin(conn, check)
    assert report.errors == 0, [f.message for f in report.findings][:5]
    assert sum(v.households for v in report.levels if v.level == "community") > 0


def test_a_gap_is_found_measured_and_located(conn):
    conn.execute(text("DELETE FROM grids WHERE code = '110101001001002'"))
    gaps = _only(as_admin(conn, check), "coverage_gap")
    assert len(gaps) == 1 and gaps[0].severity == "error" and gaps[0].code == "110101001001"
    assert gaps[0].area_m2 == pytest.approx(1e6, rel=0.01)
    assert _inside(gaps[0], -1000, -1000, 0, 0)


def test_overlapping_grids_are_found_and_slivers_are_warnings(conn):
    _set_grid(conn, "110101001001001", w.box(-1000, -100, 0, 1000))
    found = _only(as_admin(conn, check), "grid_overlap")
    assert [(f.code, f.severity) for f in found] == [("110101001001001 & 110101001001002", "error")]
    assert found[0].area_m2 == pytest.approx(1e5, rel=0.01)
    assert _inside(found[0], -1000, -100, 0, 0)
    _set_grid(conn, "110101001001001", w.box(-1000, -0.002, 0, 1000))  # 2 m²
    found = _only(as_admin(conn, check), "grid_overlap")
    assert [f.severity for f in found] == ["warning"] and found[0].area_m2 < 5


def test_a_grid_reaching_outside_its_community(conn):
    _set_grid(conn, "110101001002001", w.box(0, -1000, 1100, 1000))
    found = _only(as_admin(conn, check, "110101001002"), "grid_outside_community")
    assert len(found) == 1 and found[0].code == "110101001002001"
    assert found[0].area_m2 == pytest.approx(2e5, rel=0.01)
    assert _inside(found[0], 1000, -1000, 1100, 1000)


def test_a_community_without_grids(conn):
    conn.execute(
        text(
            "INSERT INTO communities VALUES ('110101001003', '110101001', '北华社区', "
            "ST_Multi(ST_GeomFromText(:g, 4326)))"
        ),
        {"g": w.box(1000, 0, 1500, 500).wkt},
    )
    found = _only(as_admin(conn, check), "community_without_grids")
    assert [f.code for f in found] == ["110101001003"]


def test_invalid_geometry_is_located(conn):
    x0, y0 = w.lonlat(-900, 100)
    x1, y1 = w.lonlat(-100, 900)
    bowtie = f"MULTIPOLYGON((({x0} {y0}, {x1} {y1}, {x1} {y0}, {x0} {y1}, {x0} {y0})))"
    conn.execute(
        text("UPDATE grids SET geom = ST_GeomFromText(:g, 4326) WHERE code = '110101001001001'"),
        {"g": bowtie},
    )
    found = _only(as_admin(conn, check), "invalid_geometry")
    assert [f.code for f in found] == ["110101001001001"]
    assert "Self-intersection" in found[0].message
    assert _inside(found[0], -501, 499, -499, 501)  # the crossing, in the middle


def test_grid_codes_with_a_wrong_prefix_or_used_twice(conn):
    conn.execute(text("ALTER TABLE grids DROP CONSTRAINT grid_code_prefix"))
    conn.execute(text("DROP INDEX uq_grids_current_code"))
    conn.execute(
        text("UPDATE grids SET community_code = '110101001001' WHERE code = '110101001002001'")
    )
    conn.execute(
        text(
            "INSERT INTO grids (code, community_code, name, area_m2, geom) "
            "SELECT code, community_code, name, area_m2, geom FROM grids "
            "WHERE code = '110101001001002'"
        )
    )
    messages = [f.message for f in _only(as_admin(conn, check), "grid_code")]
    assert any("110101001002001 does not start with" in m for m in messages)
    assert sum("110101001001002 is used by more than one" in m for m in messages) == 2


def _place(conn: Connection, table: str, x: float, y: float, grid: str) -> int:
    lon, lat = w.lonlat(x, y)
    params = {"x": lon, "y": lat, "g": grid}
    building = conn.execute(
        text(
            "INSERT INTO buildings (grid_id, number, geom) SELECT id, 'X' || :x, "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326) FROM grids WHERE code = :g RETURNING id"
        ),
        params,
    ).scalar_one()
    if table == "buildings":
        return building
    return conn.execute(
        text(
            "INSERT INTO households (building_id, grid_id, room, geom) SELECT :b, id, '101', "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326) FROM grids WHERE code = :g RETURNING id"
        ),
        {**params, "b": building},
    ).scalar_one()


def test_households_and_buildings_outside_every_grid_in_two_or_in_another(conn):
    _set_grid(conn, "110101001001001", w.box(-1000, -100, 0, 1000))
    outside = _place(conn, "households", 1500, 0, "110101001001001")
    twice = _place(conn, "households", -500, -50, "110101001001001")
    wrong = _place(conn, "buildings", 500, 500, "110101001001001")
    fine = _place(conn, "households", -500, 500, "110101001001001")
    report = as_admin(conn, check)
    households = {f.code: f.message for f in _only(report, "household_grid")}
    assert set(households) == {str(outside), str(twice)}, households
    assert "lies in no grid" in households[str(outside)]
    assert "lies in 2 grids (110101001001001, 110101001001002)" in households[str(twice)]
    buildings = {f.code: f.message for f in _only(report, "building_grid")}
    assert "lies in grid 110101001002001" in buildings[str(wrong)]
    assert str(fine) not in households


def test_a_station_in_gcj02_is_outside_its_community_and_the_report_says_why(conn):
    true_position = w.lonlat(700, 900)  # in community 002, near its north-east corner
    gcj = crs.from_wgs84(*true_position, "GCJ02")  # ~530 m east: outside the street
    conn.execute(
        text(
            "INSERT INTO stations (kind, name, community_code, geom) VALUES ('助餐点', '助餐点甲', "
            "'110101001002', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"x": gcj[0], "y": gcj[1]},
    )
    found = _only(as_admin(conn, check), "station_outside_community")
    assert len(found) == 1
    message = found[0].message
    assert "outside its community 110101001002 and outside its street" in message
    assert "--crs GCJ02" in message
