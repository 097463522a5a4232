"""Locate benchmarks: by point and by address over HTTP, and batches of 10,000 addresses."""

from __future__ import annotations

import json
import threading
import time

import httpx
from sqlalchemy import Engine, text

from gridmap.bench.figures import Figure, Report
from gridmap.bench.http import Load, rss_mb, server, wrk
from gridmap.errors import ConfigError

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
        with (
            server("gridmap.api.app:create_app", workers, env) as (url, pid),
            server("gridmap.bench.floor:create_app", workers, env) as (floor_url, _),
        ):
            resting = rss_mb(pid)
            sampler = _RssSampler(pid)
            sampler.start()
            busy, steady, floor_busy, floor_steady = _interleaved(
                (url, "/graphql", graphql_bodies),
                (floor_url, "/locate", floor_bodies),
                seconds,
                repeats,
            )
            sampler.stop.set()
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


def _interleaved(
    graphql: tuple[str, str, list[dict]],  # type: ignore[type-arg]
    floor: tuple[str, str, list[dict]],  # type: ignore[type-arg]
    seconds: int,
    repeats: int,
) -> tuple[list[Load], list[Load], list[Load], list[Load]]:
    """Runs at saturation and at a steady load, the API's and the floor's taken in turn, so
    that both see the same spells of this shared machine (a spell can last minutes and move
    a figure by half)."""
    for target in (graphql, floor):  # warm up caches and connection pools
        wrk(*target, 2, SATURATION)
    busy: list[Load] = []
    steady: list[Load] = []
    floor_busy: list[Load] = []
    floor_steady: list[Load] = []
    for _ in range(repeats):
        busy.append(wrk(*graphql, seconds, SATURATION))
        floor_busy.append(wrk(*floor, seconds, SATURATION))
        steady.append(wrk(*graphql, seconds, STEADY))
        floor_steady.append(wrk(*floor, seconds, STEADY))
    return busy, steady, floor_busy, floor_steady


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
    seconds: int,
    repeats: int,
    batch: int = 10_000,
) -> None:
    """Addresses per second in batches of 10,000: one client sending them one after another,
    and as many clients as the server has workers (the throughput the server sustains),
    against one set-based SQL join that finds the same households."""
    rows = sample(engine, batch)
    addresses = [messy(r, k) for k, r in enumerate(rows)]
    batch = len(addresses)  # fewer where the demo has fewer households
    body = json.dumps({"query": MANY_QUERY, "variables": {"a": addresses}}).encode()
    with server("gridmap.api.app:create_app", workers, env) as (url, _):
        results = json.loads(_post(url, body))["data"]["locateMany"]  # warms up too
        located = sum(r["__typename"] == "Located" for r in results)
        for _ in range(workers):  # every worker warmed up
            _post(url, body)
        one, sustained = [], []
        for _ in range(repeats):  # in turn, to share the spells of this shared machine
            start = time.perf_counter()
            _post(url, body)
            one.append(batch / (time.perf_counter() - start))
            sustained.append(_sustained(url, body, batch, workers, seconds))
    floors = []
    params = {k: [r[k] for r in rows] for k in ("p", "b", "u", "r")}
    for _ in range(repeats):
        with engine.connect() as conn:
            start = time.perf_counter()
            conn.execute(_FLOOR_JOIN, params).all()
            floors.append(batch / (time.perf_counter() - start))
    floor = sorted(floors)[len(floors) // 2]
    note = f"{located:,} of {batch:,} messy addresses located"
    report.add(
        Figure("locate-many", "addresses per second, 1 client", "1/s", one, floor, note=note)
    )
    figure = report.add(
        Figure(
            "locate-many",
            f"addresses per second, {workers} clients",
            "1/s",
            sustained,
            floor,
            target="≥ 20,000/s",
            note="the floor is the join on one connection",
        )
    )
    figure.met = figure.median >= 20_000


def _post(url: str, body: bytes) -> bytes:
    """One batch on a fresh connection (which an idle worker accepts; a kept-alive one would
    stay with the worker that took it first); the response, checked but not decoded."""
    response = httpx.post(
        url + "/graphql", content=body, headers={"content-type": "application/json"}, timeout=120
    )
    if response.status_code != 200 or b'"errors"' in response.content:
        raise ConfigError(f"locateMany failed in the benchmark: {response.text[:300]}")
    return response.content


def _sustained(url: str, body: bytes, batch: int, clients: int, seconds: int) -> float:
    """Addresses per second while ``clients`` threads post batches back to back."""
    done = [0] * clients
    start = time.perf_counter()
    stop = start + seconds

    def client(k: int) -> None:
        while time.perf_counter() < stop:
            _post(url, body)
            done[k] += batch

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start)
