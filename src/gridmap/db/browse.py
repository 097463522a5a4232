"""Filtered, keyset-paginated listings of grids, stations and households.

One filter shape for every layer (kind, area code, bounding box, near a point, name search);
each listing is a single statement plus one count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, text


@dataclass(frozen=True, slots=True)
class Filter:
    kinds: tuple[str, ...] = ()
    area_code: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (WGS84)
    near: tuple[float, float, float] | None = None  # lon, lat, within metres
    search: str | None = None
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Layer:
    """How to list one kind of feature: its table, key, columns and how areas relate to it."""

    table: str
    key: str  # unique, ordered: the keyset for pagination
    columns: str
    area_column: str  # an expression holding the 15-digit grid code or area code prefix source
    kind_column: str | None
    name_column: str | None
    joins: str = ""
    where: str = "true"


GRIDS = Layer(
    table="grids t",
    key="t.code",
    columns="t.id, t.code, t.name, t.kind, t.category, t.responsible_body, t.area_m2, "
    "t.community_code, t.valid_from, t.valid_to",
    area_column="t.code",
    kind_column="t.kind",
    name_column="t.name",
    where="t.valid_to IS NULL",
)
STATIONS = Layer(
    table="stations t",
    key="lpad(t.id::text, 12, '0')",
    columns="t.id, t.kind, t.name, t.address, t.services, t.opening_hours, t.community_code, "
    "ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat",
    area_column="coalesce(t.community_code, '')",
    kind_column="t.kind",
    name_column="t.name",
)
HOUSEHOLDS = Layer(
    table="households t",
    key="lpad(t.id::text, 12, '0')",
    columns="t.id, t.room, t.residents, t.party_member, t.hardship, t.subsistence, "
    "t.elderly_alone, t.disabled, t.rented, t.vacant, t.contact_name, t.contact_phone, "
    "t.grid_id, g.code AS grid_code, "
    "b.number AS building, u.number AS unit, cp.name AS compound, "
    "ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat",
    joins="JOIN grids g ON g.id = t.grid_id JOIN buildings b ON b.id = t.building_id "
    "LEFT JOIN units u ON u.id = t.unit_id LEFT JOIN compounds cp ON cp.id = b.compound_id",
    area_column="g.code",
    kind_column=None,
    name_column="cp.name",
)


def _conditions(layer: Layer, f: Filter) -> tuple[list[str], dict[str, Any]]:
    where, params = [layer.where], {}
    if f.kinds and layer.kind_column:
        where.append(f"{layer.kind_column} = ANY(:kinds)")
        params["kinds"] = list(f.kinds)
    if f.area_code:
        where.append(f"left({layer.area_column}, :area_len) = :area")
        params.update(area=f.area_code, area_len=len(f.area_code))
    if f.bbox:
        where.append("t.geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)")
        params.update(dict(zip(("west", "south", "east", "north"), f.bbox, strict=True)))
    if f.near:
        where.append(
            "ST_DWithin(t.geom::geography, "
            "ST_SetSRID(ST_MakePoint(:near_lon, :near_lat), 4326)::geography, :near_m)"
        )
        params.update(near_lon=f.near[0], near_lat=f.near[1], near_m=f.near[2])
    if f.ids:
        where.append("t.id = ANY(:ids)")
        params["ids"] = list(f.ids)
    if f.search and layer.name_column:
        where.append(f"{layer.name_column} LIKE :search")
        params["search"] = "%" + f.search.replace("%", r"\%").replace("_", r"\_") + "%"
    return where, params


def page(
    conn: Connection, layer: Layer, f: Filter, after: str | None, limit: int
) -> tuple[list[RowMapping], list[str], int]:
    """Rows after the keyset ``after``, their keys, and the total matching the filter."""
    where, params = _conditions(layer, f)
    base = f"FROM {layer.table} {layer.joins} WHERE {' AND '.join(where)}"
    total = conn.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
    keyed = base + (f" AND {layer.key} > :after" if after else "")
    rows = (
        conn.execute(
            text(
                f"SELECT {layer.columns}, {layer.key} AS _key {keyed} ORDER BY {layer.key} "
                "LIMIT :limit"
            ),
            {**params, "after": after, "limit": limit},
        )
        .mappings()
        .all()
    )
    return list(rows), [r["_key"] for r in rows], total
