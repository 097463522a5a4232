"""walking reach caches: station attachments, station→node distances, nearest station by kind

Revision ID: 0006
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "station_edges",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("edge_id", sa.BigInteger(), nullable=False),
        sa.Column("fraction", sa.Double(), nullable=False),
        sa.Column("snap_m", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id"),
    )
    op.create_index("ix_station_edges_edge_id", "station_edges", ["edge_id"])
    op.create_table(
        "station_reach",
        sa.Column("node_id", sa.BigInteger(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("meters", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("node_id", "station_id"),
    )
    op.create_index("ix_station_reach_station_id", "station_reach", ["station_id"])
    op.create_table(
        "node_nearest",
        sa.Column("node_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("meters", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("node_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("node_nearest")
    op.drop_index("ix_station_reach_station_id", table_name="station_reach")
    op.drop_table("station_reach")
    op.drop_index("ix_station_edges_edge_id", table_name="station_edges")
    op.drop_table("station_edges")
