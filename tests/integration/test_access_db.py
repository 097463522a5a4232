"""Access control in the database itself: row-level security, tokens, timeouts, the CLI."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from gridmap.api.context import Context
from gridmap.db.access import enter_scope
from gridmap.db.engine import get_engine
from gridmap.domain.access import Principal
from gridmap.errors import InvalidInput, NotFound, TooSlow
from gridmap.services import access
from gridmap.services.scope import Scope
from tests.helpers import as_admin

A = "321102001001001"


def _count(engine, principal: Principal, sql: str, write: bool = False) -> int:
    with engine.connect() as conn:
        enter_scope(conn, principal, write=write)
        return conn.execute(text(sql)).scalar_one()


def _direct(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@pytest.mark.parametrize(
    ("principal", "prefix"),
    [
        (Principal("grid_worker", (A,)), A),
        (Principal("community_admin", (A[:12],)), A[:12]),
        (Principal("street_admin", (A[:9],)), A[:9]),
        (Principal("admin"), ""),
        (Principal("planner"), None),
        (Principal("public"), None),
    ],
)
def test_row_level_security_hides_rows_outside_the_scope(city_engine, principal, prefix):
    in_scope = (
        "SELECT count(*) FROM households h JOIN grids g ON g.id = h.grid_id WHERE g.code LIKE :p"
    )
    expected = 0 if prefix is None else _direct(city_engine, in_scope, p=f"{prefix}%")
    assert _count(city_engine, principal, "SELECT count(*) FROM households") == expected
    walks = _count(city_engine, principal, "SELECT count(*) FROM household_walks")
    assert walks == expected
    people = _count(city_engine, principal, "SELECT count(*) FROM people")
    assert (people == 0) == (prefix is None)
    # aggregates outside the scope are not the API's way: the scoped count is the scope's
    assert _count(city_engine, principal, "SELECT count(*) FROM grids") > 0


def test_writes_need_the_write_flag_and_never_touch_other_columns(city_engine):
    writer = Principal("community_admin", (A[:12],))
    with city_engine.connect() as conn:
        enter_scope(conn, writer)  # read-only scope: the update matches no row
        assert conn.execute(text("UPDATE households SET vacant = vacant")).rowcount == 0
        conn.rollback()
        enter_scope(conn, writer, write=True)
        changed = conn.execute(text("UPDATE households SET vacant = vacant")).rowcount
        assert changed == _direct(
            city_engine,
            "SELECT count(*) FROM households h JOIN grids g ON g.id = h.grid_id "
            "WHERE g.code LIKE :p",
            p=f"{A[:12]}%",
        )
        conn.rollback()
        enter_scope(conn, writer, write=True)
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("UPDATE households SET grid_id = grid_id"))
        conn.rollback()
        enter_scope(conn, Principal("admin"))
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT count(*) FROM api_tokens"))


def test_the_scope_does_not_outlive_its_transaction(city_engine):
    with city_engine.connect() as conn:
        enter_scope(conn, Principal("public"))
        assert conn.execute(text("SELECT current_user")).scalar() == "gridmap_api"
        conn.rollback()
        assert conn.execute(text("SELECT current_user")).scalar() != "gridmap_api"
        assert conn.execute(text("SELECT count(*) FROM households")).scalar() > 0


def test_tokens_are_stored_hashed_and_checked(city_engine):
    token_id, secret = as_admin(
        city_engine, access.create_token, "hash check", "grid_worker", [A], "30d"
    )
    stored = _direct(city_engine, "SELECT token_hash FROM api_tokens WHERE id = :i", i=token_id)
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    caller = as_admin(city_engine, access.authenticate, f"Bearer {secret}")
    assert (caller.role, caller.areas, caller.token_id) == ("grid_worker", (A,), token_id)
    assert as_admin(city_engine, access.authenticate, None).role == "public"


@pytest.mark.parametrize(
    ("role", "areas", "message"),
    [
        ("grid_worker", [], "needs --area"),
        ("grid_worker", [A[:12]], "needs grid codes"),
        ("street_admin", [A], "needs street codes"),
        ("planner", [A], "takes no --area"),
        ("root", [], "unknown role"),
        ("grid_worker", ["321102001001999"], "no grid with code"),
    ],
)
def test_token_grants_are_validated(city_engine, role, areas, message):
    with pytest.raises((InvalidInput, NotFound), match=message):
        as_admin(city_engine, access.create_token, "bad grant", role, areas, None)


def test_expiry_parsing():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert access.parse_expiry("30d", now) == now + timedelta(days=30)
    assert access.parse_expiry("12h", now) == now + timedelta(hours=12)
    assert access.parse_expiry("2026-03-01", now) == datetime(2026, 3, 1, tzinfo=UTC)
    assert access.parse_expiry(None) is None
    for bad, message in (("soon", "neither"), ("2025-01-01", "in the past")):
        with pytest.raises(InvalidInput, match=message):
            access.parse_expiry(bad, now)


def test_a_statement_timeout_is_a_clear_error(city_engine):
    url = city_engine.url.render_as_string(hide_password=False)
    context = Context(Scope(get_engine(url, 50)))
    with pytest.raises(TooSlow, match="statement timeout"):
        asyncio.run(context.run(lambda s: s.conn.execute(text("SELECT pg_sleep(1)"))))


def test_token_cli_create_list_revoke(city_engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = city_engine.url.render_as_string(hide_password=False)
    gridmap = str(Path(sys.executable).with_name("gridmap"))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([gridmap, *args], env=env, capture_output=True, text=True)

    created = run(
        "token",
        "create",
        "--role",
        "community_admin",
        "--area",
        A[:12],
        "--name",
        "cli token",
        "--expires",
        "7d",
    )
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("gm_")
    assert as_admin(city_engine, access.authenticate, f"Bearer {secret}").role == "community_admin"
    listed = run("token", "list")
    assert "cli token" in listed.stderr + listed.stdout and secret not in listed.stdout
    assert run("token", "revoke", "cli token").returncode == 0
    with pytest.raises(Exception, match="revoked"):
        as_admin(city_engine, access.authenticate, f"Bearer {secret}")
    bad = run("token", "create", "--role", "grid_worker", "--name", "x")
    assert bad.returncode == 1 and "needs --area" in bad.stderr and "Traceback" not in bad.stderr

    env["GRIDMAP_MAPS_DIR"] = tempfile.mkdtemp(prefix="gridmap-maps-")
    assert run("map", "grid", A, "--audience", "staff").returncode == 0
    entry = _direct(
        city_engine,
        "SELECT who || ' ' || channel || ' ' || action || ' ' || detail"
        " FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    assert entry.startswith("cli:") and f" cli wrote staff map {env['GRIDMAP_MAPS_DIR']}" in entry
    audit = run("audit", "--limit", "5")
    assert audit.returncode == 0 and "staff map" in audit.stdout + audit.stderr


def _station_in(conn, community_prefix: str) -> dict:
    return dict(
        conn.execute(
            text(
                "SELECT id, community_code, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM stations"
                " WHERE community_code LIKE :p ORDER BY id LIMIT 1"
            ),
            {"p": community_prefix + "%"},
        )
        .mappings()
        .one()
    )


def test_the_database_refuses_station_writes_outside_the_callers_area(city_engine):
    """With the service's own checks skipped: the statements, in a community admin's row scope."""
    from gridmap.db import stations as stations_db

    caller = Principal("community_admin", (A[:12],))
    with city_engine.connect() as conn, conn.begin():
        own, foreign = _station_in(conn, A[:12]), _station_in(conn, "321102002")
        with Scope(conn, caller, write=True) as scope:
            moved = stations_db.put(scope.conn, foreign["id"], foreign["lon"], foreign["lat"])
            assert moved is False  # another street's station: no row to change
            with pytest.raises(ProgrammingError, match="row-level security"), conn.begin_nested():
                stations_db.put(scope.conn, own["id"], own["lon"], own["lat"], "321102002001")
        read_only = Scope(conn, caller)  # no write flag: not even its own station
        assert stations_db.put(read_only.conn, own["id"], own["lon"], own["lat"]) is False
        read_only.close()
        conn.rollback()


def test_a_moved_station_takes_the_community_of_its_new_place(city_engine):
    from gridmap.errors import PermissionDenied
    from gridmap.services.stations import move_station
    from tests.helpers import as_caller

    with city_engine.connect() as conn, conn.begin():
        own, foreign = _station_in(conn, A[:12]), _station_in(conn, "321102002")
        admin_here = Principal("community_admin", (A[:12],))
        with pytest.raises(PermissionDenied, match="outside your area"):
            as_caller(conn, admin_here, move_station, own["id"], foreign["lon"], foreign["lat"])
        as_admin(conn, move_station, own["id"], foreign["lon"], foreign["lat"])
        community = conn.execute(
            text("SELECT community_code FROM stations WHERE id = :s"), {"s": own["id"]}
        ).scalar_one()
        assert community == foreign["community_code"] != own["community_code"]
        conn.rollback()
