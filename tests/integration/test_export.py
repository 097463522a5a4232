"""Export: GeoJSON and CSV that import back within a metre, and households masked by
audience."""

from __future__ import annotations

import csv
import io
import json

import pytest
import shapely
from sqlalchemy import Engine, text

from gridmap.errors import InvalidInput
from gridmap.services.io.exporting import export_layer
from gridmap.services.io.importing import import_file
from tests.helpers import as_admin
from tests.integration import io_world as w


@pytest.fixture(scope="module")
def export_engine(make_database, tmp_path_factory) -> Engine:
    engine = make_database("gridmap_io_export")
    with engine.begin() as conn:
        folder = tmp_path_factory.mktemp("export")
        w.load_areas(conn, folder)
        w.buildings_and_households(conn, folder)
        conn.execute(text("UPDATE households SET elderly_alone = true WHERE room = '402'"))
    return engine


def _export(engine: Engine, layer: str, fmt: str = "geojson", **options: str) -> str:
    out = io.StringIO()
    with engine.connect() as conn:
        as_admin(conn, export_layer, layer, out, fmt, **options)
    return out.getvalue()


def _hausdorff_m(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Hausdorff distance in metres (degrees scaled at the world's latitude)."""
    scale = shapely.affinity.scale
    return shapely.hausdorff_distance(
        scale(a, w.M_LON, w.M_LAT, origin=(0, 0)), scale(b, w.M_LON, w.M_LAT, origin=(0, 0))
    )


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_round_trip_import_export_import_keeps_geometry_within_a_metre(
    export_engine, make_database, tmp_path, fmt
):
    files = {}
    for layer in ("streets", "communities", "grids", "buildings", "households"):
        path = tmp_path / f"{layer}.{fmt}"
        path.write_text(_export(export_engine, layer, fmt, audience="staff"), encoding="utf-8")
        files[layer] = path
    copy = make_database(f"gridmap_io_copy_{fmt}")
    with copy.begin() as conn:
        for layer, path in files.items():
            report = as_admin(conn, import_file, layer, path, strict=True)
            assert report.inserted == report.rows > 0, (layer, report.rejected)
    expected = {code: geom for code, _, geom in w.STREETS + w.COMMUNITIES + w.GRIDS}
    with copy.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT code, ST_AsText(geom) FROM streets UNION ALL SELECT code, ST_AsText(geom) "
                "FROM communities UNION ALL SELECT code, ST_AsText(geom) FROM grids"
            )
        ).all()
        assert {code for code, _ in rows} == set(expected)
        for code, wkt in rows:
            assert _hausdorff_m(shapely.from_wkt(wkt), expected[code]) < 1.0, code
        moved = conn.execute(
            text("""
            SELECT max(ST_Distance(h.geom::geography, ST_SetSRID(ST_MakePoint(:x, :y), 4326)
                                   ::geography))
            FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.number = '1'
        """),
            dict(zip("xy", w.lonlat(-300, 300), strict=True)),
        ).scalar_one()
        assert moved < 1.0
        people = conn.execute(
            text(
                "SELECT room, contact_name, subsistence, elderly_alone FROM households "
                "ORDER BY room"
            )
        ).all()
    assert people == [
        ("101", "李四", False, False),
        ("301", "张三", True, False),
        ("402", None, False, True),
    ]


def test_household_exports_leave_personal_data_out_for_the_public(export_engine):
    public = json.loads(_export(export_engine, "households"))["features"]
    staff = json.loads(_export(export_engine, "households", audience="staff"))["features"]
    assert len(public) == len(staff) == 3
    hidden = {
        "contact_name",
        "contact_phone",
        "hardship",
        "subsistence",
        "elderly_alone",
        "disabled",
    }
    assert not hidden & set(public[0]["properties"])
    assert hidden <= set(staff[0]["properties"])
    assert {"party_member", "rented", "vacant", "room", "compound"} <= set(public[0]["properties"])
    text_public = _export(export_engine, "households", "csv")
    assert "张三" not in text_public and "13800000001" not in text_public
    header = next(csv.reader(io.StringIO(text_public)))
    assert not hidden & set(header) and header[-2:] == ["lon", "lat"]
    assert "张三" in _export(export_engine, "households", "csv", audience="staff")


def test_export_by_area(export_engine):
    grids = json.loads(_export(export_engine, "grids", area="110101001002"))["features"]
    assert [g["properties"]["code"] for g in grids] == ["110101001002001"]
    streets = json.loads(_export(export_engine, "streets", area="110101001002"))["features"]
    assert [s["properties"]["code"] for s in streets] == ["110101001"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"area": "12"}, "not valid"), ({"audience": "everyone"}, "unknown audience")],
)
def test_bad_export_options(export_engine, options, message):
    with pytest.raises(InvalidInput, match=message):
        _export(export_engine, "grids", **options)
