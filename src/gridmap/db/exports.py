"""Export queries: one streamed SELECT per layer, its columns named as the importer reads
them, so that an exported file imports back unchanged.

Personal data is chosen by the caller: contact names and phones and the blue (sensitive)
household flags are selected only for ``staff``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, text

from gridmap.domain.hierarchy import BLUE_FLAGS, RED_FLAGS, YELLOW_FLAGS

DIGITS = 7  # decimals of a degree: ~1 cm, so that a round trip stays well within 1 m


@dataclass(frozen=True)
class Spec:
    columns: tuple[tuple[str, str], ...]  # (name, SQL expression)
    geom: str  # SQL expression of the geometry
    source: str  # FROM … WHERE …, with :area
    order: str
    staff_only: tuple[tuple[str, str], ...] = ()
    points: bool = False


_AROUND = "(t.code LIKE :area || '%' OR :area LIKE t.code || '%')"
_HOUSEHOLD_FLAGS = tuple((f, f"h.{f}") for f in RED_FLAGS + YELLOW_FLAGS)

SPECS = {
    "streets": Spec(
        (("code", "t.code"), ("name", "t.name"), ("district_code", "t.district_code")),
        "t.geom",
        f"streets t WHERE {_AROUND}",
        "t.code",
    ),
    "communities": Spec(
        (("code", "t.code"), ("name", "t.name"), ("street_code", "t.street_code")),
        "t.geom",
        f"communities t WHERE {_AROUND}",
        "t.code",
    ),
    "grids": Spec(
        (
            ("code", "t.code"),
            ("name", "t.name"),
            ("community_code", "t.community_code"),
            ("kind", "t.kind"),
            ("category", "t.category"),
            ("responsible_body", "t.responsible_body"),
            ("area_m2", "round(t.area_m2::numeric, 1)"),
            ("valid_from", "t.valid_from"),
        ),
        "t.geom",
        "grids t WHERE t.valid_to IS NULL AND t.code LIKE :area || '%'",
        "t.code",
    ),
    "stations": Spec(
        (
            ("id", "t.id"),
            ("name", "t.name"),
            ("kind", "t.kind"),
            ("address", "t.address"),
            ("services", "array_to_string(t.services, '、')"),
            ("opening_hours", "t.opening_hours"),
            ("community_code", "t.community_code"),
        ),
        "t.geom",
        "stations t WHERE coalesce(t.community_code, '') LIKE :area || '%'",
        "t.id",
        points=True,
    ),
    "buildings": Spec(
        (
            ("id", "t.id"),
            ("community_code", "cp.community_code"),
            ("compound", "cp.name"),
            ("number", "t.number"),
            ("floors", "t.floors"),
            ("grid_code", "g.code"),
        ),
        "t.geom",
        "buildings t JOIN grids g ON g.id = t.grid_id LEFT JOIN compounds cp "
        "ON cp.id = t.compound_id WHERE g.code LIKE :area || '%'",
        "t.id",
        points=True,
    ),
    "households": Spec(
        (
            ("id", "h.id"),
            ("community_name", "c.name"),
            ("compound", "cp.name"),
            ("building", "b.number"),
            ("unit", "u.number"),
            ("room", "h.room"),
            ("grid_code", "g.code"),
            ("residents", "h.residents"),
            *_HOUSEHOLD_FLAGS,
        ),
        "h.geom",
        "households h JOIN grids g ON g.id = h.grid_id JOIN communities c "
        "ON c.code = g.community_code JOIN buildings b ON b.id = h.building_id "
        "LEFT JOIN compounds cp ON cp.id = b.compound_id LEFT JOIN units u ON u.id = h.unit_id "
        "WHERE g.code LIKE :area || '%'",
        "h.id",
        staff_only=(
            *((f, f"h.{f}") for f in BLUE_FLAGS),
            ("contact_name", "h.contact_name"),
            ("contact_phone", "h.contact_phone"),
        ),
        points=True,
    ),
}


def columns(layer: str, personal: bool) -> list[str]:
    spec = SPECS[layer]
    return [name for name, _ in spec.columns + (spec.staff_only if personal else ())]


def rows(conn: Connection, layer: str, area: str, personal: bool) -> Iterator[dict]:  # type: ignore[type-arg]
    """The layer's rows in the area, streamed, each with ``lon``/``lat`` (points) or ``wkt``
    and ``geojson`` (the geometry as GeoJSON text)."""
    spec = SPECS[layer]
    chosen = spec.columns + (spec.staff_only if personal else ())
    select = ", ".join(f"{sql} AS {name}" for name, sql in chosen)
    geometry = (
        f"round(ST_X({spec.geom})::numeric, {DIGITS}) AS lon, "
        f"round(ST_Y({spec.geom})::numeric, {DIGITS}) AS lat"
        if spec.points
        else f"ST_AsText({spec.geom}, {DIGITS + 3}) AS wkt"
    )
    sql = (
        f"SELECT {select}, {geometry}, ST_AsGeoJSON({spec.geom}, {DIGITS}) AS geojson "
        f"FROM {spec.source} ORDER BY {spec.order}"
    )
    result = conn.execute(  # options of this statement only: the connection goes on as it was
        text(sql), {"area": area}, execution_options={"stream_results": True, "yield_per": 5000}
    )
    for row in result.mappings():
        yield dict(row)
