"""``gridmap db``: the embedded database's lifecycle, and migrations."""

from __future__ import annotations

import typer

from gridmap.cli import app, console
from gridmap.services import database
from gridmap.services.database import Cluster

db_app = typer.Typer(
    help="The database: embedded cluster lifecycle and migrations.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _cluster() -> Cluster:
    if not database.uses_embedded():
        console.print(
            "GRIDMAP_DATABASE_URL is set: gridmap uses that server, not the embedded one."
        )
    return database.cluster()


@db_app.command()
def start() -> None:
    """Create (first time) and start the embedded PostGIS cluster."""
    cluster = _cluster()
    cluster.start()
    console.print(f"embedded PostGIS running: {cluster.url}")


@db_app.command()
def stop() -> None:
    """Stop the embedded cluster (data is kept)."""
    _cluster().stop()
    console.print("embedded PostGIS stopped")


@db_app.command()
def status() -> None:
    """Say whether the embedded cluster is running."""
    typer.echo(_cluster().status())


@db_app.command()
def url() -> None:
    """Print the database URL gridmap uses."""
    typer.echo(database.url())


@db_app.command()
def migrate() -> None:
    """Apply all migrations to the configured database."""
    database.upgrade()
    console.print("database schema is up to date")
