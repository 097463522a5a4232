"""The floor for locate over HTTP: a bare Starlette endpoint running the same lookup SQL as
the GraphQL ``locate`` query of a public caller (scope, grid and walking reach), with no
GraphQL around it."""

from __future__ import annotations

from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gridmap.db.access import enter_scope
from gridmap.db.engine import get_engine
from gridmap.domain.access import ANONYMOUS
from gridmap.services import locate, reach


def create_app() -> Starlette:
    engine = get_engine()

    def lookup(body: dict) -> dict:
        with engine.connect() as conn:
            enter_scope(conn, ANONYMOUS)  # the same access control as the API's requests
            if "address" in body:  # as for the API's public callers: no staff lookup
                found = locate.locate_addresses(conn, [body["address"]], people=False)[0]
            else:
                point = locate.PointQuery(body["lon"], body["lat"])
                found = locate.locate_points(conn, [point], people=False)[0]
            if not isinstance(found, locate.Located):
                return {"type": type(found).__name__}
            key = (found.lon, found.lat)
            stations = reach.stations_from_points(conn, [key])[key]
        return {
            "grid": found.place.grid_code,
            "staff": [s.name for s in found.staff],
            "stations": [(s["name"], s["meters"]) for s in stations[:10]],
        }

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse(await to_thread.run_sync(lookup, body))

    return Starlette(routes=[Route("/locate", endpoint, methods=["POST"])])
