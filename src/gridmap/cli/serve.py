"""``gridmap serve`` and ``gridmap run``: the API server, and everything ``make run`` does."""

from __future__ import annotations

import typer
import uvicorn

from gridmap.cli import app, console, unit
from gridmap.services import database
from gridmap.services.demo import database_is_empty, load_demo
from gridmap.services.mapping import write_all
from gridmap.settings import get_settings


@app.command()
def serve(
    host: str = typer.Option(None, help="Listen address (default GRIDMAP_HOST)."),
    port: int = typer.Option(None, help="Port (default GRIDMAP_PORT)."),
    workers: int = typer.Option(None, help="Worker processes (default GRIDMAP_WORKERS)."),
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql in a browser, health at /health)."""
    settings = get_settings()
    database.check()
    host, port = host or settings.host, port or settings.port
    console.print(f"gridmap API at http://{host}:{port}/graphql  (Ctrl-C stops)")
    uvicorn.run(
        "gridmap.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level="warning",
    )


@app.command()
def run(
    scale: str = typer.Option("city", help="Demo scale loaded when the database is empty."),
) -> None:
    """Start the embedded database (unless GRIDMAP_DATABASE_URL is set), migrate, load the
    demo if the database is empty, and serve the API."""
    if database.uses_embedded():
        cluster = database.cluster()
        cluster.start()
        console.print(f"embedded PostGIS running ({cluster.home})")
    database.upgrade()
    with unit(write=True) as scope:
        if database_is_empty(scope):
            console.print(f"loading the {scale} demo district…")
            load_demo(scope, scale)
    console.print("writing the district map and every community map to maps/…")
    with unit() as scope:
        for path in write_all(scope):
            console.print(f"  {path}")
    serve(None, None, None)


@app.command()
def schema() -> None:
    """Print the GraphQL schema (SDL); `make schema` writes it to schema/schema.graphql."""
    from gridmap.api.schema import schema as graphql_schema

    typer.echo(graphql_schema.as_str())
