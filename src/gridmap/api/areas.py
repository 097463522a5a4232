"""Browsing the hierarchy: districts, streets, communities and grids."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.api.pagination import Connection, check_first, connection, decode_cursor
from gridmap.db import areas


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
        fields = (
            "code",
            "name",
            "kind",
            "category",
            "responsible_body",
            "area_m2",
            "community_code",
            "valid_from",
            "valid_to",
        )
        return cls(id=strawberry.ID(str(row["id"])), **{k: row[k] for k in fields})


@strawberry.type
class AreasQuery:
    @strawberry.field(description="Current grids, ordered by code, with cursor pagination.")
    async def grids(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Grid]:
        check_first(first)
        after_code = decode_cursor(after)

        def load(conn):  # type: ignore[no-untyped-def]
            return areas.grids_page(conn, after_code, first + 1), areas.count_current_grids(conn)

        rows, total = await info.context.run(load)
        return connection([Grid.from_row(r) for r in rows], [r["code"] for r in rows], first, total)
