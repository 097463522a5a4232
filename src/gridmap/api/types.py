"""GraphQL types of the hierarchy, stations and people (API shapes, not database rows).

Nested fields resolve through the request's DataLoaders, so a query for many areas with
their children, staff and stations costs a fixed number of statements.
"""

from __future__ import annotations

import json
from datetime import date
from typing import NewType

import strawberry
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.errors import InvalidInput
from gridmap.services import browse
from gridmap.services.mapping import map_url

GeoJSON = NewType("GeoJSON", object)
GEOJSON_SCALAR = strawberry.scalar(
    name="GeoJSON",
    description="A GeoJSON geometry object (WGS84 longitude/latitude).",
    serialize=lambda v: v,
    parse_value=lambda v: v,
)


def parse_id(value: strawberry.ID, what: str = "id") -> int:
    """An ID argument as the integer key it stands for, or a clear error."""
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise InvalidInput(f"{what} {text[:20]!r} is not a number")
    return int(text)


def _fields(cls: type, row, **extra):  # type: ignore[no-untyped-def]
    names = [f for f in cls.__annotations__ if f in row]
    return cls(**{n: row[n] for n in names}, **extra)


@strawberry.type(description="Households by 分级分色 flag: red, blue (sensitive) and yellow.")
class HouseholdCounts:
    total: int
    residents: int
    party_member: int
    hardship: int
    subsistence: int
    elderly_alone: int
    disabled: int
    rented: int
    vacant: int


@strawberry.type(description="A person in a grid role (网格员, 网格长, 网格党支部书记…).")
class Person:
    role: str
    name: str
    phone: str | None


@strawberry.type(description="服务阵地: a service station.")
class Station:
    id: strawberry.ID
    kind: str
    name: str
    address: str | None
    services: list[str]
    opening_hours: str | None
    community_code: str | None
    lon: float
    lat: float

    @classmethod
    def from_row(cls, row) -> Station:  # type: ignore[no-untyped-def]
        return _fields(cls, {**row, "id": strawberry.ID(str(row["id"]))})


async def _geometry(info: Info[Context, None], level: str, code: str) -> object:
    text = await info.context.loader(browse.geojson, level).load(code)
    return json.loads(text) if text else None


async def _counts(info: Info[Context, None], code: str) -> HouseholdCounts:
    row = await info.context.loader(browse.household_counts).load(code)
    return _fields(HouseholdCounts, row)


async def _area(info: Info[Context, None], level: str, code: str):  # type: ignore[no-untyped-def]
    row = await info.context.loader(browse.areas_by_code, level).load(code)
    return AREA_TYPES[level].from_row(row) if row else None


async def _children(info: Info[Context, None], level: str, code: str) -> list:
    codes = await info.context.loader(browse.children, level, default=[]).load(code)
    child = browse.child_level(level)
    rows = await info.context.loader(browse.areas_by_code, child).load_many(codes)
    return [AREA_TYPES[child].from_row(r) for r in rows if r]


@strawberry.type(description="区/县: a county-level district (GB/T 2260 code).")
class District:
    code: str
    name: str
    city: str | None
    province: str | None

    @classmethod
    def from_row(cls, row) -> District:  # type: ignore[no-untyped-def]
        return _fields(cls, row)

    @strawberry.field
    async def area_m2(self, info: Info[Context, None]) -> float:
        return await info.context.loader(browse.areas_m2, "district").load(self.code)

    @strawberry.field(description="The public planner map of this area (rendered on request).")
    def map_url(self) -> str:
        return map_url("district", self.code)

    @strawberry.field
    async def streets(self, info: Info[Context, None]) -> list[Street]:
        return await _children(info, "district", self.code)

    @strawberry.field
    async def geometry(self, info: Info[Context, None]) -> GeoJSON | None:
        return await _geometry(info, "district", self.code)

    @strawberry.field
    async def household_counts(self, info: Info[Context, None]) -> HouseholdCounts:
        return await _counts(info, self.code)


