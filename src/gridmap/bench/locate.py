"""Locate benchmarks: by point and by address over HTTP, and batches of 10,000 addresses."""

from __future__ import annotations

import threading
import time

import httpx
from sqlalchemy import Engine, text

from gridmap.bench.figures import Figure, Report
from gridmap.bench.http import rss_mb, server, wrk

LOCATED_FIELDS = """... on Located { matchedAddress grid { code name } community { name }
  street { name } staff { role name phone } stations { station { kind name } meters minutes } }"""
POINT_QUERY = "query($p: PointInput) { locate(point: $p) { __typename " + LOCATED_FIELDS + " } }"
ADDRESS_QUERY = "query($a: String) { locate(address: $a) { __typename " + LOCATED_FIELDS + " } }"
MANY_QUERY = (
    "query($a: [String!]) { locateMany(addresses: $a) { __typename "
    "... on Located { grid { code } room } } }"
)
SATURATION = 16
STEADY = 2
LATENCY_TARGETS = {("locate-point", "p99"): 10.0, ("locate-address", "p50"): 5.0}
MESSY = (
    "{c}{p}{b}栋{u}单元{r}室",
    " {p} {b}幢{u}单元{r} ",
    "{p}{b}-{u}-{r}",
    "{c}，{p}{b}号楼{u}单元{r}号",
)


_SAMPLE = text("""
    SELECT ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat, c.name AS c, cp.name AS p,
           b.number AS b, u.number AS u, h.room AS r
    FROM households h
    JOIN buildings b ON b.id = h.building_id JOIN units u ON u.id = h.unit_id
    JOIN compounds cp ON cp.id = b.compound_id JOIN communities c ON c.code = cp.community_code
    ORDER BY random() LIMIT :n
""")


def sample(engine: Engine, n: int) -> list[dict]:
    """``n`` households drawn at random (the same draw every run), with point and address."""
    with engine.connect() as conn:
        conn.execute(text("SELECT setseed(0.42)"))
        return [dict(r) for r in conn.execute(_SAMPLE, {"n": n}).mappings().all()]


def messy(row: dict, k: int) -> str:
    return MESSY[k % len(MESSY)].format(**row)


class _RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, rss_mb(self.pid))


def _load(
    url: str, path: str, bodies: list[dict], seconds: int, connections: int, repeats: int
) -> list:  # type: ignore[type-arg]
    wrk(url, path, bodies, 2, connections)  # warm up caches and connection pools
    return [wrk(url, path, bodies, seconds, connections) for _ in range(repeats)]


