"""Alembic environment: gridmap passes the connection in (see gridmap.db.migrate).

The migrations are the one description of the schema: there is no ORM model to compare
them with (and so no autogenerate); the SQL of ``gridmap.db`` is written against them.
"""

from alembic import context
from geoalchemy2 import alembic_helpers  # registers op.create_geospatial_table and friends

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=None,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
