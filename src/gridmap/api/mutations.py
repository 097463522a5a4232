"""Writes: area admins change households and move stations within their area."""

from __future__ import annotations

import strawberry
from sqlalchemy import RowMapping
from strawberry.types import Info

from gridmap.api.areas import Household, household_from_row
from gridmap.api.context import Context
from gridmap.api.locate import PointInput
from gridmap.api.types import Station, parse_id
from gridmap.services import browse, stations
from gridmap.services.scope import Scope


@strawberry.input(description="New values for a household; unset fields stay as they are.")
class HouseholdChanges:
    residents: int | None = None
    party_member: bool | None = None
    hardship: bool | None = None
    subsistence: bool | None = None
    elderly_alone: bool | None = None
    disabled: bool | None = None
    rented: bool | None = None
    vacant: bool | None = None
    contact_name: str | None = None
    contact_phone: str | None = None

    def to_dict(self) -> dict[str, object]:
        fields = browse.WRITABLE_HOUSEHOLD_FIELDS
        return {k: getattr(self, k) for k in fields if getattr(self, k) is not None}


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Change a household's flags, residents or contact.")
    async def update_household(
        self, info: Info[Context, None], id: strawberry.ID, changes: HouseholdChanges
    ) -> Household:
        household_id, values = parse_id(id, "household id"), changes.to_dict()
        row = await info.context.write(
            lambda scope: browse.update_household(scope, household_id, values)
        )
        return household_from_row(row)

    @strawberry.mutation(
        description="Move a station within your area; its community, service areas and reach "
        "follow.  The point may be in any CRS locate accepts."
    )
    async def move_station(
        self, info: Info[Context, None], id: strawberry.ID, point: PointInput
    ) -> Station:
        station_id = parse_id(id, "station id")

        def move(scope: Scope) -> RowMapping:
            stations.move_station(scope, station_id, point.lon, point.lat, point.crs)
            return browse.station(scope, station_id)

        return Station.from_row(await info.context.write(move))
