"""The embedded database's lifecycle through the real CLI, and clear errors for bad settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import throwaway_home

GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


def _gridmap(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    return subprocess.run(
        [GRIDMAP, *args], capture_output=True, text=True, timeout=120, env={**environment, **env}
    )


@pytest.fixture
def home():
    path = throwaway_home()
    yield path
    _gridmap("db", "stop", GRIDMAP_HOME=str(path))


def test_start_url_stop_start_keeps_data(home):
    env = {"GRIDMAP_HOME": str(home), "GRIDMAP_DB_PORT": "54400"}
    assert _gridmap("db", "status", **env).stdout.strip() == "not initialised"
    assert _gridmap("db", "start", **env).returncode == 0
    assert _gridmap("db", "status", **env).stdout.strip() == "running"
    url = _gridmap("db", "url", **env).stdout.strip()
    assert url.startswith("postgresql+psycopg2://") and "54400" in url
    assert _gridmap("db", "migrate", **env).returncode == 0
    assert _gridmap("demo", "--scale", "small", **env).returncode == 0
    assert _gridmap("db", "stop", **env).returncode == 0
    assert _gridmap("db", "status", **env).stdout.strip() == "stopped"
    assert _gridmap("db", "start", **env).returncode == 0  # again, with the data intact

    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM grids")).scalar_one() == 8
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg2://nobody@127.0.0.1:1/nowhere", "cannot connect to the database"),
        ("not a url", "not a valid database URL"),
        ("sqlite:///x.db", "needs PostgreSQL"),
    ],
)
def test_bad_database_url_gives_one_clear_line(url, expected):
    result = _gridmap("db", "migrate", GRIDMAP_DATABASE_URL=url)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 2
