"""Migrations run up from empty, down to empty, and up again."""

from sqlalchemy import inspect, text

from gridmap.db import migrate

# The schema's tables, as the migrations make them (the migrations are its one description).
EXPECTED = {
    "api_tokens",
    "areas",
    "audit_log",
    "buildings",
    "communities",
    "compounds",
    "districts",
    "grids",
    "household_walks",
    "households",
    "node_nearest",
    "people",
    "road_edges",
    "road_nodes",
    "service_areas",
    "station_edges",
    "station_grids",
    "station_kinds",
    "station_reach",
    "stations",
    "streets",
    "units",
}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}


def test_up_down_up(make_database):
    engine = make_database("migrations_test", migrated=False)
    assert _tables(engine) == set()
    migrate.upgrade(engine)
    assert _tables(engine) == EXPECTED
    migrate.downgrade(engine)
    assert _tables(engine) == set()
    migrate.upgrade(engine)
    assert _tables(engine) == EXPECTED
    with engine.connect() as conn:
        kinds = conn.execute(text("SELECT count(*) FROM station_kinds")).scalar_one()
    assert kinds == 8


def test_every_geometry_has_a_gist_index(engine):
    sql = text("""
        SELECT c.f_table_name || '.' || c.f_geometry_column
        FROM geometry_columns c
        WHERE c.f_table_schema = 'public' AND NOT EXISTS (
            SELECT 1 FROM pg_indexes i
            WHERE i.tablename = c.f_table_name AND i.indexdef ILIKE '%gist%'
              AND i.indexdef LIKE '%(' || c.f_geometry_column || ')%')
    """)
    with engine.connect() as conn:
        assert conn.execute(sql).scalars().all() == []
