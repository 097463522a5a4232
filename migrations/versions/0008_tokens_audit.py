"""access control: bearer tokens (hashed), the audit log, and row-level security

Every API request runs as the ``gridmap_api`` role with ``gridmap.scope`` set to the LIKE
patterns of the area codes whose personal data the caller may read (empty: none, ``%``:
all).  Row-level security on households, people and household_walks enforces that scope in
the database, so no query can return a household outside it by forgetting a filter.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'public', 'grid_worker', 'community_admin', 'street_admin', 'planner', 'admin'"

# The scope's patterns are read once per statement (an initplan), then matched per row.
IN_SCOPE = "LIKE ANY (CAST((SELECT gridmap_scope()) AS text[]))"
VISIBLE = {
    "households": f"grid_id IN (SELECT id FROM grids WHERE code {IN_SCOPE})",
    "household_walks": f"grid_code {IN_SCOPE}",
    # People are looked up a few at a time: correlated index lookups, not whole-table hashes.
    "people": (
        f"EXISTS (SELECT 1 FROM grids g WHERE g.id = people.grid_id AND g.code {IN_SCOPE})"
        f" OR people.community_code {IN_SCOPE}"
        " OR EXISTS (SELECT 1 FROM buildings b JOIN grids g ON g.id = b.grid_id"
        f" WHERE b.id = people.building_id AND g.code {IN_SCOPE})"
        " OR EXISTS (SELECT 1 FROM households h WHERE h.id = people.household_id)"
    ),
}
WRITABLE_HOUSEHOLD_COLUMNS = (
    "residents, party_member, hardship, subsistence, elderly_alone, disabled, rented, vacant,"
    " contact_name, contact_phone"
)


def _visible(predicate: str) -> str:
    return (
        "(SELECT gridmap_scope() = '{%}') OR "
        f"((SELECT gridmap_scope() IS NOT NULL) AND ({predicate}))"
    )


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("areas", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"role IN ({ROLES})", name="token_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    op.execute(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gridmap_api') THEN
            CREATE ROLE gridmap_api NOLOGIN NOINHERIT;
          END IF;
        END $$;
        GRANT gridmap_api TO CURRENT_USER;
        GRANT USAGE ON SCHEMA public TO gridmap_api;
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO gridmap_api;
        REVOKE ALL ON api_tokens, audit_log FROM gridmap_api;
        """
    )
    op.execute(f"GRANT UPDATE ({WRITABLE_HOUSEHOLD_COLUMNS}) ON households TO gridmap_api")
    op.execute(
        """
        CREATE FUNCTION gridmap_scope() RETURNS text[] LANGUAGE sql STABLE AS
        $$ SELECT string_to_array(nullif(current_setting('gridmap.scope', true), ''), ',') $$;
        """
    )
    for table, predicate in VISIBLE.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY scoped_read ON {table} FOR SELECT TO gridmap_api"
            f" USING ({_visible(predicate)})"
        )
    op.execute(
        "CREATE POLICY scoped_write ON households FOR UPDATE TO gridmap_api"
        f" USING ((SELECT current_setting('gridmap.write', true) = 'on')"
        f" AND ({_visible(VISIBLE['households'])}))"
    )


def downgrade() -> None:
    for table in VISIBLE:
        op.execute(f"DROP POLICY IF EXISTS scoped_read ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP POLICY IF EXISTS scoped_write ON households")
    op.execute("DROP FUNCTION gridmap_scope()")
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gridmap_api")
    op.execute("REVOKE USAGE ON SCHEMA public FROM gridmap_api")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_tokens")
