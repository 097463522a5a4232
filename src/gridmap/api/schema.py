"""The GraphQL schema, composed from one query type per feature.

Types are API shapes, separate from database rows.  Expected failures are
:class:`~gridmap.errors.GridmapError` (their message reaches the caller); anything else is
masked as "internal error" and logged with its traceback.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from gridmap.api.areas import AreasQuery
from gridmap.api.audit_log import AuditQuery
from gridmap.api.context import Context
from gridmap.api.errors import ErrorCodes
from gridmap.api.locate import LocateQuery
from gridmap.api.mutations import Mutation
from gridmap.api.planning import PlanningQuery
from gridmap.api.types import GEOJSON_SCALAR, GeoJSON
from gridmap.errors import GridmapError
from gridmap.settings import Settings

log = logging.getLogger(__name__)


@strawberry.type
class Query(AreasQuery, LocateQuery, PlanningQuery, AuditQuery):
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


class EndRequest(SchemaExtension):
    """Once the operation has run (or failed): write its audit notes, free its connection."""

    async def on_operation(self):  # type: ignore[no-untyped-def]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


def build_schema(settings: Settings) -> GridmapSchema:
    """The schema with the endpoint's limits: depth, aliases, tokens, introspection.

    The validation rules are made once: the validation cache is keyed by the rule classes,
    and a fresh limiter per request would make fresh classes and miss it every time.
    """
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return GridmapSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map={GeoJSON: GEOJSON_SCALAR}),
        extensions=[
            ErrorCodes,  # first: its code goes on errors once MaskErrors has masked them
            lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="internal error"),
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            EndRequest,
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )


schema = build_schema(Settings())
