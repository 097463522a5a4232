"""The ASGI application: GraphQL at /graphql, a health check at /health."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gridmap.api.context import Context
from gridmap.api.schema import schema
from gridmap.db import areas
from gridmap.db.engine import get_engine
from gridmap.settings import Settings, get_settings

log = logging.getLogger(__name__)


class GridmapGraphQL(GraphQL):
    """Strawberry's ASGI view with gridmap's context and error policy."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.engine = get_engine(None, settings.statement_timeout_ms)

    async def get_context(self, request, response) -> Context:  # type: ignore[no-untyped-def]
        return Context(engine=self.engine)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    engine = get_engine(None, settings.statement_timeout_ms)

    async def health(request: Request) -> JSONResponse:
        from anyio import to_thread

        def check() -> dict[str, int]:
            with engine.connect() as conn:
                return areas.table_counts(conn)

        try:
            counts = await to_thread.run_sync(check)
        except Exception as exc:  # noqa: BLE001 - health reports, never crashes
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "counts": counts})

    return Starlette(
        routes=[
            Route("/health", health),
            Route("/graphql", GridmapGraphQL(settings), methods=["GET", "POST"]),
        ]
    )
