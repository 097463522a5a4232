"""index node_nearest by station: moving a station reads only the nodes it served

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_node_nearest_station_id", "node_nearest", ["station_id"])


def downgrade() -> None:
    op.drop_index("ix_node_nearest_station_id", table_name="node_nearest")
