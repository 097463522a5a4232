"""The ASGI application: GraphQL at /graphql (behind the gate), maps, a health check."""

from __future__ import annotations

import gc
import logging
import re

from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gridmap.api.context import Context
from gridmap.api.gate import Gate
from gridmap.api.schema import build_schema
from gridmap.errors import GridmapError
from gridmap.services import browse, mapping
from gridmap.services.scope import Scope
from gridmap.settings import Settings, get_settings

# Public maps only: staff maps carry personal data and are not served over HTTP.
MAP_NAME = re.compile(r"(district|street|community|grid)-(\d{6,15})(?:-(amap))?\.html")

log = logging.getLogger(__name__)
YOUNG_COLLECTION_THRESHOLD = 10_000  # allocations between collections (Python's default: 700)


class GridmapGraphQL(GraphQL):
    """Strawberry's ASGI view with gridmap's context and error policy."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None
        )
        self.timeout_ms = settings.statement_timeout_ms

    async def get_context(self, request, response) -> Context:  # type: ignore[no-untyped-def]
        principal = request.state.principal
        return Context(
            Scope.open(principal, channel="graphql", statement_timeout_ms=self.timeout_ms)
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    def scope() -> Scope:
        return Scope.open(channel="http", statement_timeout_ms=settings.statement_timeout_ms)

    async def health(request: Request) -> JSONResponse:
        def check() -> dict[str, int]:
            with scope() as unit:
                return browse.table_counts(unit)

        try:
            counts = await to_thread.run_sync(check)
        except Exception as exc:  # noqa: BLE001 - health reports, never crashes
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "counts": counts})

    async def maps(request: Request) -> Response:
        name = request.path_params["name"]
        match = MAP_NAME.fullmatch(name)
        if not match:
            return PlainTextResponse(
                "no such map: maps are named like community-321102001001.html", status_code=404
            )
        level, code, basemap = match.group(1), match.group(2), match.group(3) or "osm"
        path = mapping.map_path(level, code, "public", basemap)
        if not path.exists():
            try:
                path = await to_thread.run_sync(_render, code, basemap)
            except GridmapError as exc:
                return PlainTextResponse(exc.message, status_code=exc.status)
        return FileResponse(path, media_type="text/html; charset=utf-8")

    def _render(code: str, basemap: str):  # type: ignore[no-untyped-def]
        with scope() as unit:
            return mapping.make_map(unit, code, "public", basemap)

    app = Starlette(
        routes=[
            Route("/maps/{name}", maps),
            Route("/health", health),
            Route(
                "/graphql",
                Gate(GridmapGraphQL(settings), settings),
                methods=["GET", "POST"],
            ),
        ]
    )
    # Everything built so far lives as long as the process: keep the garbage collector from
    # walking it on every full collection (those walks were the p99 of small requests).
    gc.collect()
    gc.freeze()
    # A batch builds hundreds of thousands of objects that live until the response is sent;
    # at the default threshold (700) the collector runs some 300 times for a 10,000-address
    # batch (about 45 ms of its ~550), mostly to find no garbage; at 10,000, about 15 times.
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
    return app
