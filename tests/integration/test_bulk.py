"""COPY's text format round-trips every awkward value."""

from sqlalchemy import text

from gridmap.db.bulk import copy_rows


def test_awkward_values_survive_copy(engine):
    rows = [
        (1, None, True, ["助餐", 'say "hi"', "back\\slash", "a,b"]),
        (2, "tab\there\nnew line\r\\N", False, []),
    ]
    with engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE t (id int, s text, b bool, a text[]) ON COMMIT DROP"))
        copy_rows(conn, "t", ("id", "s", "b", "a"), rows)
        back = conn.execute(text("SELECT id, s, b, a FROM t ORDER BY id")).all()
    assert [tuple(r) for r in back] == rows