@strawberry.type(description="街道/镇: a street (sub-district office).")
class Street:
    code: str
    name: str
    parent_code: strawberry.Private[str]

    @classmethod
    def from_row(cls, row) -> Street:  # type: ignore[no-untyped-def]
        return _fields(cls, row)

    @strawberry.field
    async def area_m2(self, info: Info[Context, None]) -> float:
        return await info.context.loader(browse.areas_m2, "street").load(self.code)

    @strawberry.field(description="The public planner map of this area (rendered on request).")
    def map_url(self) -> str:
        return map_url("street", self.code)

    @strawberry.field
    async def district(self, info: Info[Context, None]) -> District:
        return await _area(info, "district", self.parent_code)

    @strawberry.field
    async def communities(self, info: Info[Context, None]) -> list[Community]:
        return await _children(info, "street", self.code)

    @strawberry.field
    async def geometry(self, info: Info[Context, None]) -> GeoJSON | None:
        return await _geometry(info, "street", self.code)

    @strawberry.field
    async def household_counts(self, info: Info[Context, None]) -> HouseholdCounts:
        return await _counts(info, self.code)


@strawberry.type(description="社区: a community (residents' committee).")
class Community:
    code: str
    name: str
    parent_code: strawberry.Private[str]

    @classmethod
    def from_row(cls, row) -> Community:  # type: ignore[no-untyped-def]
        return _fields(cls, row)

    @strawberry.field
    async def area_m2(self, info: Info[Context, None]) -> float:
        return await info.context.loader(browse.areas_m2, "community").load(self.code)

    @strawberry.field(description="The public planner map of this area (rendered on request).")
    def map_url(self) -> str:
        return map_url("community", self.code)

    @strawberry.field
    async def street(self, info: Info[Context, None]) -> Street:
        return await _area(info, "street", self.parent_code)

    @strawberry.field
    async def grids(self, info: Info[Context, None]) -> list[Grid]:
        return await _children(info, "community", self.code)

    @strawberry.field
    async def stations(self, info: Info[Context, None]) -> list[Station]:
        rows = await info.context.loader(browse.community_stations, default=[]).load(self.code)
        return [Station.from_row(r) for r in rows]

    @strawberry.field
    async def geometry(self, info: Info[Context, None]) -> GeoJSON | None:
        return await _geometry(info, "community", self.code)

    @strawberry.field
    async def household_counts(self, info: Info[Context, None]) -> HouseholdCounts:
        return await _counts(info, self.code)


@strawberry.type(description="网格: the unit of grid management.")
class Grid:
    id: strawberry.ID
    code: str = strawberry.field(
        description="15 digits: district 6 + street 3 + community 3 + grid 3."
    )
    name: str
    kind: str = strawberry.field(description="综合 (comprehensive) or 专属 (dedicated).")
    category: str | None = strawberry.field(description="For 专属 grids: 学校, 医院, 企业, 市场…")
    responsible_body: str | None
    area_m2: float
    community_code: str
    valid_from: date
    valid_to: date | None

    @classmethod
    def from_row(cls, row) -> Grid:  # type: ignore[no-untyped-def]
        return _fields(cls, {**row, "id": strawberry.ID(str(row["id"]))})

    @strawberry.field(description="The public planner map of this grid (rendered on request).")
    def map_url(self) -> str:
        return map_url("grid", self.code)

    @strawberry.field
    async def community(self, info: Info[Context, None]) -> Community:
        return await _area(info, "community", self.community_code)

    @strawberry.field(
        description="网格员, 网格长 and 网格党支部书记 of this grid: personal data, shown to the "
        "staff of the grid's area and admins (empty for other roles)."
    )
    async def staff(self, info: Info[Context, None]) -> list[Person]:
        rows = await info.context.loader(browse.grid_staff, default=[]).load(int(self.id))
        if rows:
            info.context.audit("read grid staff", f"grid {self.code}")
        return [Person(role=r["role"], name=r["name"], phone=r["phone"]) for r in rows]

    @strawberry.field(description="The stations that serve this grid.")
    async def stations(self, info: Info[Context, None]) -> list[Station]:
        rows = await info.context.loader(browse.grid_stations, default=[]).load(int(self.id))
        return [Station.from_row(r) for r in rows]

    @strawberry.field
    async def geometry(self, info: Info[Context, None]) -> GeoJSON | None:
        return await _geometry(info, "grid", self.code)

    @strawberry.field
    async def household_counts(self, info: Info[Context, None]) -> HouseholdCounts:
        return await _counts(info, self.code)


AREA_TYPES = {"district": District, "street": Street, "community": Community, "grid": Grid}
