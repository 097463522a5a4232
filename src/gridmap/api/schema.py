"""The GraphQL schema, composed from one query type per feature.

Types are API shapes, separate from database rows.  Expected failures are
:class:`~gridmap.errors.GridmapError` (their message reaches the caller); anything else is
masked as "internal error" and logged with its traceback.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig

from gridmap.api.areas import AreasQuery
from gridmap.api.locate import LocateQuery
from gridmap.api.planning import PlanningQuery
from gridmap.api.types import GEOJSON_SCALAR, GeoJSON
from gridmap.errors import GridmapError

log = logging.getLogger(__name__)


@strawberry.type
class Query(AreasQuery, LocateQuery, PlanningQuery):
    pass


def _is_unexpected(error: GraphQLError) -> bool:
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
    config=StrawberryConfig(scalar_map={GeoJSON: GEOJSON_SCALAR}),
    extensions=[
        lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="internal error"),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ],
)
