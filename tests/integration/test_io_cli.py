"""``gridmap import``, ``export`` and ``check`` from the command line: progress and reports
on stderr, exit codes, one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.integration import io_world as w

GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


@pytest.fixture(scope="module")
def cli(make_database):
    engine = make_database("gridmap_io_cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)

    def gridmap(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [GRIDMAP, *args], capture_output=True, text=True, env=env, timeout=120
        )

    gridmap.engine = engine  # type: ignore[attr-defined]
    return gridmap


def test_bring_a_district_in_check_it_and_take_it_out(cli, tmp_path):
    areas = {
        "streets": w.STREETS,
        "communities": w.COMMUNITIES,
        "grids": [g for g in w.GRIDS if g[0] != "110101001001002"],  # leave a gap
    }
    for layer, rows in areas.items():
        path = w.write_geojson(
            tmp_path / f"{layer}.geojson",
            [r[2] for r in rows],
            {"code": [r[0] for r in rows], "name": [r[1] for r in rows]},
        )
        if layer == "streets":
            dry = cli("import", layer, str(path), "--dry-run")
            assert dry.returncode == 0 and "nothing written (--dry-run)" in dry.stderr
        done = cli("import", layer, str(path), "--strict")
        assert done.returncode == 0, done.stderr
        assert f"imported {len(rows)} new" in done.stderr
    with cli.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM grids")).scalar_one() == 2
    report = cli("check", "--json")
    assert report.returncode == 2  # errors found
    data = json.loads(report.stdout)
    assert [f["check"] for f in data["findings"]] == ["coverage_gap"]
    assert data["findings"][0]["code"] == "110101001001"
    out = tmp_path / "grids.csv"
    exported = cli("export", "grids", "--format", "csv", "-o", str(out))
    assert exported.returncode == 0 and out.read_text(encoding="utf-8").count("\n") == 3


def test_rejected_rows_exit_2_and_bad_files_one_line(cli, tmp_path):
    path = w.write_csv(
        tmp_path / "s.csv", ["名称", "类型", "经度", "纬度"], [["甲", "火锅店", 116.4, 39.9]]
    )
    result = cli("import", "stations", str(path))
    assert result.returncode == 2
    assert "rejected s.csv, row 2, kind: kind 火锅店 is not one of" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = cli("import", "stations", str(empty))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"error: {empty}: the file is empty"]
