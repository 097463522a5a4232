"""``gridmap locate`` from the command line: single lookups, JSON, and files."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


@pytest.fixture(scope="module")
def run(city_engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = city_engine.url.render_as_string(hide_password=False)

    def gridmap(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [GRIDMAP, *args], capture_output=True, text=True, env=env, timeout=120
        )

    return gridmap


@pytest.fixture(scope="module")
def address(city_engine):
    with city_engine.connect() as conn:
        return conn.execute(
            text("""
            SELECT cp.name || b.number || '栋' || u.number || '单元' || h.room, g.code
            FROM households h JOIN buildings b ON b.id = h.building_id
            JOIN units u ON u.id = h.unit_id JOIN compounds cp ON cp.id = b.compound_id
            JOIN grids g ON g.id = h.grid_id ORDER BY h.id LIMIT 1""")
        ).one()


def test_single_address_prints_the_grid_and_staff(run, address):
    result = run("locate", address[0])
    assert result.returncode == 0, result.stderr
    assert address[1] in result.stderr and "网格员" in result.stderr


def test_json_output(run, address):
    result = run("locate", address[0], "--json")
    data = json.loads(result.stdout)
    assert data["type"] == "Located" and data["place"]["grid_code"] == address[1]


def test_point_in_gcj02(run, city_engine):
    from gridmap.geo.crs import from_wgs84

    with city_engine.connect() as conn:
        lon, lat, code = conn.execute(
            text(
                "SELECT ST_X(h.geom), ST_Y(h.geom), g.code FROM households h "
                "JOIN grids g ON g.id = h.grid_id ORDER BY h.id LIMIT 1"
            )
        ).one()
    x, y = from_wgs84(lon, lat, "GCJ02")
    result = run("locate", "--lon", str(x), "--lat", str(y), "--crs", "GCJ02", "--json")
    assert json.loads(result.stdout)["place"]["grid_code"] == code


def test_not_found_exits_2_with_candidates(run):
    result = run("locate", "火星小区1栋")
    assert result.returncode == 2 and "not found" in result.stderr


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_file_batch_keeps_every_row(run, address, tmp_path, suffix):
    source = tmp_path / "addresses.csv"
    source.write_text(
        "id,地址\n1," + address[0] + "\n2,不存在的地方\n3," + address[0] + "\n", encoding="gbk"
    )
    out = tmp_path / f"located{suffix}"
    result = run("locate", "--file", str(source), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 not located" in result.stderr
    if suffix == ".csv":
        rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
        statuses = [r["status"] for r in rows]
        grid = rows[0]["grid_code"]
    else:
        features = json.loads(out.read_text(encoding="utf-8"))["features"]
        statuses = [f["properties"]["status"] for f in features]
        grid = features[0]["properties"]["grid_code"]
    assert statuses == ["located", "not_found", "located"]
    assert grid == address[1]


def test_bad_file_is_one_clear_line(run, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("name,phone\nx,1\n", encoding="utf-8")
    result = run("locate", "--file", str(source))
    assert result.returncode == 1 and "address column" in result.stderr
    assert "Traceback" not in result.stderr


def _last_audit(city_engine):
    with city_engine.connect() as conn:
        return conn.execute(
            text("SELECT id, who, channel, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")
        ).one_or_none()


def test_staff_contacts_shown_by_the_cli_are_in_the_audit_log(run, city_engine, address, tmp_path):
    before = _last_audit(city_engine)
    assert run("locate", address[0]).returncode == 0
    entry = _last_audit(city_engine)
    assert entry is not None and entry.id != (before.id if before else None)
    assert entry.who.startswith("cli:") and entry.channel == "cli"
    assert entry.action == "read staff contacts via locate"
    assert entry.detail == f"1 results in grids {address[1]}"

    batch = tmp_path / "addresses.csv"
    batch.write_text(f"address\n{address[0]}\n{address[0]}\n", encoding="utf-8")
    assert run("locate", "--file", str(batch)).returncode == 0
    entry = _last_audit(city_engine)
    assert entry.detail == f"2 results in grids {address[1]}"


def test_a_lookup_that_finds_nobody_is_not_logged(run, city_engine):
    before = _last_audit(city_engine)
    run("locate", "--lon", "0", "--lat", "0")
    assert _last_audit(city_engine) == before
