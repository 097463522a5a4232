"""``gridmap check``: the integrity report of an area, and the same checks on an import.

The checks themselves are set-based SQL (``db/integrity.py``); here they are scoped,
stations found outside their community get a CRS diagnosis (would their coordinates land
inside if they were GCJ-02 or BD-09 read as WGS84?), and the counts are rolled up from
communities to streets and the district.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection

from gridmap.db import integrity as db
from gridmap.db.integrity import Finding
from gridmap.domain.hierarchy import area_level
from gridmap.geo import crs
from gridmap.services.scope import maintenance
from gridmap.settings import get_settings

CHECKS = ("geometry", "codes", "coverage", "buildings", "households", "stations")


@dataclass
class Level:
    level: str  # district, street or community
    code: str
    name: str
    area_m2: float
    communities: int = 0
    grids: int = 0
    grid_area_m2: float = 0.0
    buildings: int = 0
    households: int = 0
    stations: int = 0


@dataclass
class Report:
    area: str
    findings: list[Finding] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def as_dict(self) -> dict:  # type: ignore[type-arg]
        return {
            "area": self.area,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [asdict(f) for f in self.findings],
            "levels": [asdict(level) for level in self.levels],
        }


def patterns_for(codes: Sequence[str]) -> list[str]:
    """LIKE patterns for area codes ('' or no codes: everything)."""
    return [f"{c}%" for c in codes if c] or ["%"]


def findings(
    conn: Connection,
    patterns: list[str],
    checks: Sequence[str] = CHECKS,
    ids: dict[str, list[int]] | None = None,
) -> list[Finding]:
    """Run ``checks`` on the areas matching ``patterns`` (points: only ``ids`` when given)."""
    sliver = get_settings().sliver_area
    ids = ids or {}
    found: list[Finding] = []
    if "geometry" in checks:
        found += db.invalid_geometries(conn, patterns)
    if "codes" in checks:
        found += db.grid_codes(conn, patterns)
    if "coverage" in checks:
        found += db.empty_communities(conn, patterns)
        found += db.coverage_gaps(conn, patterns, sliver)
        found += db.overlaps(conn, patterns, sliver)
        found += db.outside_community(conn, patterns, sliver)
    for table in ("buildings", "households"):
        if table in checks:
            found += db.points_in_grids(conn, table, patterns, ids.get(table))
    if "stations" in checks:
        found += _stations(conn, patterns, ids.get("stations"))
    return found


def _stations(conn: Connection, patterns: list[str], ids: list[int] | None) -> list[Finding]:
    rows = db.stations_outside(conn, patterns, ids)
    hints = {r["id"]: "" for r in rows}
    for name, label in ((crs.CRS.GCJ02, "GCJ-02 (高德/腾讯)"), (crs.CRS.BD09, "BD-09 (百度)")):
        pending = [r for r in rows if not hints[r["id"]]]
        if not pending:
            break
        lons, lats = crs.to_wgs84_many(
            [r["lon"] for r in pending], [r["lat"] for r in pending], name
        )
        inside = db.communities_containing(
            conn, [r["community_code"] for r in pending], lons.tolist(), lats.tolist()
        )
        for r, ok in zip(pending, inside, strict=True):
            if ok:
                hints[r["id"]] = f"; read as {label} it would be inside: import with --crs {name}"
    return [
        Finding(
            "station_outside_community",
            "error",
            str(r["id"]),
            f"station {r['id']} {r['name']} lies {r['meters']:,.0f} m outside its community "
            f"{r['community_code']}"
            + ("" if r["in_street"] else " and outside its street")
            + (f" (it lies in {r['lies_in']})" if r["lies_in"] else "")
            + (hints[r["id"]] or "; a wrong CRS is the usual cause"),
            r["lon"],
            r["lat"],
        )
        for r in rows
    ]


def levels(conn: Connection, patterns: list[str], area: str = "") -> list[Level]:
    """Counts and areas per community, rolled up to streets and the district (only the
    levels at or below ``area``, whose totals are whole)."""
    communities = db.summary(conn, patterns)
    wanted = {c["code"][:6] for c in communities} | {c["street_code"] for c in communities}
    names = {r["code"]: r for r in db.parents(conn, sorted(wanted))}
    out: dict[str, Level] = {}
    for c in communities:
        row = Level(
            "community",
            c["code"],
            c["name"],
            round(c["area_m2"], 1),
            1,
            c["grids"],
            round(c["grid_area_m2"], 1),
            c["buildings"],
            c["households"],
            c["stations"],
        )
        for code, level in ((c["code"][:6], "district"), (c["street_code"], "street")):
            if len(code) < len(area):
                continue  # a parent of the area checked: its totals would be partial
            if code not in out:
                known = names.get(code)
                out[code] = Level(
                    level,
                    code,
                    known["name"] if known else "",
                    round(known["area_m2"], 1) if known else 0.0,
                )
            total = out[code]
            total.communities += 1
            total.grids += row.grids
            total.grid_area_m2 = round(total.grid_area_m2 + row.grid_area_m2, 1)
            total.buildings += row.buildings
            total.households += row.households
            total.stations += row.stations
        out[c["code"]] = row
    order = {"district": 0, "street": 1, "community": 2}
    return sorted(out.values(), key=lambda v: (order[v.level], v.code))


@maintenance("the integrity check")
def check(conn: Connection, area: str | None = None) -> Report:
    """The full integrity report of ``area`` (a district, street, community or grid code;
    None: everything)."""
    if area:
        area_level(area)
    patterns = patterns_for([area or ""])
    return Report(area or "", findings(conn, patterns), levels(conn, patterns, area or ""))
