"""The database itself: the embedded cluster's lifecycle, the URL in use, migrations.

The CLI reaches the database only through services; these are the ones that manage it
rather than read or write its data.
"""

from __future__ import annotations

from gridmap.db import migrate
from gridmap.db.embedded import Cluster
from gridmap.db.engine import check_connection, database_url, get_engine
from gridmap.settings import get_settings


def uses_embedded() -> bool:
    """Whether gridmap runs on its embedded cluster (no ``GRIDMAP_DATABASE_URL``)."""
    return not get_settings().database_url


def cluster() -> Cluster:
    """The embedded cluster of the settings (``GRIDMAP_HOME``, ``GRIDMAP_DB_PORT``)."""
    return Cluster.from_settings(get_settings())


def url() -> str:
    """The URL of the database gridmap uses."""
    return database_url()


def check() -> None:
    """Raise a one-line :class:`~gridmap.errors.DatabaseUnavailable` when it cannot be reached."""
    check_connection(get_engine())


def upgrade() -> None:
    """Apply every migration to the configured database (after checking it can be reached)."""
    engine = get_engine()
    check_connection(engine)
    migrate.upgrade(engine)
