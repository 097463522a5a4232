"""Import: every format and CRS, strict and non-strict, dry runs, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from sqlalchemy import Connection, Engine, text

from gridmap.errors import InvalidInput
from gridmap.geo import crs
from gridmap.services.io.importing import import_file
from tests.helpers import as_admin
from tests.integration import io_world as w


@pytest.fixture(scope="module")
def engine(make_database, tmp_path_factory) -> Engine:
    """The hand-built district, imported (and committed) once for the module."""
    engine = make_database("gridmap_io_import")
    with engine.begin() as conn:
        w.load_areas(conn, tmp_path_factory.mktemp("areas"))
        w.add_roads(conn)
    return engine


def test_areas_round_trip_within_a_metre(conn):
    for table, expected in (
        ("streets", w.STREETS),
        ("communities", w.COMMUNITIES),
        ("grids", w.GRIDS),
    ):
        for code, name, geom in expected:
            got = conn.execute(
                text(
                    f"SELECT name, ST_HausdorffDistance(ST_Transform(geom, 32650), "
                    f"ST_Transform(ST_GeomFromText(:wkt, 4326), 32650)) FROM {table} "
                    "WHERE code = :code"
                ),
                {"wkt": geom.wkt, "code": code},
            ).one()
            assert got[0] == name
            assert got[1] < 1.0, (table, code, got[1])


def test_district_is_created_from_its_streets(conn):
    assert conn.execute(text("SELECT name FROM districts WHERE code = '110101'")).scalar() == (
        "东城区"
    )


def _distance_m(conn: Connection, table: str, where: str, lonlat: tuple[float, float]) -> float:
    return conn.execute(
        text(
            f"SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:x, :y), 4326)"
            f"::geography) FROM {table} WHERE {where}"
        ),
        {"x": lonlat[0], "y": lonlat[1]},
    ).scalar_one()


def test_bd09_esri_json_and_gcj02_csv_stations_land_on_their_true_position(conn, tmp_path):
    esri = w.write_esrijson(
        tmp_path / "stations.json",
        [w.BD09],
        {
            "名称": ["东华社区党群服务中心"],
            "类型": ["社区党群服务中心"],
            "开放时间": ["8:30-17:30"],
            "服务内容": ["党员活动、便民服务"],
        },
    )
    report = as_admin(conn, import_file, "stations", esri, crs="百度", strict=True)
    assert report.inserted == 1 and report.refreshed
    where = "name = '东华社区党群服务中心'"
    assert _distance_m(conn, "stations", where, w.TRUE_WGS84) < 1.0
    row = conn.execute(text(f"SELECT community_code, services FROM stations WHERE {where}")).one()
    assert row == ("110101001002", ["党员活动", "便民服务"])
    reach = conn.execute(text("SELECT count(*) FROM station_reach")).scalar_one()
    areas = conn.execute(text("SELECT count(*) FROM service_areas")).scalar_one()
    assert reach > 0 and areas == 3  # the walking caches were refreshed: 5, 10, 15 minutes

    gcj = w.write_csv(
        tmp_path / "gcj.csv",
        ["name", "kind", "lng", "lat"],
        [["卫生站", "community health station", *w.GCJ02]],
    )
    report = as_admin(conn, import_file, "stations", gcj, crs="GCJ02", strict=True)
    assert report.inserted == 1
    assert _distance_m(conn, "stations", "name = '卫生站'", w.TRUE_WGS84) < 1.0
    assert conn.execute(text("SELECT kind FROM stations WHERE name = '卫生站'")).scalar() == (
        "社区卫生服务站"
    )


def test_reimporting_a_station_moves_it_instead_of_duplicating_it(conn, tmp_path):
    path = w.write_csv(
        tmp_path / "s.csv",
        ["名称", "类型", "经度", "纬度"],
        [["调解室", "邻里调解室", *w.lonlat(-500, 500)]],
    )
    as_admin(conn, import_file, "stations", path, strict=True)
    w.write_csv(
        path, ["名称", "类型", "经度", "纬度"], [["调解室", "邻里调解室", *w.lonlat(-500, 400)]]
    )
    report = as_admin(conn, import_file, "stations", path, strict=True)
    assert (report.inserted, report.updated) == (0, 1)
    assert _distance_m(conn, "stations", "name = '调解室'", w.lonlat(-500, 400)) < 0.5


def test_buildings_in_gcj02_and_households_by_address_in_gbk(conn, tmp_path):
    w.buildings_and_households(conn, tmp_path)
    rows = conn.execute(
        text("""
        SELECT b.number, u.number, h.room, h.residents, h.subsistence, h.party_member,
               h.contact_name, g.code, ST_Distance(h.geom::geography, b.geom::geography)
        FROM households h JOIN buildings b ON b.id = h.building_id
        LEFT JOIN units u ON u.id = h.unit_id JOIN grids g ON g.id = h.grid_id ORDER BY h.room
    """)
    ).all()
    assert [r[:8] for r in rows] == [
        ("2", None, "101", 1, False, True, "李四", "110101001001001"),
        ("1", "2", "301", 3, True, False, "张三", "110101001001001"),
        ("3", "1", "402", 2, False, False, None, "110101001001001"),
    ]
    assert all(r[8] < 0.01 for r in rows)  # no point of their own: at their building
    first = conn.execute(text("SELECT geom FROM buildings WHERE number = '1'")).scalar()
    assert _distance_m(conn, "buildings", "number = '1'", w.lonlat(-300, 300)) < 1.0, first
    walks = conn.execute(text("SELECT count(*) FROM household_walks")).scalar_one()
    assert walks == 0 or walks == 3


def test_reimporting_households_updates_only_the_columns_given(conn, tmp_path):
    w.buildings_and_households(conn, tmp_path)
    path = w.write_csv(
        tmp_path / "update.csv",
        ["小区", "楼栋", "单元", "室", "独居老人"],
        [["锦绣花园", "1", "2", "301", "1"]],
    )
    report = as_admin(conn, import_file, "households", path, strict=True)
    assert (report.inserted, report.updated) == (0, 1)
    row = conn.execute(
        text("SELECT elderly_alone, subsistence, contact_name FROM households WHERE room = '301'")
    ).one()
    assert row == (True, True, "张三")


def _count(conn: Connection, table: str) -> int:
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _messy_grids(folder: Path) -> Path:
    """Community 002 redrawn as two grids, plus one row for each way a grid row goes wrong."""
    west, east = w.box(0, -1000, 500, 1000), w.box(500, -1000, 1000, 1000)
    x0, y0 = w.lonlat(500, 0)
    x1, y1 = w.lonlat(600, 100)
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    }
    spike = shapely.Polygon(
        [
            *east.exterior.coords[:2],
            w.lonlat(1000, -1000.0),
            w.lonlat(1200, -1000.0),
            w.lonlat(1000, -1000.0),
            *east.exterior.coords[2:],
        ]
    )
    rows = [
        ("110101001002001", "东一网格", west, None),  # feature 1: fine
        ("110101001002002", "东二网格", spike, None),  # 2: repaired (a zero-area spike)
        ("11010100100200", "短编码", west, None),  # 3: 14 digits
        ("110101001002001", "重复", west, None),  # 4: repeats feature 1
        ("110101001009001", "无社区", west, None),  # 5: community 009 does not exist
        ("110101001002003", "线", shapely.LineString([w.lonlat(0, 0), w.lonlat(9, 9)]), None),
        ("110101001002004", "领结", bowtie, None),  # 7: a bow-tie: ambiguous
        ("110101001002005", "日期", west, "下周一"),  # 8: text where a date belongs
    ]
    return w.write_geojson(
        folder / "grids.geojson",
        [r[2] for r in rows],
        {
            "grid_code": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "valid_from": [r[3] for r in rows],
        },
    )


def test_non_strict_imports_the_valid_rows_and_lists_every_rejected_one(conn, tmp_path):
    report = as_admin(conn, import_file, "grids", _messy_grids(tmp_path))
    assert report.inserted + report.updated == 2
    got = {(r.row, r.field): r.reason for r in report.rejected}
    assert set(got) == {
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (6, "geometry"),
        (7, "geometry"),
        (8, "valid_from"),
    }
    assert "not 15 digits" in got[(3, "code")]
    assert "repeats row 1" in got[(4, "code")]
    assert "community 110101001009" in got[(5, "code")] and "import communities" in got[(5, "code")]
    assert "LINESTRING where a polygon belongs" in got[(6, "geometry")]
    assert "Self-intersection" in got[(7, "geometry")] and "redraw" in got[(7, "geometry")]
    assert "not a date" in got[(8, "valid_from")]
    assert [r.row for r in report.repaired] == [2]
    assert report.where(report.rejected[0]) == "grids.geojson, row 3, code"
    current = conn.execute(
        text(
            "SELECT code, ST_IsValid(geom) FROM grids WHERE community_code = '110101001002' "
            "AND valid_to IS NULL ORDER BY code"
        )
    ).all()
    assert current == [("110101001002001", True), ("110101001002002", True)]
    # the same check as `gridmap check` ran on what came in: the redrawn grids tile the
    # community, so only the repaired spike's overhang (if any) could be reported
    assert all(f.check != "coverage_gap" for f in report.findings)


def test_strict_rejects_the_whole_file_and_leaves_nothing_behind(conn, tmp_path):
    before = conn.execute(text("SELECT count(*), max(id) FROM grids")).one()
    with pytest.raises(InvalidInput) as error:
        as_admin(conn, import_file, "grids", _messy_grids(tmp_path), strict=True)
    assert "6 of 8 rows rejected" in error.value.message
    assert "grids.geojson, row 3, code" in error.value.message
    assert conn.execute(text("SELECT count(*), max(id) FROM grids")).one() == before
    assert conn.execute(text("SELECT count(*) FROM grids WHERE valid_to IS NOT NULL")).scalar() == 0


def test_dry_run_validates_and_reports_but_writes_nothing(conn, tmp_path):
    before = conn.execute(text("SELECT count(*), max(id) FROM grids")).one()
    report = as_admin(conn, import_file, "grids", _messy_grids(tmp_path), dry_run=True)
    assert report.dry_run and report.inserted + report.updated == 2 and len(report.rejected) == 6
    assert conn.execute(text("SELECT count(*), max(id) FROM grids")).one() == before


def test_redrawn_grid_closes_the_old_row_and_moves_its_buildings(conn, tmp_path):
    conn.execute(text("UPDATE grids SET valid_from = '2020-01-01'"))
    w.buildings_and_households(conn, tmp_path)
    old = conn.execute(text("SELECT id FROM grids WHERE code = '110101001001001'")).scalar()
    path = w.write_geojson(
        tmp_path / "redraw.geojson",
        [w.box(-1000, 0, 0, 1000)],
        {"网格编码": ["110101001001001"], "网格名称": ["西一网格（新）"]},
    )
    report = as_admin(conn, import_file, "grids", path, strict=True)
    assert (report.inserted, report.updated) == (0, 1)
    rows = conn.execute(
        text(
            "SELECT id, name, valid_to IS NULL FROM grids "
            "WHERE code = '110101001001001' ORDER BY id"
        )
    ).all()
    assert rows[0] == (old, "西一网格", False) and rows[1][1:] == ("西一网格（新）", True)
    moved = conn.execute(
        text("SELECT count(*) FROM households WHERE grid_id = :g"), {"g": rows[1][0]}
    ).scalar()
    assert moved == 3


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("header.csv", "名称,类型,经度,纬度\n".encode(), "no rows after the header"),
        ("empty.geojson", b'{"type": "FeatureCollection", "features": []}', "no features"),
        ("broken.geojson", b'{"type": "FeatureColl', "cannot read it as GIS data"),
        ("columns.csv", "名字,经度,纬度\n站,116.40,39.91\n".encode(), "missing column(s) name"),
        ("nogeom.csv", "名称,类型\n站,助餐点\n".encode(), "need a geometry"),
    ],
)
def test_files_that_cannot_be_imported_say_why(conn, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    before = _count(conn, "stations")
    with pytest.raises(InvalidInput) as error:
        as_admin(conn, import_file, "stations", path)
    assert expected in error.value.message and name in error.value.message
    assert _count(conn, "stations") == before


def test_text_where_numbers_belong_names_row_and_field(conn, tmp_path):
    path = w.write_csv(
        tmp_path / "s.csv",
        ["名称", "类型", "经度", "纬度"],
        [["甲", "助餐点", *w.lonlat(-100, -100)], ["乙", "助餐点", "东经116度", 39.9]],
    )
    report = as_admin(conn, import_file, "stations", path)
    assert report.inserted == 1
    assert [(r.row, r.field) for r in report.rejected] == [(3, "经度")]
    assert "is not a number" in report.rejected[0].reason


def test_metres_declared_as_degrees_are_refused_with_the_likely_crs(conn, tmp_path):
    x, y = crs.from_wgs84(*w.lonlat(0, 0), "EPSG:4548")  # CGCS2000 GK CM 117E
    path = w.write_csv(tmp_path / "s.csv", ["name", "kind", "x", "y"], [["甲", "助餐点", x, y]])
    with pytest.raises(InvalidInput) as error:
        as_admin(conn, import_file, "stations", path)
    assert "look like metres" in error.value.message and "Gauss-Krüger" in error.value.message
    report = as_admin(conn, import_file, "stations", path, crs="EPSG:4548", strict=True)
    assert _distance_m(conn, "stations", "name = '甲'", w.lonlat(0, 0)) < 0.5, report


def test_points_where_polygons_belong_are_rejected(conn, tmp_path):
    path = w.write_csv(
        tmp_path / "c.csv",
        ["社区编码", "社区名称", "经度", "纬度"],
        [["110101001003", "北华社区", 116.40, 39.91]],
    )
    report = as_admin(conn, import_file, "communities", path)
    assert report.inserted == 0
    assert report.rejected[0].field == "geometry"
    assert "POINT where a polygon belongs" in report.rejected[0].reason


def test_map_fields_names_other_columns(conn, tmp_path):
    path = w.write_csv(
        tmp_path / "s.csv", ["站点", "站类", "E", "N"], [["丙", "助餐点", *w.lonlat(-100, -200)]]
    )
    with pytest.raises(InvalidInput):
        as_admin(conn, import_file, "stations", path)
    report = as_admin(
        conn, import_file, "stations", path, map_fields="站点=name,站类=kind,E=lon,N=lat"
    )
    assert report.inserted == 1
