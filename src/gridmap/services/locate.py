"""Locate: from an address or a point to street, community, grid, staff and stations.

Batches are first-class: ``locate_points`` and ``locate_addresses`` take lists and run a fixed
number of statements whatever their length; the single-item calls are batches of one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from gridmap.db import gazetteer
from gridmap.db import locate as db
from gridmap.db.locate import Place
from gridmap.domain import matching
from gridmap.domain.address import ParsedAddress, parse_address
from gridmap.errors import GridmapError, InvalidInput
from gridmap.geo import crs as crs_mod
from gridmap.services.scope import Scope


@dataclass(frozen=True, slots=True)
class PointQuery:
    x: float
    y: float
    crs: str = "WGS84"


@dataclass(frozen=True, slots=True)
class Person:
    role: str
    name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class CentralHousehold:
    name: str
    phone: str | None
    address: str


@dataclass(slots=True)
class Located:
    query: str
    matched_address: str
    confidence: float
    matched_parts: tuple[str, ...]
    level: str  # household, building, compound or point
    lon: float
    lat: float
    gcj02: tuple[float, float]
    place: Place
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    household_id: int | None = None
    staff: list[Person] = field(default_factory=list)
    central_household: CentralHousehold | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    address: str
    score: float
    level: str
    community_code: str


@dataclass(frozen=True, slots=True)
class AddressNotFound:
    query: str
    reason: str
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True)
class OutsideJurisdiction:
    query: str
    lon: float
    lat: float
    nearest_grid_code: str | None
    nearest_grid_name: str | None
    distance_m: float | None


LocateResult = Located | AddressNotFound | OutsideJurisdiction


PIPELINE_CHUNK = 2_000  # addresses matched by one statement of a long batch
PEOPLE_READ = "read staff contacts via locate"  # the audit log's action for such results


def people_shown(results: Sequence[LocateResult]) -> str | None:
    """The audit note for results that carried names and phones (None when none did)."""
    shown = [
        r.place.grid_code
        for r in results
        if isinstance(r, Located) and (r.staff or r.central_household)
    ]
    if not shown:
        return None
    grids = sorted(set(shown))
    return f"{len(shown)} results in grids {', '.join(grids[:20])}"


def check_batch(size: int, limit: int) -> None:
    if size > limit:
        raise InvalidInput(f"batch of {size:,} items is over the limit of {limit:,}")


def to_wgs84(points: Sequence[PointQuery]) -> list[tuple[float, float]]:
    """Validate and convert every point (vectorised per CRS); the first bad one raises,
    naming its position in the batch."""
    by_crs: dict[str, list[int]] = {}
    for i, p in enumerate(points):
        if not (math.isfinite(p.x) and math.isfinite(p.y)):
            raise InvalidInput(
                f"{_where(i, points)}: coordinates must be finite numbers, got ({p.x}, {p.y})"
            )
        by_crs.setdefault(crs_mod.parse_crs(p.crs), []).append(i)
    converted: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for name, indices in by_crs.items():
        lons, lats = crs_mod.to_wgs84_many(
            [points[i].x for i in indices], [points[i].y for i in indices], name
        )
        for i, lon, lat in zip(indices, lons.tolist(), lats.tolist(), strict=True):
            crs_mod.validate_lonlat(lon, lat, where=_where(i, points))
            converted[i] = (lon, lat)
    return converted


def _where(i: int, points: Sequence[PointQuery]) -> str:
    return "point" if len(points) == 1 else f"point {i + 1}"


def locate_points(scope: Scope, points: Sequence[PointQuery]) -> list[LocateResult]:
    """Locate points given in any supported CRS, in input order (with the staff, for callers
    who may see them)."""
    conn, people = scope.conn, scope.principal.reads_personal
    wgs = to_wgs84(points)
    lons, lats = [p[0] for p in wgs], [p[1] for p in wgs]
    places = db.grids_at(conn, lons, lats)
    results: list[LocateResult | None] = [None] * len(points)
    outside = [i for i, place in enumerate(places) if place is None]
    if outside:
        nearest = db.nearest_grids(conn, [lons[i] for i in outside], [lats[i] for i in outside])
        for i, row in zip(outside, nearest, strict=True):
            results[i] = OutsideJurisdiction(
                _point_label(points[i]),
                lons[i],
                lats[i],
                row["grid_code"],
                row["grid_name"],
                round(row["distance_m"], 1),
            )
    gcj = _gcj02(lons, lats)
    for i, place in enumerate(places):
        if place is not None:
            results[i] = Located(
                query=_point_label(points[i]),
                matched_address=_place_address(place),
                confidence=1.0,
                matched_parts=("point",),
                level="point",
                lon=lons[i],
                lat=lats[i],
                gcj02=gcj[i],
                place=place,
            )
    if people:
        _add_people(scope, [r for r in results if isinstance(r, Located)])
    return results  # type: ignore[return-value]


def locate_addresses(scope: Scope, texts: Sequence[str]) -> list[LocateResult]:
    """Locate messy Chinese addresses, in input order; unparsable ones are AddressNotFound.

    For a caller who may see personal data: the household, the staff and the 党员中心户 (for
    others an address resolves to its building at most).

    A long batch goes to the gazetteer in chunks, one statement each, on a helper thread:
    while the database matches one chunk, this thread parses the next and ranks the last.
    """
    conn, people = scope.conn, scope.principal.reads_personal
    chunks = [texts[i : i + PIPELINE_CHUNK] for i in range(0, len(texts), PIPELINE_CHUNK)]
    results: list[LocateResult] = []

    def match(parsed: list[ParsedAddress | AddressNotFound]) -> list[list[gazetteer.Candidate]]:
        return gazetteer.match_addresses(conn, [_address_query(p) for p in parsed], people)

    if len(chunks) == 1:
        parsed = _parse_all(chunks[0])
        results = _resolve(parsed, match(parsed))
    elif chunks:
        with ThreadPoolExecutor(1, thread_name_prefix="gridmap-gazetteer") as database:
            running = None
            for chunk in chunks:
                parsed = _parse_all(chunk)
                matched = database.submit(match, parsed)
                if running is not None:
                    results += _resolve(running[0], running[1].result())
                running = (parsed, matched)
            assert running is not None
            results += _resolve(running[0], running[1].result())
    if people:
        _add_people(scope, [r for r in results if isinstance(r, Located)])
    return results


def _parse_all(texts: Sequence[str]) -> list[ParsedAddress | AddressNotFound]:
    """Every address parsed, or AddressNotFound saying why it cannot be."""
    parsed: list[ParsedAddress | AddressNotFound] = []
    for raw in texts:
        try:
            parsed.append(parse_address(raw))
        except GridmapError as exc:
            parsed.append(AddressNotFound(_clip(raw), exc.message))
    return parsed


def _resolve(
    parsed: list[ParsedAddress | AddressNotFound], candidates: list[list[gazetteer.Candidate]]
) -> list[LocateResult]:
    """Each address's candidates ranked: Located when one is confidently best."""
    results: list[LocateResult | None] = []
    located = []  # (position in results, address, best match, its candidate and place)
    for p, found in zip(parsed, candidates, strict=True):
        if isinstance(p, AddressNotFound):
            results.append(p)
            continue
        ranked = matching.ranked(p, found)
        place = ranked[0][1].place if ranked else None
        if not matching.is_confident([m.score for m, _ in ranked]):
            results.append(
                AddressNotFound(
                    _clip(p.raw),
                    _not_found_reason(p, ranked),
                    tuple(
                        Candidate(_candidate_address(c), m.score, m.level, c.community_code)
                        for m, c in ranked[:5]
                    ),
                )
            )
        elif place is None:  # a gazetteer entry outside every grid: data to be fixed
            results.append(AddressNotFound(_clip(p.raw), "matched a place outside every grid"))
        else:
            located.append((len(results), p, *ranked[0], place))
            results.append(None)
    gcj = _gcj02([c.lon for *_, c, _ in located], [c.lat for *_, c, _ in located])
    for (i, p, m, c, place), point in zip(located, gcj, strict=True):
        results[i] = Located(
            query=_clip(p.raw),
            matched_address=_candidate_address(c, place.street_name),
            confidence=m.score,
            matched_parts=m.matched,
            level=m.level,
            lon=c.lon,
            lat=c.lat,
            gcj02=point,
            place=place,
            building=c.building,
            unit=c.unit,
            room=c.room if c.household_id else None,
            household_id=c.household_id,
        )
    return results  # type: ignore[return-value]


