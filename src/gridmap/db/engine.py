"""Engines and sessions: one engine per database URL, sessions as context managers."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from gridmap.db.embedded import Cluster
from gridmap.db.prepared import PLAN_CACHE_MODE
from gridmap.errors import ConfigError, DatabaseUnavailable
from gridmap.settings import Settings, get_settings


def database_url(settings: Settings | None = None) -> str:
    """``GRIDMAP_DATABASE_URL`` when set, else the embedded cluster's URL."""
    settings = settings or get_settings()
    return settings.database_url or Cluster.from_settings(settings).url


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable URL)"


@lru_cache(maxsize=8)
def get_engine(url: str | None = None, statement_timeout_ms: int | None = None) -> Engine:
    """A pooled engine for ``url`` (default: the configured database)."""
    url = url or database_url()
    try:
        engine = create_engine(url, pool_size=10, max_overflow=10, pool_recycle=3600)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"GRIDMAP_DATABASE_URL is not a valid database URL: {exc}") from exc
    if engine.dialect.name != "postgresql":
        raise ConfigError(f"gridmap needs PostgreSQL with PostGIS, not {engine.dialect.name}")
    options = [f"plan_cache_mode = {PLAN_CACHE_MODE}"]  # see gridmap.db.prepared
    if statement_timeout_ms:
        options.append(f"statement_timeout = {int(statement_timeout_ms)}")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        with dbapi_conn.cursor() as cur:
            cur.execute("; ".join(f"SET {o}" for o in options))
        dbapi_conn.commit()

    return engine


QUERY_CANCELED = "57014"  # PostgreSQL: statement timeout or cancel


def is_statement_timeout(exc: OperationalError) -> bool:
    return getattr(exc.orig, "pgcode", None) == QUERY_CANCELED


def check_connection(engine: Engine) -> None:
    """Raise a one-line :class:`DatabaseUnavailable` when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot connect to the database at {_redacted(str(engine.url))}: {reason}"
        ) from None
