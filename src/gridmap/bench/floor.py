"""The floor for locate over HTTP: a bare Starlette endpoint running the same lookup SQL as
the GraphQL ``locate`` query of a public caller (scope, grid and walking reach), with no
GraphQL around it."""

from __future__ import annotations

from anyio import to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gridmap.domain.access import ANONYMOUS
from gridmap.services import locate, reach
from gridmap.services.scope import Scope


def create_app() -> Starlette:
    def lookup(body: dict) -> dict:
        # the same unit of work and access control as the API's public callers (no staff)
        with Scope.open(ANONYMOUS, channel="http") as scope:
            if "address" in body:
                found = locate.locate_addresses(scope, [body["address"]])[0]
            else:
                point = locate.PointQuery(body["lon"], body["lat"])
                found = locate.locate_points(scope, [point])[0]
            if not isinstance(found, locate.Located):
                return {"type": type(found).__name__}
            key = (found.lon, found.lat)
            stations = reach.stations_from_points(scope, [key])[key]
        return {
            "grid": found.place.grid_code,
            "staff": [s.name for s in found.staff],
            "stations": [(s["name"], s["meters"]) for s in stations[:10]],
        }

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse(await to_thread.run_sync(lookup, body))

    return Starlette(routes=[Route("/locate", endpoint, methods=["POST"])])
