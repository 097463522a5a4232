"""Where should the next station go?  Greedy maximal coverage over candidate sites.

Candidates are the road junctions inside the area.  From each, one bounded Dijkstra finds the
households it would bring within the walk; the greedy loop then takes, step by step, the
candidate that adds the most not-yet-covered households (optionally weighted by flags, e.g.
elderly-alone households count triple for a meal point).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Connection, text

from gridmap.db import coverage as coverage_db
from gridmap.db import network
from gridmap.domain.hierarchy import FLAGS, area_level
from gridmap.domain.walking import check_minutes
from gridmap.errors import InvalidInput, NotFound
from gridmap.services.audit import kind_positions
from gridmap.services.scope import aggregate
from gridmap.services.walking import build_graph, walk_meters

MAX_CANDIDATES = 3000
CHUNK = 64


@dataclass(frozen=True)
class Step:
    rank: int
    node_id: int
    lon: float
    lat: float
    households_added: int
    weight_added: float
    covered_after: int
    ratio_after: float


@dataclass(frozen=True)
class Siting:
    area_code: str
    kind: str
    minutes: int
    total: int
    covered_before: int
    candidates: int
    steps: list[Step]


@aggregate
def suggest(
    conn: Connection,
    area_code: str,
    count: int = 3,
    minutes: int = 15,
    kind: str = "助餐点",
    weights: Mapping[str, float] | None = None,
) -> Siting:
    """Choose ``count`` new sites for a station of ``kind`` in the area, greedily."""
    level = area_level(area_code)
    check_minutes(minutes)
    if not 1 <= count <= 50:
        raise InvalidInput(f"count must be between 1 and 50, got {count}")
    unknown = set(weights or {}) - set(FLAGS)
    if unknown:
        raise InvalidInput(
            f"unknown flag(s) {', '.join(sorted(unknown))} in weights; known: {', '.join(FLAGS)}"
        )
    if coverage_db.area_exists(conn, area_code) is None:
        raise NotFound(f"no {level} with code {area_code}")
    position = kind_positions(conn, [kind])[kind]
    meters = walk_meters(minutes)
    households, total, covered = _uncovered(conn, area_code, position, meters, weights or {})
    net = network.load_network(conn)
    if net.empty:
        raise InvalidInput("the walkable network is empty: load the demo or import roads")
    candidates = _candidates(conn, area_code)
    reach = _reach(net, candidates, households, meters)
    steps, weight = [], households["weight"].copy()
    for rank in range(1, count + 1):
        gains = np.array([weight[r].sum() for r in reach]) if reach else np.zeros(0)
        if not gains.size or gains.max() <= 0:
            break
        best = int(np.argmax(gains))
        added = reach[best][weight[reach[best]] > 0]
        covered += added.size
        steps.append(
            Step(
                rank,
                int(candidates["id"][best]),
                float(candidates["lon"][best]),
                float(candidates["lat"][best]),
                int(added.size),
                float(gains[best]),
                covered,
                covered / total if total else 1.0,
            )
        )
        weight[added] = 0
    return Siting(
        area_code,
        kind,
        minutes,
        total,
        covered - sum(s.households_added for s in steps),
        len(candidates["id"]),
        steps,
    )


def _uncovered(
    conn: Connection, area_code: str, position: int, meters: float, weights: Mapping[str, float]
) -> tuple[dict[str, np.ndarray], int, int]:
    weight_sql = " + ".join(
        ["1.0"] + [f"CASE WHEN h.{f} THEN {float(w)} ELSE 0 END" for f, w in weights.items()]
    )
    rows = conn.execute(
        text(f"""
        SELECT w.edge_id, w.fraction, w.snap_m, {weight_sql} AS weight,
               coalesce(w.meters[:p] <= :d, false) AS covered
        FROM household_walks w JOIN households h ON h.id = w.household_id
        WHERE w.grid_code LIKE :area || '%'
    """),
        {"p": position, "d": meters, "area": area_code},
    ).all()
    total = len(rows)
    covered = sum(1 for r in rows if r.covered)
    open_rows = [r for r in rows if not r.covered and r.edge_id is not None]
    table = np.array(
        [(r.edge_id, r.fraction, r.snap_m, r.weight) for r in open_rows], dtype=float
    ).reshape(-1, 4)
    return (
        {
            "edge": table[:, 0].astype(np.int64),
            "fraction": table[:, 1],
            "snap": table[:, 2],
            "weight": table[:, 3],
        },
        total,
        covered,
    )


def _candidates(conn: Connection, area_code: str) -> dict[str, np.ndarray]:
    level = area_level(area_code)
    table = {
        "district": "districts",
        "street": "streets",
        "community": "communities",
        "grid": "grids",
    }[level]
    current = "AND a.valid_to IS NULL" if level == "grid" else ""
    rows = conn.execute(
        text(f"""
        SELECT n.id, ST_X(n.geom), ST_Y(n.geom) FROM road_nodes n
        JOIN {table} a ON a.code = :code {current} AND ST_Intersects(a.geom, n.geom)
        WHERE EXISTS (SELECT 1 FROM road_edges e WHERE e.source = n.id OR e.target = n.id)
        ORDER BY n.id
    """),
        {"code": area_code},
    ).all()
    if not rows:
        raise InvalidInput(f"no road junction lies inside {area_code} to put a station at")
    step = max(1, len(rows) // MAX_CANDIDATES)  # evenly thinned when there are very many
    chosen = np.array([tuple(r) for r in rows[::step]], dtype=float)
    return {"id": chosen[:, 0].astype(np.int64), "lon": chosen[:, 1], "lat": chosen[:, 2]}


def _reach(
    net: network.Network,
    candidates: dict[str, np.ndarray],
    households: dict[str, np.ndarray],
    meters: float,
) -> list[np.ndarray]:
    """For each candidate: indices of the open households within ``meters`` of it."""
    graph = build_graph(net, [])
    edge_index = np.searchsorted(net.edge_ids, households["edge"])
    src = np.searchsorted(net.node_ids, net.sources[edge_index])
    tgt = np.searchsorted(net.node_ids, net.targets[edge_index])
    length = net.lengths[edge_index]
    before, after = households["fraction"] * length, (1 - households["fraction"]) * length
    nodes = np.searchsorted(net.node_ids, candidates["id"])  # candidates lie on edges
    found = []
    for start in range(0, nodes.size, CHUNK):
        dist = dijkstra(
            graph.matrix, directed=False, indices=nodes[start : start + CHUNK], limit=meters
        )
        walk = np.minimum(dist[:, src] + before, dist[:, tgt] + after) + households["snap"]
        found += [np.flatnonzero(row <= meters) for row in walk]
    return found
