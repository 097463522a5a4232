"""Locate over GraphQL: an address or a point → street, community, grid, staff, stations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from gridmap.api.context import Context
from gridmap.api.types import Community, Grid, Person, Station, Street
from gridmap.domain.walking import check_minutes
from gridmap.errors import InvalidInput
from gridmap.services import locate as service
from gridmap.services import reach
from gridmap.services.scope import Scope
from gridmap.settings import get_settings


@strawberry.input(description="A point. lon/lat are easting/northing for projected CRSs.")
class PointInput:
    lon: float
    lat: float
    crs: str = strawberry.field(
        default="WGS84",
        description="WGS84 (default), GCJ02 (高德/腾讯), BD09 (百度), CGCS2000, or EPSG:nnnn.",
    )

    def to_query(self) -> service.PointQuery:
        return service.PointQuery(self.lon, self.lat, self.crs)


@strawberry.type
class LonLat:
    lon: float
    lat: float


@strawberry.type(description="A station and how far it is on foot.")
class StationReach:
    station: Station
    meters: float
    minutes: float
    estimated: bool = strawberry.field(
        description="True when no walkable network reaches: a straight-line estimate."
    )


@strawberry.type(description="The 党员中心户 that looks after this household.")
class CentralHousehold:
    name: str
    phone: str | None
    address: str


@strawberry.type(description="The address or point was found inside the jurisdiction.")
class Located:
    query: str
    matched_address: str
    confidence: float = strawberry.field(description="0–1; 1 for points.")
    matched_parts: list[str] = strawberry.field(
        description="Which parts matched: community, compound, building, unit, room (or point)."
    )
    level: str = strawberry.field(description="household, building, compound or point.")
    point: LonLat
    point_gcj02: LonLat = strawberry.field(description="The point in GCJ-02, for 高德 maps.")
    building: str | None
    unit: str | None
    room: str | None
    staff: list[Person]
    central_household: CentralHousehold | None
    minutes: strawberry.Private[int]
    place: strawberry.Private[service.Place]

    @strawberry.field
    def street(self) -> Street:
        p = self.place
        return Street(code=p.street_code, name=p.street_name, parent_code=p.district_code)

    @strawberry.field
    def community(self) -> Community:
        p = self.place
        return Community(code=p.community_code, name=p.community_name, parent_code=p.street_code)

    @strawberry.field
    def grid(self) -> Grid:
        p = self.place
        return Grid(
            id=strawberry.ID(str(p.grid_id)),
            code=p.grid_code,
            name=p.grid_name,
            kind=p.grid_kind,
            category=p.grid_category,
            responsible_body=p.grid_responsible_body,
            area_m2=p.grid_area_m2,
            community_code=p.community_code,
            valid_from=p.grid_valid_from,
            valid_to=p.grid_valid_to,
        )

    @strawberry.field(description="Stations within `minutes` on foot, nearest first.")
    async def stations(self, info: Info[Context, None]) -> list[StationReach]:
        found = await _reach(info, self)
        return [_station_reach(r) for r in found if round(r["minutes"], 1) <= self.minutes]

    @strawberry.field(description="The nearest station of each kind, even beyond `minutes`.")
    async def nearest_by_kind(self, info: Info[Context, None]) -> list[StationReach]:
        found = await _reach(info, self)
        seen: dict[str, dict] = {}  # type: ignore[type-arg]
        for r in found:
            seen.setdefault(r["kind"], r)
        return [_station_reach(r) for r in seen.values()]


@strawberry.type
class AddressCandidate:
    address: str
    score: float
    level: str
    community_code: str


@strawberry.type(description="The address could not be resolved to one place.")
class AddressNotFound:
    query: str
    reason: str
    candidates: list[AddressCandidate]


@strawberry.type(description="The point lies outside every grid of the jurisdiction.")
class OutsideJurisdiction:
    query: str
    point: LonLat
    nearest_grid_code: str | None
    nearest_grid_name: str | None
    distance_meters: float | None


LocateResult = Annotated[
    Located | AddressNotFound | OutsideJurisdiction, strawberry.union("LocateResult")
]


def _reach_loader(info: Info[Context, None]) -> DataLoader:  # type: ignore[type-arg]
    return info.context.loader(reach.stations_from_points, default=[])


async def _reach(info: Info[Context, None], located: Located) -> list[dict]:  # type: ignore[type-arg]
    """The stations within reach of a located point and the nearest of each kind."""
    return await _reach_loader(info).load((located.point.lon, located.point.lat))


def _station_reach(row: dict) -> StationReach:  # type: ignore[type-arg]
    return StationReach(
        station=Station.from_row(row),
        meters=round(row["meters"], 1),
        minutes=round(row["minutes"], 1),
        estimated=row["estimated"],
    )


def _shape(result: service.LocateResult, minutes: int):  # type: ignore[no-untyped-def]
    if isinstance(result, service.Located):
        return Located(
            query=result.query,
            matched_address=result.matched_address,
            confidence=result.confidence,
            matched_parts=result.matched_parts,  # type: ignore[arg-type]  # any sequence
            level=result.level,
            point=LonLat(lon=result.lon, lat=result.lat),
            point_gcj02=LonLat(lon=result.gcj02[0], lat=result.gcj02[1]),
            building=result.building,
            unit=result.unit,
            room=result.room,
            staff=[Person(role=p.role, name=p.name, phone=p.phone) for p in result.staff],
            central_household=CentralHousehold(**asdict(result.central_household))
            if result.central_household
            else None,
            minutes=minutes,
            place=result.place,
        )
    if isinstance(result, service.AddressNotFound):
        return AddressNotFound(
            query=result.query,
            reason=result.reason,
            candidates=[
                AddressCandidate(
                    address=c.address, score=c.score, level=c.level, community_code=c.community_code
                )
                for c in result.candidates
            ],
        )
    return OutsideJurisdiction(
        query=result.query,
        point=LonLat(lon=result.lon, lat=result.lat),
        nearest_grid_code=result.nearest_grid_code,
        nearest_grid_name=result.nearest_grid_name,
        distance_meters=result.distance_m,
    )


@strawberry.type
class LocateQuery:
    @strawberry.field(description="Exactly one of address or point.")
    async def locate(
        self,
        info: Info[Context, None],
        address: str | None = None,
        point: PointInput | None = None,
        minutes: int = 15,
    ) -> LocateResult:
        if (address is None) == (point is None):
            raise InvalidInput("give exactly one of address or point")
        points = None if point is None else [point]
        return (await _locate(info, None if address is None else [address], points, minutes))[0]

    @strawberry.field(description="A batch of addresses or points (exactly one), in input order.")
    async def locate_many(
        self,
        info: Info[Context, None],
        addresses: list[str] | None = None,
        points: list[PointInput] | None = None,
        minutes: int = 15,
    ) -> list[LocateResult]:
        if (addresses is None) == (points is None):
            raise InvalidInput("give exactly one of addresses or points")
        service.check_batch(len(addresses or points or ()), get_settings().max_batch)
        return await _locate(info, addresses, points, minutes)


async def _locate(
    info: Info[Context, None],
    addresses: list[str] | None,
    points: list[PointInput] | None,
    minutes: int,
) -> list:  # type: ignore[type-arg]
    """Locate in one trip to the database: the places, and the stations within reach when the
    query asks for them (primed into the request's reach loader, which then has them)."""
    check_minutes(minutes)
    queries = [p.to_query() for p in points or ()]
    with_reach = _asks_for(info, REACH_FIELDS)

    def work(scope: Scope) -> tuple[list[service.LocateResult], dict]:  # type: ignore[type-arg]
        if addresses is not None:
            results = service.locate_addresses(scope, addresses)
        else:
            results = service.locate_points(scope, queries)
        keys = [(r.lon, r.lat) for r in results if isinstance(r, service.Located)]
        return results, reach.stations_from_points(scope, keys) if with_reach and keys else {}

    results, reached = await info.context.run(work)
    _reach_loader(info).prime_many(reached)
    return [_shape(r, minutes) for r in results]


REACH_FIELDS = frozenset({"stations", "nearestByKind"})


def _asks_for(info: Info[Context, None], names: frozenset[str]) -> bool:
    """Whether the query selects any of ``names`` on this field's result (fragments included)."""
    pending = [s for field in info.selected_fields for s in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name in names:
                return True
        else:  # an inline fragment or a fragment spread: its fields are the result's
            pending.extend(selection.selections)
    return False
