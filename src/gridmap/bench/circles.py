"""Service-circle benchmarks: all stations' 15-minute areas, and the coverage audit."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from gridmap.bench.figures import Figure, Report, timed
from gridmap.services import audit, service_areas
from gridmap.services.access import operator
from gridmap.services.scope import Scope
from gridmap.services.walking import walk_meters

NAIVE_SAMPLE = 60  # stations timed one pgr_drivingDistance call each; scaled to all


def isochrones(report: Report, engine: Engine, repeats: int) -> None:
    """All stations' 15-minute service areas vs one pgr_drivingDistance call per station."""
    with engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM stations ORDER BY id")).scalars())
        edges = conn.execute(text("SELECT count(*) FROM road_edges")).scalar_one()

    def build_all() -> None:
        with engine.begin() as conn:
            service_areas.build(conn, None, [15])

    runs = timed(build_all, repeats)
    sample = ids[:: max(1, len(ids) // NAIVE_SAMPLE)][:NAIVE_SAMPLE]
    with engine.connect() as conn:
        start = time.perf_counter()
        for station in sample:  # the naive way: the network handed to pgRouting per station
            conn.execute(
                text("""
                SELECT count(*) FROM pgr_drivingDistance(
                    'SELECT id, source, target, cost, reverse_cost FROM road_edges',
                    (SELECT e.source FROM station_edges se JOIN road_edges e
                     ON e.id = se.edge_id WHERE se.station_id = :s), :d, false)
            """),
                {"s": station, "d": walk_meters(15)},
            )
        naive = (time.perf_counter() - start) / len(sample) * len(ids)
    figure = report.add(
        Figure(
            "isochrones",
            f"all {len(ids):,} stations, 15 min, {edges:,} edges",
            "s",
            runs,
            floor=naive,
            target="≤ 30 s",
        )
    )
    figure.met = figure.median <= 30
    figure.note = (
        f"floor: one pgr_drivingDistance per station (no geometry), timed on "
        f"{len(sample)} stations and scaled"
    )


def station_move(report: Report, engine: Engine, repeats: int) -> None:
    """Moving one station ~100 m and recomputing what it changes (rolled back each time)."""
    from gridmap.services.stations import relocate_station

    with engine.connect() as conn:
        sid, lon, lat = conn.execute(
            text(
                "SELECT id, ST_X(geom), ST_Y(geom) FROM stations ORDER BY id "
                "OFFSET (SELECT count(*) / 2 FROM stations) LIMIT 1"
            )
        ).one()
    runs = []
    for _ in range(repeats):
        with engine.connect() as conn:
            transaction = conn.begin()
            start = time.perf_counter()
            relocate_station(conn, sid, lon + 0.001, lat)
            runs.append(time.perf_counter() - start)
            transaction.rollback()
    figure = report.add(
        Figure("station-move", "move one station and recompute", "s", runs, target="≤ 1 s")
    )
    figure.met = figure.median <= 1


def coverage(report: Report, engine: Engine, repeats: int) -> None:
    """The full audit of the district (all kinds, per street) vs one direct SQL count."""
    with engine.connect() as conn:
        district = conn.execute(text("SELECT min(code) FROM districts")).scalar_one()
        households = conn.execute(text("SELECT count(*) FROM households")).scalar_one()

    def full() -> None:
        with Scope.open(operator(), engine=engine) as scope:
            audit.coverage(scope, district, 15)

    def direct() -> None:
        with engine.connect() as conn:
            conn.execute(
                text("SELECT count(*) FILTER (WHERE meters[5] <= 1000) FROM household_walks")
            ).scalar_one()

    runs, floors = timed(full, repeats), timed(direct, repeats)
    figure = report.add(
        Figure(
            "coverage",
            f"audit of {households:,} households, all kinds",
            "s",
            runs,
            floor=sorted(floors)[len(floors) // 2],
            target="≤ 5 s",
        )
    )
    figure.met = figure.median <= 5
