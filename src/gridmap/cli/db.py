"""``gridmap db``: the embedded database's lifecycle, and migrations."""

from __future__ import annotations

import typer

from gridmap.cli import app, console
from gridmap.db import migrate as migrations
from gridmap.db.embedded import Cluster
from gridmap.db.engine import check_connection, database_url, get_engine
from gridmap.settings import get_settings

db_app = typer.Typer(
    help="The database: embedded cluster lifecycle and migrations.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _cluster() -> Cluster:
    settings = get_settings()
    if settings.database_url:
        console.print(
            "GRIDMAP_DATABASE_URL is set: gridmap uses that server, not the embedded one."
        )
    return Cluster.from_settings(settings)


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
    typer.echo(database_url())


@db_app.command()
def migrate() -> None:
    """Apply all migrations to the configured database."""
    engine = get_engine()
    check_connection(engine)
    migrations.upgrade(engine)
    console.print("database schema is up to date")