def http_locate(
    report: Report, engine: Engine, env: dict[str, str], workers: int, seconds: int, repeats: int
) -> None:
    """locate-point and locate-address: GraphQL over uvicorn vs the bare Starlette floor.

    Throughput is measured at saturation (16 connections); latency at a steady load of two
    concurrent clients, as a desk of staff would put on it.
    """
    rows = sample(engine, 2000)
    cases = {
        "locate-point": (
            [
                {"query": POINT_QUERY, "variables": {"p": {"lon": r["lon"], "lat": r["lat"]}}}
                for r in rows
            ],
            [{"lon": r["lon"], "lat": r["lat"]} for r in rows],
        ),
        "locate-address": (
            [{"query": ADDRESS_QUERY, "variables": {"a": messy(r, k)}} for k, r in enumerate(rows)],
            [{"address": messy(r, k)} for k, r in enumerate(rows)],
        ),
    }
    for name, (graphql_bodies, floor_bodies) in cases.items():
        with server("gridmap.api.app:create_app", workers, env) as (url, pid):
            resting = rss_mb(pid)
            sampler = _RssSampler(pid)
            sampler.start()
            busy = _load(url, "/graphql", graphql_bodies, seconds, SATURATION, repeats)
            sampler.stop.set()
            steady = _load(url, "/graphql", graphql_bodies, seconds, STEADY, repeats)
        with server("gridmap.bench.floor:create_app", workers, env) as (url, _):
            floor_busy = _load(url, "/locate", floor_bodies, seconds, SATURATION, repeats)
            floor_steady = _load(url, "/locate", floor_bodies, seconds, STEADY, repeats)
        rate = report.add(
            Figure(
                name,
                f"throughput at {SATURATION} connections",
                "req/s",
                [x.requests_per_s for x in busy],
                floor=_median(f.requests_per_s for f in floor_busy),
                target="≥ 0.5 × floor",
            )
        )
        rate.met = (rate.ratio or 0) >= 0.5
        for label, pick in (("p50", lambda x: x.p50_ms), ("p99", lambda x: x.p99_ms)):
            figure = report.add(
                Figure(
                    name,
                    f"{label} at {STEADY} clients",
                    "ms",
                    [pick(x) for x in steady],
                    floor=_median(pick(f) for f in floor_steady),
                )
            )
            if (name, label) in LATENCY_TARGETS:
                figure.target = f"≤ {LATENCY_TARGETS[(name, label)]:g} ms"
                figure.met = figure.median <= LATENCY_TARGETS[(name, label)]
        report.add(
            Figure(
                name,
                f"p99 at {SATURATION} connections",
                "ms",
                [x.p99_ms for x in busy],
                floor=_median(f.p99_ms for f in floor_busy),
            )
        )
        errors = sum(x.errors for x in busy + steady + floor_busy + floor_steady)
        if errors:
            rate.note = f"{errors} non-2xx responses"
        report.add(Figure(name, "server RSS at rest", "MB", [resting]))
        report.add(Figure(name, "server RSS under load", "MB", [sampler.peak or resting]))


def _median(values) -> float:  # type: ignore[no-untyped-def]
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


_FLOOR_JOIN = text("""
    SELECT q.i, h.id, h.grid_id FROM unnest(:p, :b, :u, :r) WITH ORDINALITY AS q(p, b, u, r, i)
    JOIN compounds cp ON cp.name = q.p JOIN buildings b ON b.compound_id = cp.id AND b.number = q.b
    JOIN units u ON u.building_id = b.id AND u.number = q.u
    JOIN households h ON h.building_id = b.id AND h.unit_id = u.id AND h.room = q.r
""")


def locate_many(
    report: Report,
    engine: Engine,
    env: dict[str, str],
    workers: int,
    repeats: int,
    batch: int = 10_000,
) -> None:
    """Addresses per second for batches of 10,000, against one set-based SQL join."""
    rows = sample(engine, batch)
    addresses = [messy(r, k) for k, r in enumerate(rows)]
    runs = []
    with server("gridmap.api.app:create_app", workers, env) as (url, _):
        client = httpx.Client(base_url=url, timeout=120)
        for attempt in range(repeats + 1):
            start = time.perf_counter()
            response = client.post(
                "/graphql", json={"query": MANY_QUERY, "variables": {"a": addresses}}
            )
            elapsed = time.perf_counter() - start
            located = sum(
                r["__typename"] == "Located" for r in response.json()["data"]["locateMany"]
            )
            if attempt:  # the first call warms up
                runs.append(len(addresses) / elapsed)
    floors = []
    params = {k: [r[k] for r in rows] for k in ("p", "b", "u", "r")}
    for _ in range(repeats):
        with engine.connect() as conn:
            start = time.perf_counter()
            conn.execute(_FLOOR_JOIN, params).all()
            floors.append(len(rows) / (time.perf_counter() - start))
    figure = report.add(
        Figure(
            "locate-many",
            "addresses per second",
            "1/s",
            runs,
            floor=sorted(floors)[len(floors) // 2],
            target="≥ 20,000/s",
        )
    )
    figure.met = figure.median >= 20_000
    figure.note = f"{located:,} of {len(addresses):,} messy addresses located"
