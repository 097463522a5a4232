"""index household_walks by edge: moving a station reads only the households on the edges
it changed, not all of them

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_household_walks_edge_id", "household_walks", ["edge_id"])


def downgrade() -> None:
    op.drop_index("ix_household_walks_edge_id", table_name="household_walks")
