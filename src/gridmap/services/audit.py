"""The coverage audit (does the 15-minute promise hold, household by household?) and the
nearest-station partition (each station's catchment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from gridmap.db import coverage as db
from gridmap.db import walks
from gridmap.domain.hierarchy import FLAGS, area_level
from gridmap.domain.walking import check_minutes
from gridmap.errors import InvalidInput, NotFound
from gridmap.services.scope import aggregate
from gridmap.services.walking import walk_meters


@dataclass(frozen=True)
class Figures:
    total: int
    covered: int

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def ratio(self) -> float:
        return self.covered / self.total if self.total else 1.0


@dataclass(frozen=True)
class KindCoverage:
    kind: str
    figures: Figures
    uncovered_elderly_alone: int


@dataclass(frozen=True)
class AreaCoverage:
    code: str
    name: str
    level: str
    overall: Figures
    residents: int
    off_network: int  # households too far from any walkable edge to be reached
    by_kind: list[KindCoverage]
    uncovered_flags: dict[str, int]


@dataclass(frozen=True)
class Audit:
    area: AreaCoverage
    minutes: int
    meters: float
    kinds: list[str]
    children: list[AreaCoverage] = field(default_factory=list)
    uncovered_buildings: list[dict] = field(default_factory=list)


def kind_positions(conn: Connection, kinds: Sequence[str] | None) -> dict[str, int]:
    """Each requested kind's index in the walk arrays (all kinds when none are given)."""
    order = walks.kind_order(conn)
    wanted = list(kinds) if kinds else order
    unknown = [k for k in wanted if k not in order]
    if unknown:
        raise InvalidInput(
            f"unknown station kind(s) {', '.join(unknown)}; known: {', '.join(order)}"
        )
    return {k: order.index(k) + 1 for k in wanted}


def _area(row, code: str, name: str, kinds: list[str]) -> AreaCoverage:  # type: ignore[no-untyped-def]
    return AreaCoverage(
        code=code,
        name=name,
        level=area_level(code),
        overall=Figures(row["total"], row["covered"]),
        residents=int(row["residents"]),
        off_network=row["off_network"],
        by_kind=[
            KindCoverage(
                k, Figures(row["total"], row[f"covered_{i}"]), row[f"elderly_uncovered_{i}"]
            )
            for i, k in enumerate(kinds)
        ],
        uncovered_flags={f: row[f"uncovered_{f}"] for f in FLAGS},
    )


@aggregate
def coverage(
    conn: Connection,
    area_code: str,
    minutes: int = 15,
    kinds: Sequence[str] | None = None,
    buildings: int = 50,
) -> Audit:
    """Households covered within ``minutes`` on foot, overall (by any of the kinds) and per
    kind, for the area and each of its child areas, with the worst uncovered buildings."""
    level = area_level(area_code)
    check_minutes(minutes)
    if not 0 <= buildings <= 1000:
        raise InvalidInput(f"buildings must be between 0 and 1000, got {buildings}")
    name = db.area_exists(conn, area_code)
    if name is None:
        raise NotFound(f"no {level} with code {area_code}")
    positions = kind_positions(conn, kinds)
    meters = walk_meters(minutes)
    names = list(positions)
    rows = db.audit(conn, area_code, positions, meters, by_child=False)
    empty = {
        "total": 0,
        "covered": 0,
        "residents": 0,
        "off_network": 0,
        **{f"uncovered_{f}": 0 for f in FLAGS},
        **{f"{c}_{i}": 0 for i in range(len(names)) for c in ("covered", "elderly_uncovered")},
    }
    area = _area(rows[0] if rows else empty, area_code, name, names)
    children = []
    if level != "grid":
        child_rows = db.audit(conn, area_code, positions, meters, by_child=True)
        child_names = db.names(conn, [r["code"] for r in child_rows])
        children = [_area(r, r["code"], child_names.get(r["code"], ""), names) for r in child_rows]
    worst = db.uncovered_buildings(conn, area_code, list(positions.values()), meters, buildings)
    return Audit(area, minutes, meters, names, children, [dict(b) for b in worst])


@aggregate
def catchments(conn: Connection, kind: str, area_code: str | None = None) -> list[dict]:
    """For one kind: each station's households and residents (its nearest-station share)."""
    if area_code is not None:
        area_level(area_code)
    position = kind_positions(conn, [kind])[kind]
    return [dict(r) for r in db.catchments(conn, position, area_code)]
