"""The GraphQL schema.  Types here are API shapes, separate from database rows."""

from __future__ import annotations

import base64
import logging
from datetime import date

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.db import areas
from gridmap.errors import GridmapError, InvalidInput

MAX_PAGE = 500
log = logging.getLogger(__name__)


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
        return cls(
            id=strawberry.ID(str(row["id"])),
            **{
                k: row[k]
                for k in (
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
            },
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class GridEdge:
    cursor: str
    node: Grid


@strawberry.type
class GridConnection:
    edges: list[GridEdge]
    page_info: PageInfo
    total_count: int


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        key = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        key = ""
    if not key:
        raise InvalidInput(f"cursor {cursor[:40]!r} is not a cursor this API handed out")
    return key


@strawberry.type
class Query:
    @strawberry.field(description="Current grids, ordered by code, with cursor pagination.")
    async def grids(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> GridConnection:
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput(f"first must be between 1 and {MAX_PAGE}, got {first}")
        after_code = decode_cursor(after) if after else None

        def load(conn):  # type: ignore[no-untyped-def]
            return areas.grids_page(conn, after_code, first + 1), areas.count_current_grids(conn)

        rows, total = await info.context.run(load)
        edges = [
            GridEdge(cursor=encode_cursor(r["code"]), node=Grid.from_row(r)) for r in rows[:first]
        ]
        return GridConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=total,
        )


def _is_unexpected(error: GraphQLError) -> bool:
    """Mask everything but gridmap's own errors and GraphQL's validation messages."""
    original = error.original_error
    return original is not None and not isinstance(original, GridmapError)


class GridmapSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        """Log unexpected errors with their traceback; expected ones are the caller's news."""
        for error in errors:
            if _is_unexpected(error):
                log.error("unexpected error in GraphQL", exc_info=error.original_error)


schema = GridmapSchema(
    query=Query,
    extensions=[
        lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="internal error")
    ],
)