def _gcj02(lons: Sequence[float], lats: Sequence[float]) -> list[tuple[float, float]]:
    """GCJ-02 of many WGS84 points at once (for 高德 front ends)."""
    if not lons:
        return []
    x, y = crs_mod.from_wgs84_many(lons, lats, "GCJ02")
    return list(zip(x.tolist(), y.tolist(), strict=True))


def _add_people(scope: Scope, located: list[Located]) -> None:
    """Grid staff and 党员中心户 for every located result, in one statement; the names and
    phones shown are logged in the audit log."""
    if not located:
        return
    households = [r.household_id for r in located if r.household_id is not None]
    grids = sorted({r.place.grid_id for r in located})
    rows, central = db.people(scope.conn, grids, households)
    staff = {
        g: [Person(s["role"], s["name"], s["phone"]) for s in found] for g, found in rows.items()
    }
    for r in located:
        r.staff = staff[r.place.grid_id]
        row = central.get(r.household_id) if r.household_id is not None else None
        if row is not None:
            where = f"{row['building']}栋" + (f"{row['unit']}单元" if row["unit"] else "")
            r.central_household = CentralHousehold(row["name"], row["phone"], where + row["room"])
    note = people_shown(located)
    if note:
        scope.audit(PEOPLE_READ, note)


def _address_query(p: ParsedAddress | AddressNotFound) -> gazetteer.AddressQuery:
    if isinstance(p, AddressNotFound):
        return gazetteer.AddressQuery(None, None, None, None, None)
    return gazetteer.AddressQuery(p.community, p.compound, p.building, p.unit, p.room)


def _not_found_reason(p: ParsedAddress, ranked: list) -> str:  # type: ignore[type-arg]
    if not p.compound:
        return "the address names no compound (小区) to look for"
    if not ranked:
        return f"no compound resembles {p.compound!r}"
    return "no single confident match; see the candidates"


def _candidate_address(c: gazetteer.Candidate, street: str = "") -> str:
    parts = [street, c.community, c.compound]
    if c.building:
        parts.append(f"{c.building}栋")
    if c.unit:
        parts.append(f"{c.unit}单元")
    if c.household_id and c.room:
        parts.append(f"{c.room}室")
    return "".join(parts)


def _place_address(p: Place) -> str:
    return f"{p.district_name}{p.street_name}{p.community_name}{p.grid_name}"


def _point_label(p: PointQuery) -> str:
    return f"{p.x},{p.y} ({p.crs or 'WGS84'})"


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
