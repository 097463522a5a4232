"""The N+1 guard: nested queries cost a bounded number of SQL statements."""

import asyncio

from sqlalchemy import event

from gridmap.api.context import Context
from gridmap.api.schema import schema
from gridmap.domain.access import ADMIN, Principal
from gridmap.services.scope import Scope


def _count_statements(engine, query: str) -> tuple[int, dict]:
    """Statements a query costs as an admin, not counting the scope set at each transaction
    nor the one-time PREPARE of a hot statement on a fresh connection."""
    count = 0

    def counter(_conn, _cursor, statement, *_args) -> None:
        nonlocal count
        count += "set_config('role'" not in statement and not statement.startswith("PREPARE ")

    event.listen(engine, "before_cursor_execute", counter)
    try:
        context = Context(Scope(engine, Principal(ADMIN)))
        result = asyncio.run(schema.execute(query, context_value=context))
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert result.errors is None, result.errors
    return count, result.data


NESTED = """{ grids(first: %d) { edges { node {
    code staff { role name } stations { kind name } householdCounts { total }
    community { name street { name } }
} } } }"""


def test_fifty_grids_with_stations_and_staff_cost_a_handful_of_statements(city_engine):
    statements, data = _count_statements(city_engine, NESTED % 50)
    grids = data["grids"]["edges"]
    assert len(grids) == 50
    assert all(g["node"]["staff"] and g["node"]["stations"] for g in grids)
    assert statements <= 10


def test_statement_count_does_not_grow_with_the_page(city_engine):
    small, _ = _count_statements(city_engine, NESTED % 5)
    large, _ = _count_statements(city_engine, NESTED % 120)
    assert large == small


def test_whole_hierarchy_in_one_query_is_bounded(city_engine):
    statements, data = _count_statements(
        city_engine,
        """{ district { name streets {
        name communities { name householdCounts { total } grids { code staff { name } } } } } }""",
    )
    streets = data["district"]["streets"]
    assert sum(len(c["grids"]) for s in streets for c in s["communities"]) >= 60
    assert statements <= 12
