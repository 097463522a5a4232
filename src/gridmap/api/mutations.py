"""Writes: area admins change households and move stations within their area."""

from __future__ import annotations

import strawberry
from anyio import to_thread
from strawberry.types import Info

from gridmap.api.areas import Household, household_from_row
from gridmap.api.context import Context
from gridmap.api.locate import PointInput
from gridmap.api.types import Station, parse_id
from gridmap.db import browse, households
from gridmap.db import reach as stations_db
from gridmap.errors import InvalidInput, NotFound
from gridmap.services import stations


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
        changes = {k: getattr(self, k) for k in households.WRITABLE if getattr(self, k) is not None}
        if not changes:
            raise InvalidInput("give at least one field to change")
        if "residents" in changes and not 0 <= changes["residents"] <= 50:  # type: ignore[operator]
            raise InvalidInput("residents must be between 0 and 50")
        for k in ("contact_name", "contact_phone"):
            if k in changes and len(str(changes[k])) > 100:
                raise InvalidInput(f"{k} is longer than 100 characters")
        return changes


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Change a household's flags, residents or contact.")
    async def update_household(
        self, info: Info[Context, None], id: strawberry.ID, changes: HouseholdChanges
    ) -> Household:
        info.context.principal.require_writer("households")
        household_id, values = parse_id(id, "household id"), changes.to_dict()

        def write(conn):  # type: ignore[no-untyped-def]
            if not households.update(conn, household_id, values):
                raise NotFound(f"no household {household_id} in your area")
            only = browse.Filter(ids=(household_id,))
            return browse.page(conn, browse.HOUSEHOLDS, only, None, 1)[0][0]

        row = await info.context.write(write)
        info.context.audit("changed household", f"{household_id}: {', '.join(values)}")
        return household_from_row(row)

    @strawberry.mutation(description="Move a station; its service areas and reach follow.")
    async def move_station(
        self, info: Info[Context, None], id: strawberry.ID, point: PointInput
    ) -> Station:
        station_id = parse_id(id, "station id")
        rows = await info.context.run(lambda c: stations_db.stations_by_id(c, [station_id]))
        if station_id not in rows:
            raise NotFound(f"no station with id {station_id}")
        info.context.principal.require_write(rows[station_id]["community_code"] or "", "stations")
        await to_thread.run_sync(
            stations.move_station, info.context.engine, station_id, point.lon, point.lat, point.crs
        )
        info.context.audit("moved station", f"{station_id} to {point.lon},{point.lat} {point.crs}")
        rows = await info.context.run(lambda c: stations_db.stations_by_id(c, [station_id]))
        return Station.from_row(rows[station_id])
