"""The constraints that keep data honest reject what the standards forbid."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError

SQUARE = "ST_GeomFromText('MULTIPOLYGON(((119 32,119.01 32,119.01 32.01,119 32.01,119 32)))', 4326)"


@pytest.fixture
def community(conn):
    conn.execute(text(f"INSERT INTO districts VALUES ('321102', '京口区', NULL, NULL, {SQUARE})"))
    conn.execute(
        text(f"INSERT INTO streets VALUES ('321102001', '321102', '正东路街道', {SQUARE})")
    )
    conn.execute(
        text(f"INSERT INTO communities VALUES ('321102001001', '321102001', '江滨社区', {SQUARE})")
    )
    return "321102001001"


def _grid(conn, code, community="321102001001", kind="综合", category=None):
    conn.execute(
        text(
            f"INSERT INTO grids (code, community_code, name, kind, category, area_m2, geom) "
            f"VALUES (:code, :community, '网格', :kind, :category, 1, {SQUARE})"
        ),
        {"code": code, "community": community, "kind": kind, "category": category},
    )


def test_valid_grid_is_accepted(conn, community):
    _grid(conn, "321102001001001")
    assert conn.execute(text("SELECT count(*) FROM grids")).scalar_one() == 1


@pytest.mark.parametrize(
    ("code", "kind", "category"),
    [
        ("32110200100101", "综合", None),  # 14 digits
        ("3211020010010011", "综合", None),  # 16 digits
        ("32110200100100A", "综合", None),  # not digits
        ("321102001002001", "综合", None),  # prefix names another community
        ("321102001001002", "专属", None),  # dedicated grid without a category
        ("321102001001003", "普通", None),  # unknown kind
    ],
)
def test_bad_grids_are_rejected(conn, community, code, kind, category):
    with pytest.raises((IntegrityError, DataError)), conn.begin_nested():
        _grid(conn, code, kind=kind, category=category)


def test_current_grid_code_is_unique_but_history_is_kept(conn, community):
    _grid(conn, "321102001001001")
    conn.execute(text("UPDATE grids SET valid_from = '2020-01-01', valid_to = '2024-01-01'"))
    _grid(conn, "321102001001001")  # the redrawn boundary: a new current row, history kept
    with pytest.raises(IntegrityError), conn.begin_nested():
        _grid(conn, "321102001001001")
