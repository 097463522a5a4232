"""Browsing: the hierarchy by code, and filtered, paginated layers of grids, stations and
households."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.api.pagination import Connection, check_first, connection, decode_cursor
from gridmap.api.types import (
    AREA_TYPES,
    Community,
    District,
    GeoJSON,
    Grid,
    HouseholdCounts,
    Station,
    Street,
    parse_id,
)
from gridmap.domain.hierarchy import area_level
from gridmap.errors import InvalidInput, NotFound
from gridmap.services import browse, mapping


@strawberry.input(description="A point in WGS84 and a radius in metres.")
class NearInput:
    lon: float
    lat: float
    within_meters: float


@strawberry.input(description="Filters shared by every layer; all optional, combined with AND.")
class LayerFilter:
    kinds: list[str] | None = None
    area_code: str | None = None
    bbox: list[float] | None = strawberry.field(
        default=None, description="[west, south, east, north] in WGS84 degrees."
    )
    near: NearInput | None = None
    search: str | None = strawberry.field(default=None, description="Part of the name.")
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")

    def to_filter(self) -> browse.Filter:
        if self.area_code is not None:
            area_level(self.area_code)
        bbox = None
        if self.bbox is not None:
            if len(self.bbox) != 4:
                raise InvalidInput("bbox must be [west, south, east, north]")
            west, south, east, north = self.bbox
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise InvalidInput(f"bbox {self.bbox} is not a valid WGS84 box")
            bbox = (west, south, east, north)
        near = None
        if self.near is not None:
            n = self.near
            if not (-180 <= n.lon <= 180 and -90 <= n.lat <= 90 and 0 < n.within_meters <= 50_000):
                raise InvalidInput("near needs a WGS84 lon/lat and withinMeters in (0, 50000]")
            near = (n.lon, n.lat, n.within_meters)
        if self.search is not None and len(self.search) > 100:
            raise InvalidInput("search text is longer than 100 characters")
        ids = tuple(parse_id(i) for i in self.ids or ())
        if len(ids) > 1000:
            raise InvalidInput("ids takes at most 1000 ids")
        return browse.Filter(tuple(self.kinds or ()), self.area_code, bbox, near, self.search, ids)


@strawberry.type(description="户: a household (flags drive the 分级分色 map).")
class Household:
    id: strawberry.ID
    compound: str | None
    building: str
    unit: str | None
    room: str
    residents: int
    grid_code: str
    lon: float
    lat: float
    party_member: bool
    hardship: bool
    subsistence: bool
    elderly_alone: bool
    disabled: bool
    rented: bool
    vacant: bool
    contact_name: str | None = strawberry.field(description="Personal data: own area only.")
    contact_phone: str | None = strawberry.field(description="Personal data: own area only.")


def household_from_row(row) -> Household:  # type: ignore[no-untyped-def]
    fields = {k: row[k] for k in Household.__annotations__ if k in row}
    return Household(**{**fields, "id": strawberry.ID(str(row["id"]))})


async def _by_code(info: Info[Context, None], level: str, code: str):  # type: ignore[no-untyped-def]
    if area_level(code) != level:
        raise InvalidInput(f"{code!r} is a {area_level(code)} code, not a {level} code")
    row = await info.context.loader(browse.areas_by_code, level).load(code)
    if row is None:
        raise NotFound(f"no {level} with code {code}")
    return AREA_TYPES[level].from_row(row)


async def _page(info, layer, where, first, after, make):  # type: ignore[no-untyped-def]
    check_first(first)
    f = (where or LayerFilter()).to_filter()
    key = decode_cursor(after)
    rows, keys, total = await info.context.run(
        lambda scope: browse.page(scope, layer, f, key, first)
    )
    return connection([make(r) for r in rows], keys, first, total)


@strawberry.type
class AreasQuery:
    @strawberry.field(description="The district (by code; default: the only/first one).")
    async def district(self, info: Info[Context, None], code: str | None = None) -> District:
        code = code or await info.context.run(browse.default_district)
        if code is None:
            raise NotFound("the database holds no district yet")
        return await _by_code(info, "district", code)

    @strawberry.field
    async def street(self, info: Info[Context, None], code: str) -> Street:
        return await _by_code(info, "street", code)

    @strawberry.field
    async def community(self, info: Info[Context, None], code: str) -> Community:
        return await _by_code(info, "community", code)

    @strawberry.field
    async def grid(self, info: Info[Context, None], code: str) -> Grid:
        return await _by_code(info, "grid", code)

    @strawberry.field(description="Household counts by flag for any area code.")
    async def household_counts(self, info: Info[Context, None], area_code: str) -> HouseholdCounts:
        area_level(area_code)
        row = await info.context.loader(browse.household_counts).load(area_code)
        return HouseholdCounts(**{k: row[k] for k in HouseholdCounts.__annotations__})

    @strawberry.field(
        description="One map layer of an area as a GeoJSON FeatureCollection: grids (with "
        "households and 15-minute coverage), stations, service_areas, circles (straight-line), "
        "buildings (household counts) or households (personal data: staff of the area only)."
    )
    async def layer(
        self, info: Info[Context, None], name: str, area_code: str, minutes: int = 15
    ) -> GeoJSON:
        return await info.context.run(lambda scope: mapping.layer(scope, name, area_code, minutes))

    @strawberry.field(description="Current grids ordered by code.")
    async def grids(
        self,
        info: Info[Context, None],
        first: int = 50,
        after: str | None = None,
        where: LayerFilter | None = None,
    ) -> Connection[Grid]:
        return await _page(info, browse.GRIDS, where, first, after, Grid.from_row)

    @strawberry.field(description="Service stations ordered by id.")
    async def stations(
        self,
        info: Info[Context, None],
        first: int = 50,
        after: str | None = None,
        where: LayerFilter | None = None,
    ) -> Connection[Station]:
        return await _page(info, browse.STATIONS, where, first, after, Station.from_row)

    @strawberry.field(
        description="Households ordered by id (search matches the compound).  Personal data: "
        "grid workers see their own grids, community and street admins their area, admins all."
    )
    async def households(
        self,
        info: Info[Context, None],
        first: int = 50,
        after: str | None = None,
        where: LayerFilter | None = None,
    ) -> Connection[Household]:
        return await _page(info, browse.HOUSEHOLDS, where, first, after, household_from_row)
