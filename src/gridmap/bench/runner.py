"""``gridmap bench``: load the demo at a scale (once), run every benchmark, print a table."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from gridmap.bench import circles, imports, locate, maps
from gridmap.bench.figures import Report
from gridmap.db import migrate
from gridmap.db.engine import database_url
from gridmap.demo.generate import SCALES
from gridmap.errors import InvalidInput
from gridmap.services.access import operator
from gridmap.services.demo import load_demo
from gridmap.services.scope import Scope
from gridmap.settings import get_settings


@dataclass(frozen=True)
class Plan:
    seconds: int  # of each HTTP load run
    repeats: int


PLANS = {"small": Plan(1, 1), "city": Plan(5, 3), "large": Plan(10, 3)}


@dataclass
class Bench:
    """What one benchmark needs: the demo database and how long to run."""

    engine: Engine
    url: str
    scale: str
    plan: Plan
    workers: int

    @property
    def env(self) -> dict[str, str]:
        """The server's settings: the load comes from one address, so no per-caller limit."""
        return {
            "GRIDMAP_DATABASE_URL": self.url,
            "GRIDMAP_WORKERS": str(self.workers),
            "GRIDMAP_RATE_LIMIT_PER_MINUTE": "0",
        }


BENCHMARKS: dict[str, Callable[[Report, Bench], None]] = {
    "locate": lambda r, b: locate.http_locate(
        r, b.engine, b.env, b.workers, b.plan.seconds, b.plan.repeats
    ),
    "locate-many": lambda r, b: locate.locate_many(
        r, b.engine, b.env, b.workers, b.plan.seconds, b.plan.repeats
    ),
    "isochrones": lambda r, b: circles.isochrones(r, b.engine, b.plan.repeats),
    "coverage": lambda r, b: circles.coverage(r, b.engine, b.plan.repeats),
    "station-move": lambda r, b: circles.station_move(r, b.engine, b.plan.repeats),
    "map": lambda r, b: maps.maps(r, b.engine, b.plan.repeats),
    "import": lambda r, b: imports.households(r, b.engine, min(b.plan.repeats, 2)),
}


def expected_grids(scale: str) -> int:
    shape = SCALES[scale].shape
    return (
        shape.street_rows
        * shape.street_cols
        * shape.community_rows
        * shape.community_cols
        * shape.grid_rows
        * shape.grid_cols
    )


def bench_database(scale: str, progress: Callable[[str, int], None] | None = None) -> Engine:
    """The database ``gridmap_bench_<scale>`` beside the configured one, loaded once."""
    base = make_url(database_url())
    name = f"gridmap_bench_{scale}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(base.set(database=name), pool_size=4)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        grids = conn.execute(text("SELECT count(*) FROM grids")).scalar_one()
    if grids != expected_grids(scale):
        with Scope.open(operator(), write=True, engine=engine) as scope:
            load_demo(scope, scale, progress=progress)
    return engine


def run(
    scale: str,
    only: list[str] | None = None,
    json_path: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Report:
    if scale not in PLANS:
        raise InvalidInput(f"unknown scale {scale!r}; choose one of {', '.join(PLANS)}")
    unknown = set(only or []) - set(BENCHMARKS)
    if unknown:
        raise InvalidInput(
            f"unknown benchmark(s) {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(BENCHMARKS)}"
        )
    engine = bench_database(scale, progress)
    bench = Bench(
        engine,
        engine.url.render_as_string(hide_password=False),
        scale,
        PLANS[scale],
        get_settings().workers,
    )
    report = Report(scale, machine())
    for name, benchmark in BENCHMARKS.items():
        if only and name not in only:
            continue
        if progress:
            progress(f"running {name}", 0)
        benchmark(report, bench)
    if json_path:
        json_path.write_text(
            json.dumps(
                {
                    "scale": scale,
                    "machine": report.machine,
                    "figures": [f.as_dict() for f in report.figures],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return report


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}"
