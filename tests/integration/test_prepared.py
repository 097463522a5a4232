"""Prepared statements: planned once per connection, the same answers as a plain statement."""

import pytest
from sqlalchemy import event, text

from gridmap.db.prepared import GENERIC_UP_TO, PREPARED, Prepared

# Casts (::), an operator spelled with % and a parameter used twice: the cases that a
# rewrite of :name parameters could get wrong.
NAMES = Prepared(
    """
    SELECT q.i::int AS i, q.name, q.name % 'abc' AS resembles, :suffix || q.name AS label,
           length(:suffix) AS n
    FROM unnest(:names) WITH ORDINALITY AS q(name, i)
    ORDER BY q.i
    """,
    names="text[]",
    suffix="text",
)


def _run(engine, names: list[str | None]) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in NAMES.execute(conn, {"names": names, "suffix": "x-"})]


def test_few_rows_are_prepared_once_per_connection_and_survive_a_rollback(engine):
    statements: list[str] = []
    with engine.connect() as conn:
        conn.exec_driver_sql("DEALLOCATE ALL")
        conn.connection.info.pop(PREPARED, None)
        conn.rollback()

        def record(_c, _cur, statement, *_a):
            statements.append(statement.split()[0])

        event.listen(conn, "before_cursor_execute", record)
        first = [tuple(r) for r in NAMES.execute(conn, {"names": ["abc", None], "suffix": "x-"})]
        conn.rollback()  # a prepared statement outlives the transaction that made it
        again = [tuple(r) for r in NAMES.execute(conn, {"names": ["abc", None], "suffix": "x-"})]
        prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert first == again == [(1, "abc", True, "x-abc", 2), (2, None, None, None, 2)]
    assert statements[:3] == ["PREPARE", "EXECUTE", "EXECUTE"]
    assert prepared == 1


def test_long_arrays_run_as_a_plain_statement_with_the_same_answers(engine):
    names = [f"n{i}" for i in range(GENERIC_UP_TO + 5)]
    long = _run(engine, names)
    chunks = [names[k : k + GENERIC_UP_TO] for k in range(0, len(names), GENERIC_UP_TO)]
    short = [row for chunk in chunks for row in _run(engine, chunk)]
    assert [r[1:] for r in long] == [r[1:] for r in short]
    assert [r[0] for r in long] == list(range(1, len(names) + 1))


def test_empty_and_all_null_arrays_keep_their_declared_types(engine):
    assert _run(engine, []) == []
    assert _run(engine, [None, None]) == [(1, None, None, None, 2), (2, None, None, None, 2)]


def test_a_parameter_without_a_type_is_refused_when_the_statement_is_made():
    with pytest.raises(ValueError, match="differ"):
        Prepared("SELECT :a + :b", a="int")


@pytest.mark.parametrize("many", [False, True])
def test_array_elements_with_quotes_braces_and_backslashes_arrive_intact(engine, many):
    awkward = ['a"b', "c\\d", "{e,f}", "NULL", " g ", "", "锦绣花园"]
    names = awkward * (GENERIC_UP_TO if many else 1)
    assert [r[1] for r in _run(engine, names)] == names
