"""Test fixtures: a real, throwaway PostGIS for the whole session.

By default the session starts its own embedded cluster in a temporary folder and deletes
it at the end.  ``GRIDMAP_TEST_DATABASE_URL`` points the suite at an existing server
instead (each test database is created and dropped there).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from gridmap.db import migrate
from gridmap.db.embedded import Cluster
from tests.helpers import as_admin


def throwaway_home() -> Path:
    """A folder the unprivileged postgres user can reach (pytest's tmp dirs are private)."""
    base = Path(tempfile.mkdtemp(prefix="gridmap-test-"))
    base.chmod(0o755)
    return base / "home"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of the maintenance database of a server the tests may create databases on."""
    external = os.environ.get("GRIDMAP_TEST_DATABASE_URL")
    if external:
        yield external
        return
    cluster = Cluster(throwaway_home(), 54329, "postgres")
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.destroy()


def _create_database(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def make_database(server_url: str) -> Iterator:
    """Factory: a fresh, migrated database by name; returns its engine."""
    engines: list[Engine] = []

    def make(name: str, migrated: bool = True) -> Engine:
        engine = create_engine(_create_database(server_url, name))
        if migrated:
            migrate.upgrade(engine)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture(scope="session")
def engine(make_database) -> Engine:
    """An empty, migrated database shared by tests that roll back their changes."""
    return make_database("gridmap_test")


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection to ``engine`` whose every change is rolled back at the end of the test.

    A module gets it on a database of its own by defining its own ``engine`` fixture."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            if transaction.is_active:
                transaction.rollback()


@pytest.fixture(scope="session")
def small_engine(make_database) -> Engine:
    """A database loaded with the ``small`` demo (read-only for tests)."""
    from gridmap.services.demo import load_demo

    engine = make_database("gridmap_small")
    as_admin(engine, load_demo, scale="small", seed=7)
    return engine


@pytest.fixture(scope="session")
def city_engine(make_database) -> Engine:
    """A database loaded with the ``city`` demo (read-only for tests)."""
    from gridmap.services.demo import load_demo

    engine = make_database("gridmap_city")
    as_admin(engine, load_demo, scale="city", seed=7)
    return engine


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(engine: Engine, **settings: str) -> Iterator[str]:
    """A real gridmap server (uvicorn, one worker, over HTTP) on ``engine``'s database;
    ``settings`` are extra GRIDMAP_* variables (``rate_limit_per_minute="60"``)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    env["GRIDMAP_MAPS_DIR"] = tempfile.mkdtemp(prefix="gridmap-maps-")
    env.update({f"GRIDMAP_{k.upper()}": v for k, v in settings.items()})
    gridmap = str(Path(sys.executable).with_name("gridmap"))
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed when the server stops
    server = subprocess.Popen(  # output to a file, not a pipe: a full pipe would block it
        [gridmap, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.seek(0)
            raise RuntimeError(f"server did not start: {log.read()}")
        time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def api_url(city_engine: Engine) -> Iterator[str]:
    """A real gridmap server on the city demo database, with the default settings."""
    with running_server(city_engine) as base:
        yield base


# The callers of the access tests: each role, scoped to the city demo's first grid or its
# community or street (see tests/e2e/test_access.py for the neighbours they must not see).
ROLE_AREAS = {
    "grid_worker": ("321102001001001",),
    "community_admin": ("321102001001",),
    "street_admin": ("321102001",),
    "planner": (),
    "admin": (),
}


@pytest.fixture(scope="session")
def tokens(city_engine: Engine) -> dict[str, str]:
    """A bearer token per role (``ROLE_AREAS``) on the city demo database."""
    from gridmap.services import access

    return {
        role: as_admin(city_engine, access.create_token, f"test {role}", role, areas, None)[1]
        for role, areas in ROLE_AREAS.items()
    }


@pytest.fixture(scope="session")
def graphql(api_url: str, tokens: dict[str, str]):
    """POST a GraphQL query to the real server as ``role`` (default: public, no token);
    returns the decoded JSON body."""
    client = httpx.Client(base_url=api_url, timeout=30)

    def post(
        query: str, variables: dict | None = None, role: str | None = None, **headers: str
    ) -> dict:
        if role is not None:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        response = client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code < 500, response.text
        return response.json()

    yield post
    client.close()
