"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:00:55.882847
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STATION_KINDS = [
    ("社区党群服务中心", "community party-mass service centre", "flag", "red"),
    ("党群服务站", "party-mass service station", "home", "darkred"),
    ("网格红色驿站", "grid red post", "star", "orange"),
    ("中心食堂", "central kitchen", "cutlery", "darkgreen"),
    ("助餐点", "meal point for the elderly", "cutlery", "green"),
    ("邻里调解室", "neighbourhood mediation room", "comments", "purple"),
    ("社区卫生服务站", "community health station", "plus-sign", "blue"),
    ("工会驿站", "workers' rest station", "briefcase", "cadetblue"),
]


def upgrade() -> None:
    for extension in ("postgis", "pgrouting", "pg_trgm"):
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")
    op.create_geospatial_table(
        "districts",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("province", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^\\d{6}$'", name="district_code_6_digits"),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_geospatial_index(
        "idx_districts_geom",
        "districts",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "road_nodes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_road_nodes_geom",
        "road_nodes",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "station_kinds",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("icon", sa.Text(), nullable=False),
        sa.Column("color", sa.Text(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_geospatial_table(
        "road_edges",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("length_m", sa.Double(), nullable=False),
        sa.Column("cost", sa.Double(), nullable=False),
        sa.Column("reverse_cost", sa.Double(), nullable=False),
        sa.Column("kind", sa.Text(), server_default="road", nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="LINESTRING",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("length_m >= 0", name="edge_length_nonnegative"),
        sa.ForeignKeyConstraint(
            ["source"],
            ["road_nodes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["target"],
            ["road_nodes.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_road_edges_geom",
        "road_edges",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_road_edges_source"), "road_edges", ["source"], unique=False)
    op.create_index(op.f("ix_road_edges_target"), "road_edges", ["target"], unique=False)
    op.create_geospatial_table(
        "streets",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^\\d{9}$'", name="street_code_9_digits"),
        sa.CheckConstraint("left(code, 6) = district_code", name="street_code_prefix"),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["districts.code"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_geospatial_index(
        "idx_streets_geom",
        "streets",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_streets_district_code"), "streets", ["district_code"], unique=False)
    op.create_geospatial_table(
        "communities",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("street_code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^\\d{12}$'", name="community_code_12_digits"),
        sa.CheckConstraint("left(code, 9) = street_code", name="community_code_prefix"),
        sa.ForeignKeyConstraint(
            ["street_code"],
            ["streets.code"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_geospatial_index(
        "idx_communities_geom",
        "communities",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(
        "ix_communities_name_trgm",
        "communities",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index(
        op.f("ix_communities_street_code"), "communities", ["street_code"], unique=False
    )
    op.create_geospatial_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_areas_geom",
        "areas",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_areas_community_code"), "areas", ["community_code"], unique=False)
    op.create_geospatial_table(
        "compounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("walled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_compounds_geom",
        "compounds",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(
        op.f("ix_compounds_community_code"), "compounds", ["community_code"], unique=False
    )
    op.create_index(
        "ix_compounds_name_trgm",
        "compounds",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_geospatial_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("services", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("opening_hours", sa.Text(), nullable=True),
        sa.Column("community_code", sa.String(length=12), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
        ),
        sa.ForeignKeyConstraint(
            ["kind"],
            ["station_kinds.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_stations_geom",
        "stations",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(
        op.f("ix_stations_community_code"), "stations", ["community_code"], unique=False
    )
    op.create_index(op.f("ix_stations_kind"), "stations", ["kind"], unique=False)
    op.create_geospatial_table(
        "grids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=15), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), server_default="综合", nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("responsible_body", sa.Text(), nullable=True),
        sa.Column("area_m2", sa.Double(), nullable=False),
        sa.Column("valid_from", sa.Date(), server_default=sa.text("CURRENT_DATE"), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("code ~ '^\\d{15}$'", name="grid_code_15_digits"),
        sa.CheckConstraint("kind = '综合' OR category IS NOT NULL", name="dedicated_grid_category"),
        sa.CheckConstraint("kind IN ('综合', '专属')", name="grid_kind"),
        sa.CheckConstraint("left(code, 12) = community_code", name="grid_code_prefix"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="grid_validity"),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
        ),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "idx_grids_geom",
        "grids",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_grids_code"), "grids", ["code"], unique=False)
    op.create_index(op.f("ix_grids_community_code"), "grids", ["community_code"], unique=False)
    op.create_index(
        "uq_grids_current_code",
        "grids",
        ["code"],
        unique=True,
        postgresql_where=sa.text("valid_to IS NULL"),
    )
    op.create_geospatial_table(
        "buildings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column(
            "footprint",
            Geometry(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["compounds.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grids.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("compound_id", "number", name="uq_building_number"),
    )
    op.create_geospatial_index(
        "idx_buildings_footprint",
        "buildings",
        ["footprint"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_index(
        "idx_buildings_geom",
        "buildings",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_buildings_compound_id"), "buildings", ["compound_id"], unique=False)
    op.create_index(op.f("ix_buildings_grid_id"), "buildings", ["grid_id"], unique=False)
    op.create_table(
        "station_grids",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grids.id"],
        ),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", "grid_id"),
    )
    op.create_index(op.f("ix_station_grids_grid_id"), "station_grids", ["grid_id"], unique=False)
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "number", name="uq_unit_number"),
    )
    op.create_index(op.f("ix_units_building_id"), "units", ["building_id"], unique=False)
    op.create_geospatial_table(
        "households",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("room", sa.Text(), nullable=False),
        sa.Column("residents", sa.Integer(), server_default="1", nullable=False),
        sa.Column("party_member", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("hardship", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("subsistence", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("elderly_alone", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("rented", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("vacant", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("central_household_id", sa.BigInteger(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("residents >= 0", name="household_residents_nonnegative"),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["central_household_id"],
            ["households.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grids.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "unit_id", "room", name="uq_household_address"),
    )
    op.create_geospatial_index(
        "idx_households_geom",
        "households",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_households_building_id"), "households", ["building_id"], unique=False)
    op.create_index(
        op.f("ix_households_central_household_id"),
        "households",
        ["central_household_id"],
        unique=False,
    )
    op.create_index(op.f("ix_households_grid_id"), "households", ["grid_id"], unique=False)
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("community_code", sa.String(length=12), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "role IN ('网格员', '网格长', '网格党支部书记', '楼栋长', '党员中心户', '党员志愿者')",
            name="person_role",
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["buildings.id"],
        ),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["communities.code"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grids.id"],
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_people_building_id"), "people", ["building_id"], unique=False)
    op.create_index(op.f("ix_people_community_code"), "people", ["community_code"], unique=False)
    op.create_index(op.f("ix_people_grid_id"), "people", ["grid_id"], unique=False)
    op.create_index(op.f("ix_people_household_id"), "people", ["household_id"], unique=False)
    op.create_index(op.f("ix_people_role"), "people", ["role"], unique=False)
    kinds = sa.table(
        "station_kinds",
        sa.column("code", sa.Text),
        sa.column("name_en", sa.Text),
        sa.column("icon", sa.Text),
        sa.column("color", sa.Text),
        sa.column("sort", sa.Integer),
    )
    op.bulk_insert(
        kinds,
        [
            {"code": c, "name_en": n, "icon": i, "color": col, "sort": k}
            for k, (c, n, i, col) in enumerate(STATION_KINDS)
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_people_role"), table_name="people")
    op.drop_index(op.f("ix_people_household_id"), table_name="people")
    op.drop_index(op.f("ix_people_grid_id"), table_name="people")
    op.drop_index(op.f("ix_people_community_code"), table_name="people")
    op.drop_index(op.f("ix_people_building_id"), table_name="people")
    op.drop_table("people")
    op.drop_index(op.f("ix_households_grid_id"), table_name="households")
    op.drop_index(op.f("ix_households_central_household_id"), table_name="households")
    op.drop_index(op.f("ix_households_building_id"), table_name="households")
    op.drop_geospatial_index(
        "idx_households_geom", table_name="households", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("households")
    op.drop_index(op.f("ix_units_building_id"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_station_grids_grid_id"), table_name="station_grids")
    op.drop_table("station_grids")
    op.drop_index(op.f("ix_buildings_grid_id"), table_name="buildings")
    op.drop_index(op.f("ix_buildings_compound_id"), table_name="buildings")
    op.drop_geospatial_index(
        "idx_buildings_geom", table_name="buildings", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_index(
        "idx_buildings_footprint",
        table_name="buildings",
        postgresql_using="gist",
        column_name="footprint",
    )
    op.drop_geospatial_table("buildings")
    op.drop_index(
        "uq_grids_current_code", table_name="grids", postgresql_where=sa.text("valid_to IS NULL")
    )
    op.drop_index(op.f("ix_grids_community_code"), table_name="grids")
    op.drop_index(op.f("ix_grids_code"), table_name="grids")
    op.drop_geospatial_index(
        "idx_grids_geom", table_name="grids", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("grids")
    op.drop_index(op.f("ix_stations_kind"), table_name="stations")
    op.drop_index(op.f("ix_stations_community_code"), table_name="stations")
    op.drop_geospatial_index(
        "idx_stations_geom", table_name="stations", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("stations")
    op.drop_index(
        "ix_compounds_name_trgm",
        table_name="compounds",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_index(op.f("ix_compounds_community_code"), table_name="compounds")
    op.drop_geospatial_index(
        "idx_compounds_geom", table_name="compounds", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("compounds")
    op.drop_index(op.f("ix_areas_community_code"), table_name="areas")
    op.drop_geospatial_index(
        "idx_areas_geom", table_name="areas", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("areas")
    op.drop_index(op.f("ix_communities_street_code"), table_name="communities")
    op.drop_index(
        "ix_communities_name_trgm",
        table_name="communities",
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.drop_geospatial_index(
        "idx_communities_geom",
        table_name="communities",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("communities")
    op.drop_index(op.f("ix_streets_district_code"), table_name="streets")
    op.drop_geospatial_index(
        "idx_streets_geom", table_name="streets", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("streets")
    op.drop_index(op.f("ix_road_edges_target"), table_name="road_edges")
    op.drop_index(op.f("ix_road_edges_source"), table_name="road_edges")
    op.drop_geospatial_index(
        "idx_road_edges_geom", table_name="road_edges", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("road_edges")
    op.drop_table("station_kinds")
    op.drop_geospatial_index(
        "idx_road_nodes_geom", table_name="road_nodes", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("road_nodes")
    op.drop_geospatial_index(
        "idx_districts_geom", table_name="districts", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("districts")
