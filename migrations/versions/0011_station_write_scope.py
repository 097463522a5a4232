"""stations are moved in the caller's row scope: row-level security lets the API role change
a station only inside its areas, and only to a community inside them

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_SCOPE = "community_code LIKE ANY (CAST((SELECT gridmap_scope()) AS text[]))"
WRITABLE = (
    "(SELECT current_setting('gridmap.write', true) = 'on') AND ("
    "(SELECT gridmap_scope() = '{%}') OR "
    f"((SELECT gridmap_scope() IS NOT NULL) AND {IN_SCOPE}))"
)


def upgrade() -> None:
    op.execute("ALTER TABLE stations ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY everyone_reads ON stations FOR SELECT TO gridmap_api USING (true)")
    op.execute(
        f"CREATE POLICY scoped_write ON stations FOR UPDATE TO gridmap_api"
        f" USING ({WRITABLE}) WITH CHECK ({WRITABLE})"
    )
    op.execute("GRANT UPDATE (geom, community_code) ON stations TO gridmap_api")


def downgrade() -> None:
    op.execute("REVOKE UPDATE (geom, community_code) ON stations FROM gridmap_api")
    op.execute("DROP POLICY scoped_write ON stations")
    op.execute("DROP POLICY everyone_reads ON stations")
    op.execute("ALTER TABLE stations DISABLE ROW LEVEL SECURITY")
