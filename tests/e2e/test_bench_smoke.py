"""The benchmark suite runs end to end at small scale and produces every figure.

Times are printed by the command, never asserted here: these machines are shared.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


def test_bench_small_produces_every_figure(server_url, tmp_path):
    from sqlalchemy.engine import make_url

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = (
        make_url(server_url).set(database="postgres").render_as_string(hide_password=False)
    )
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [GRIDMAP, "bench", "--scale", "small", "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))["figures"]
    benches = {f["bench"] for f in figures}
    assert {
        "locate-point",
        "locate-address",
        "locate-many",
        "isochrones",
        "coverage",
        "map",
    } <= benches
    many = {f["name"] for f in figures if f["bench"] == "locate-many"}
    assert many == {"addresses per second, 1 client", "addresses per second, 2 clients"}
    for f in figures:
        assert f["runs"] and all(isinstance(r, (int, float)) for r in f["runs"]), f
        assert f["median"] == f["median"], f"{f['bench']} {f['name']} produced NaN"
    assert "gridmap bench --scale small" in result.stdout
