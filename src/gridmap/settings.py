"""One settings object, read from the environment (``GRIDMAP_*``).

Every setting is documented here and in the README (a test keeps the two in step).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.cwd() / ".gridmap"


class Settings(BaseSettings):
    """gridmap's configuration. Each field maps to ``GRIDMAP_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GRIDMAP_", extra="ignore")

    home: Path = Field(
        default_factory=_default_home,
        description="Folder for the embedded PostgreSQL cluster and its logs.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of an existing PostGIS database; unset = the embedded one.",
    )
    db_port: int = Field(default=54329, description="Port (socket name) of the embedded cluster.")
    db_name: str = Field(default="gridmap", description="Database name in the embedded cluster.")
    statement_timeout_ms: int = Field(
        default=15000, description="Per-statement timeout for API requests, in milliseconds."
    )
    host: str = Field(default="127.0.0.1", description="Address the API server listens on.")
    port: int = Field(default=8000, description="Port the API server listens on.")
    workers: int = Field(default=2, description="uvicorn worker processes for `gridmap serve`.")
    maps_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "maps", description="Where generated maps go."
    )
    walking_speed_kmh: float = Field(default=4.0, description="Walking speed for service circles.")
    max_snap_m: float = Field(
        default=150.0,
        description="A point further than this from any walkable edge is reported, not snapped.",
    )
    service_area_buffer_m: float = Field(
        default=40.0, description="Service areas: ground within this of a walkable path."
    )
    max_batch: int = Field(default=10000, description="Largest batch accepted by locateMany.")
    graphiql: bool = Field(default=True, description="Serve GraphiQL in a browser at /graphql.")
    sliver_area: float = Field(
        default=5.0,
        description="Integrity checks: gaps, overlaps and overhangs smaller than this (m²) are "
        "warnings (digitising slivers), larger ones errors.",
    )
    repair_max_area_change: float = Field(
        default=0.01,
        description="Import: an invalid polygon is repaired (ST_MakeValid) only when that changes "
        "its area by at most this fraction; otherwise the row is rejected.",
    )
    introspection: bool = Field(
        default=True, description="Answer GraphQL introspection queries (turn off in production)."
    )
    max_query_depth: int = Field(default=10, description="Deepest GraphQL selection accepted.")
    max_aliases: int = Field(default=30, description="Most aliases in one GraphQL document.")
    max_tokens: int = Field(
        default=15000, description="Most tokens in one GraphQL document (a 10,000 batch fits)."
    )
    max_body_bytes: int = Field(
        default=4_000_000, description="Largest request body accepted at /graphql, in bytes."
    )
    rate_limit_per_minute: int = Field(
        default=1200,
        description="Requests per minute per token (or per client address without one), per "
        "worker process; bursts up to a tenth of it; 0 turns the limit off.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests call ``get_settings.cache_clear()``)."""
    return Settings()
