"""Browsing: the hierarchy by code, its geometry and counts, and paged layers of grids,
stations and households; plus the one household write.

The batch readers take a list of keys and answer ``{key: value}`` for the API's DataLoaders,
so nested queries cost one statement per kind of field, never one per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping

from gridmap.db import areas, households
from gridmap.db import browse as db
from gridmap.db import locate as db_locate
from gridmap.db import reach as db_reach
from gridmap.db.browse import GRIDS, HOUSEHOLDS, STATIONS, Filter, Layer
from gridmap.errors import InvalidInput, NotFound
from gridmap.services.scope import Scope

__all__ = ["GRIDS", "HOUSEHOLDS", "STATIONS", "Filter", "Layer"]

WRITABLE_HOUSEHOLD_FIELDS = households.WRITABLE


def child_level(level: str) -> str:
    """The level below ``level`` (district → street → community → grid)."""
    return areas.LEVELS[level][2]


def areas_by_code(scope: Scope, level: str, codes: Sequence[str]) -> dict[str, RowMapping]:
    return areas.areas_by_code(scope.conn, level, codes)


def areas_m2(scope: Scope, level: str, codes: Sequence[str]) -> dict[str, float]:
    return areas.areas_m2(scope.conn, level, codes)


def children(scope: Scope, level: str, codes: Sequence[str]) -> dict[str, list[str]]:
    return areas.children(scope.conn, level, codes)


def geojson(scope: Scope, level: str, codes: Sequence[str]) -> dict[str, str]:
    return areas.geojson(scope.conn, level, codes)


def household_counts(scope: Scope, codes: Sequence[str]) -> dict[str, RowMapping]:
    """Households by flag per area: aggregates over every household, whoever asks."""
    with scope.unscoped() as conn:
        return areas.household_counts(conn, codes)


def table_counts(scope: Scope) -> dict[str, int]:
    """Rows per table (the health check): aggregates."""
    with scope.unscoped() as conn:
        return areas.table_counts(conn)


def default_district(scope: Scope) -> str | None:
    return areas.default_district(scope.conn)


def grid_stations(scope: Scope, grid_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    return areas.grid_stations(scope.conn, grid_ids)


def community_stations(scope: Scope, codes: Sequence[str]) -> dict[str, list[RowMapping]]:
    return areas.community_stations(scope.conn, codes)


def grid_staff(scope: Scope, grid_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Staff of each grid: personal data, so row-level security shows only the caller's area."""
    return db_locate.grid_staff(scope.conn, grid_ids)


def stations_by_id(scope: Scope, ids: Sequence[int]) -> dict[int, RowMapping]:
    return db_reach.stations_by_id(scope.conn, ids)


def station(scope: Scope, station_id: int) -> RowMapping:
    found = stations_by_id(scope, [station_id])
    if station_id not in found:
        raise NotFound(f"no station with id {station_id}")
    return found[station_id]


def page(
    scope: Scope, layer: Layer, where: Filter, after: Any, first: int
) -> tuple[list[RowMapping], list[Any], int]:
    """A page of a layer in key order after the key ``after``: up to ``first + 1`` rows (the
    last tells that there is a next page), their keys, and the total."""
    if layer is HOUSEHOLDS:
        scope.principal.require_personal("households")
    rows, keys, total = db.page(scope.conn, layer, where, after, first + 1)
    shown = rows[:first]
    if layer is HOUSEHOLDS and shown:
        scope.audit("read households", f"{len(shown)} ids {shown[0]['id']}..{shown[-1]['id']}")
    return rows, keys, total


def update_household(scope: Scope, household_id: int, changes: dict[str, object]) -> RowMapping:
    """Change a household's flags, residents or contact; the database refuses one outside the
    caller's area (row-level security), whatever this function checked."""
    scope.principal.require_writer("households")
    if not changes:
        raise InvalidInput("give at least one field to change")
    unknown = set(changes) - set(WRITABLE_HOUSEHOLD_FIELDS)
    if unknown:
        raise InvalidInput(f"households have no writable field {', '.join(sorted(unknown))}")
    residents = changes.get("residents")
    if isinstance(residents, int) and not 0 <= residents <= 50:
        raise InvalidInput("residents must be between 0 and 50")
    for k in ("contact_name", "contact_phone"):
        if k in changes and len(str(changes[k])) > 100:
            raise InvalidInput(f"{k} is longer than 100 characters")
    if not households.update(scope.conn, household_id, changes):
        raise NotFound(f"no household {household_id} in your area")
    scope.audit("changed household", f"{household_id}: {', '.join(changes)}")
    only = Filter(ids=(household_id,))
    return db.page(scope.conn, HOUSEHOLDS, only, None, 1)[0][0]
