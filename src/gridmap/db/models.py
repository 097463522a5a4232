"""ORM models of the grid-governance hierarchy (SQLAlchemy 2 + GeoAlchemy2).

Codes are natural keys that carry the hierarchy (GB/T 2260 district 6 + street 3 + community 3
+ grid 3); CHECK constraints keep every child's code prefixed by its parent's.  Geometries
are WGS84 (EPSG:4326) with GiST indexes; lengths and areas are measured as geography.
Personal data (names, phones) sits in its own columns so that it can be protected.
"""

from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridmap.domain.access import ROLES as ACCESS_ROLES
from gridmap.domain.hierarchy import GRID_KINDS, ROLES

SRID = 4326


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


def _geom(kind: str, nullable: bool = False) -> Mapped:  # type: ignore[type-arg]
    return mapped_column(Geometry(kind, srid=SRID, spatial_index=True), nullable=nullable)


class District(Base):
    __tablename__ = "districts"
    __table_args__ = (CheckConstraint(r"code ~ '^\d{6}$'", name="district_code_6_digits"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    province: Mapped[str | None] = mapped_column(Text)
    geom = _geom("MULTIPOLYGON")


class Street(Base):
    __tablename__ = "streets"
    __table_args__ = (
        CheckConstraint(r"code ~ '^\d{9}$'", name="street_code_9_digits"),
        CheckConstraint("left(code, 6) = district_code", name="street_code_prefix"),
    )

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("districts.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    geom = _geom("MULTIPOLYGON")


class Community(Base):
    __tablename__ = "communities"
    __table_args__ = (
        CheckConstraint(r"code ~ '^\d{12}$'", name="community_code_12_digits"),
        CheckConstraint("left(code, 9) = street_code", name="community_code_prefix"),
        Index(
            "ix_communities_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    geom = _geom("MULTIPOLYGON")


class Area(Base):
    """片区: an optional grouping of grids inside a community."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    geom = _geom("MULTIPOLYGON", nullable=True)


class Grid(Base):
    """网格. Redrawing a boundary closes the old row (valid_to) and adds a new one."""

    __tablename__ = "grids"
    __table_args__ = (
        CheckConstraint(r"code ~ '^\d{15}$'", name="grid_code_15_digits"),
        CheckConstraint("left(code, 12) = community_code", name="grid_code_prefix"),
        CheckConstraint(_in("kind", GRID_KINDS), name="grid_kind"),
        CheckConstraint("kind = '综合' OR category IS NOT NULL", name="dedicated_grid_category"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="grid_validity"),
        Index(
            "uq_grids_current_code", "code", unique=True, postgresql_where=text("valid_to IS NULL")
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(15), index=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, server_default="综合")
    category: Mapped[str | None] = mapped_column(Text)
    responsible_body: Mapped[str | None] = mapped_column(Text)
    area_m2: Mapped[float] = mapped_column(Double)
    valid_from: Mapped[date] = mapped_column(Date, server_default=text("CURRENT_DATE"))
    valid_to: Mapped[date | None] = mapped_column(Date)
    geom = _geom("MULTIPOLYGON")


class Compound(Base):
    """小区: a residential compound, often walled with a few gates."""

    __tablename__ = "compounds"
    __table_args__ = (
        Index(
            "ix_compounds_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    walled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    geom = _geom("MULTIPOLYGON")


class Building(Base):
    """楼栋: numbered within its compound."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("compound_id", "number", name="uq_building_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    number: Mapped[str] = mapped_column(Text)
    floors: Mapped[int | None] = mapped_column(Integer)
    footprint = _geom("POLYGON", nullable=True)
    geom = _geom("POINT")


class Unit(Base):
    """单元: a stairwell/entrance of a building."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "number", name="uq_unit_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    number: Mapped[str] = mapped_column(Text)


class Household(Base):
    """户: building + unit + room.  Flags drive the 分级分色 map; contacts are personal data."""

    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("building_id", "unit_id", "room", name="uq_household_address"),
        CheckConstraint("residents >= 0", name="household_residents_nonnegative"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), index=True)
    room: Mapped[str] = mapped_column(Text)
    residents: Mapped[int] = mapped_column(Integer, server_default="1")
    party_member: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    hardship: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    subsistence: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    elderly_alone: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    rented: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    vacant: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    central_household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id"), index=True
    )
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    geom = _geom("POINT")


class Person(Base):
    """Staff and volunteers in their roles.  ``name`` and ``phone`` are personal data."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="person_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(Text, index=True)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    community_code: Mapped[str | None] = mapped_column(ForeignKey("communities.code"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)


class StationKind(Base):
    """Kinds of service station; extensible by adding rows."""

    __tablename__ = "station_kinds"

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name_en: Mapped[str] = mapped_column(Text)
    icon: Mapped[str] = mapped_column(Text)
    color: Mapped[str] = mapped_column(Text)
    sort: Mapped[int] = mapped_column(Integer)


class Station(Base):
    """服务阵地: a service station with its services and opening hours."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(ForeignKey("station_kinds.code"), index=True)
    name: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    opening_hours: Mapped[str | None] = mapped_column(Text)
    community_code: Mapped[str | None] = mapped_column(ForeignKey("communities.code"), index=True)
    geom = _geom("POINT")


class StationGrid(Base):
    """The grids a station serves."""

    __tablename__ = "station_grids"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"), primary_key=True, index=True)


class RoadNode(Base):
    __tablename__ = "road_nodes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    geom = _geom("POINT")


class RoadEdge(Base):
    """A walkable edge, ready for pgRouting (id, source, target, cost, reverse_cost)."""

    __tablename__ = "road_edges"
    __table_args__ = (CheckConstraint("length_m >= 0", name="edge_length_nonnegative"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[int] = mapped_column(BigInteger, ForeignKey("road_nodes.id"), index=True)
    target: Mapped[int] = mapped_column(BigInteger, ForeignKey("road_nodes.id"), index=True)
    length_m: Mapped[float] = mapped_column(Double)
    cost: Mapped[float] = mapped_column(Double)
    reverse_cost: Mapped[float] = mapped_column(Double)
    kind: Mapped[str] = mapped_column(Text, server_default="road")
    name: Mapped[str | None] = mapped_column(Text)
    geom = _geom("LINESTRING")


class StationEdge(Base):
    """Where a station joins the walkable network: a point on its nearest edge."""

    __tablename__ = "station_edges"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    edge_id: Mapped[int] = mapped_column(BigInteger, index=True)
    fraction: Mapped[float] = mapped_column(Double)  # 0 at the edge's source, 1 at its target
    snap_m: Mapped[float] = mapped_column(Double)


class StationReach(Base):
    """Walking distance from each station to every road node within reach (a derived cache)."""

    __tablename__ = "station_reach"

    node_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    meters: Mapped[float] = mapped_column(Double)


class NodeNearest(Base):
    """The nearest station of each kind from every road node, by walking (a derived cache)."""

    __tablename__ = "node_nearest"

    node_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), index=True
    )
    meters: Mapped[float] = mapped_column(Double)


class HouseholdWalk(Base):
    """Each household's walk to the nearest station of every kind (a derived cache).

    ``meters[k]`` and ``stations[k]`` follow ``station_kinds.sort`` (1-based: sort + 1);
    NULL where no station of that kind can be reached.  A household further than
    ``GRIDMAP_MAX_SNAP_M`` from any walkable edge has ``edge_id`` NULL and no walks.
    """

    __tablename__ = "household_walks"
    __table_args__ = (
        Index(
            "ix_household_walks_grid_code",
            "grid_code",
            postgresql_ops={"grid_code": "varchar_pattern_ops"},
        ),
    )

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    grid_code: Mapped[str] = mapped_column(String(15))
    edge_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    fraction: Mapped[float | None] = mapped_column(Double)
    snap_m: Mapped[float] = mapped_column(Double)
    meters: Mapped[list[float | None]] = mapped_column(ARRAY(Double))
    stations: Mapped[list[int | None]] = mapped_column(ARRAY(Integer))


class ServiceArea(Base):
    """A station's service area at a walking time: the network isochrone, buffered, and the
    straight-line circle of the same distance beside it (a derived cache)."""

    __tablename__ = "service_areas"

    station_id: Mapped[int] = mapped_column(
        ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True
    )
    minutes: Mapped[int] = mapped_column(Integer, primary_key=True)
    geom = _geom("MULTIPOLYGON", nullable=True)
    area_m2: Mapped[float] = mapped_column(Double)
    circle = _geom("POLYGON")
    circle_area_m2: Mapped[float] = mapped_column(Double)


class ApiToken(Base):
    """A bearer token: a role scoped to areas.  Only the token's SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(_in("role", ACCESS_ROLES), name="token_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    areas: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    token_hash: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who read or changed personal data, when, and through what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), index=True
    )
    token_id: Mapped[int | None] = mapped_column(Integer)
    who: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)  # graphql, cli
    action: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
