"""household walks to the nearest station of each kind; cached service areas

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household_walks",
        sa.Column("household_id", sa.BigInteger(), nullable=False),
        sa.Column("grid_code", sa.String(length=15), nullable=False),
        sa.Column("edge_id", sa.BigInteger(), nullable=True),
        sa.Column("fraction", sa.Double(), nullable=True),
        sa.Column("snap_m", sa.Double(), nullable=False),
        sa.Column("meters", postgresql.ARRAY(sa.Double()), nullable=False),
        sa.Column("stations", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id"),
    )
    op.create_index(
        "ix_household_walks_grid_code",
        "household_walks",
        ["grid_code"],
        postgresql_ops={"grid_code": "varchar_pattern_ops"},
    )
    op.create_geospatial_table(
        "service_areas",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(geometry_type="MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=True,
        ),
        sa.Column("area_m2", sa.Double(), nullable=False),
        sa.Column(
            "circle",
            Geometry(geometry_type="POLYGON", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column("circle_area_m2", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "minutes"),
    )
    op.create_geospatial_index(
        "idx_service_areas_geom", "service_areas", ["geom"], postgresql_using="gist"
    )
    op.create_geospatial_index(
        "idx_service_areas_circle", "service_areas", ["circle"], postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "idx_service_areas_circle", table_name="service_areas", column_name="circle"
    )
    op.drop_geospatial_index(
        "idx_service_areas_geom", table_name="service_areas", column_name="geom"
    )
    op.drop_geospatial_table("service_areas")
    op.drop_index("ix_household_walks_grid_code", table_name="household_walks")
    op.drop_table("household_walks")
