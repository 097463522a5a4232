"""Map benchmarks: render time, file size and headless-Chromium load time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from gridmap.bench.figures import Figure, Report
from gridmap.services.access import operator
from gridmap.services.mapping import make_map
from gridmap.services.scope import Scope
from gridmap.settings import get_settings

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_PROBE = """<script>window.addEventListener('load', function () { setTimeout(function () {
  var pre = document.createElement('pre'); pre.id = 'gridmap-loaded';
  pre.textContent = performance.now(); document.body.appendChild(pre); }, 0); });</script>"""


def load_ms(page: Path) -> float:
    """Milliseconds from navigation start until the map page has drawn every layer."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        return float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "page.html"
        copy.write_text(
            page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
            encoding="utf-8",
        )
        dom = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={tmp}/profile", "--dump-dom", copy.as_uri()],
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    match = re.search(r'<pre id="gridmap-loaded">([\d.]+)</pre>', dom)
    return float(match.group(1)) if match else float("nan")


def maps(report: Report, engine: Engine, repeats: int) -> None:
    """A community map and the map of the street with the most households (written to a
    temporary folder: benchmark maps are not the product's maps)."""
    with tempfile.TemporaryDirectory() as folder, _maps_dir(folder):
        _measure(report, engine, repeats)


@contextmanager
def _maps_dir(folder: str) -> Iterator[None]:
    before = os.environ.get("GRIDMAP_MAPS_DIR")
    os.environ["GRIDMAP_MAPS_DIR"] = folder
    get_settings.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("GRIDMAP_MAPS_DIR")
        else:
            os.environ["GRIDMAP_MAPS_DIR"] = before
        get_settings.cache_clear()


def _measure(report: Report, engine: Engine, repeats: int) -> None:
    with engine.connect() as conn:
        community = conn.execute(text("SELECT min(code) FROM communities")).scalar_one()
        street, households = conn.execute(
            text("""
            SELECT left(grid_code, 9), count(*) FROM household_walks
            GROUP BY 1 ORDER BY 2 DESC LIMIT 1""")
        ).one()
    for label, code, audience, targets in (
        ("community map", community, "public", {"render": 2.0}),
        (
            f"busiest street map ({households:,} households)",
            street,
            "staff",
            {"render": 15.0, "size": 15.0, "load": 5.0},
        ),
    ):
        renders, path = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            with Scope.open(operator(), engine=engine) as scope:
                path = make_map(scope, code, audience)
            renders.append(time.perf_counter() - start)
        assert path is not None
        size = path.stat().st_size / 1e6
        loads = [load_ms(path) / 1000 for _ in range(repeats)]
        for name, unit, runs, key in (
            ("render", "s", renders, "render"),
            ("file size", "MB", [size], "size"),
            ("Chromium load", "s", loads, "load"),
        ):
            figure = report.add(Figure("map", f"{label}: {name}", unit, runs))
            if key in targets:
                figure.target = f"≤ {targets[key]:g} {unit}"
                figure.met = figure.median <= targets[key]
