"""The layers an import can bring in, each a small class: its columns, what the file must
give, the integrity checks it runs, and how its staged rows are written.

A new import layer is a new :class:`Importer` subclass registered in :data:`IMPORTERS`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from sqlalchemy import Connection

from gridmap.db import gazetteer, import_areas, import_points
from gridmap.db import imports as db
from gridmap.domain import matching
from gridmap.domain.address import normalize_text, parse_address
from gridmap.domain.hierarchy import CODE_LENGTH
from gridmap.errors import GridmapError, InvalidInput
from gridmap.services.io import fields, read
from gridmap.services.io.fields import Layer, Shape

MATCH_BATCH = 10_000  # household rows matched against the gazetteer per statement
Written = tuple[int, int, list[int] | None]  # inserted, updated, ids of the point rows
Errors = dict[int, tuple[str, str]]  # row index → (field, reason)


class Importer:
    """How one layer is imported (the defaults suit a layer of points or polygons)."""

    name: ClassVar[str]
    checks: ClassVar[tuple[str, ...]]  # gridmap check's rules to run on what came in
    walks_depend_on_it: ClassVar[bool] = False  # the walking caches are refreshed after it
    staged_extra: ClassVar[tuple[str, ...]] = ()  # staged beside the fields (extra_values)
    always_written: ClassVar[frozenset[str]] = frozenset()  # besides the file's columns

    @property
    def layer(self) -> Layer:
        return fields.layer(self.name)

    def require(self, source: read.Source, columns: dict[str, int]) -> None:
        """Refuse a file that lacks what this layer needs."""
        if self.layer.shape is not Shape.OPTIONAL_POINT and source.geometry_from == "none":
            raise InvalidInput(
                f"{source.path}: {self.name} need a geometry: give lon/lat columns (经度/纬度) "
                "or a WKT column, or use a GIS format (GeoJSON, Shapefile, GeoPackage)"
            )

    def normalise(self, values: dict[str, list[object]]) -> None:
        """Bring parsed cells to the form the database keeps (in place)."""

    def extra_values(
        self, conn: Connection, values: dict[str, list[object]], errors: Errors, n: int
    ) -> list[list[object]]:
        """Values of the ``staged_extra`` columns, one list per column."""
        return []

    def write(self, conn: Connection, present: set[str]) -> Written:
        raise NotImplementedError


class Streets(Importer):
    name = "streets"
    checks = ("geometry", "coverage")

    def write(self, conn: Connection, present: set[str]) -> Written:
        db.check_codes(conn, CODE_LENGTH["street"], None, 0)
        return (*import_areas.write_areas(conn, self.name, present), None)


class Communities(Importer):
    name = "communities"
    checks = ("geometry", "coverage")

    def write(self, conn: Connection, present: set[str]) -> Written:
        db.check_codes(conn, CODE_LENGTH["community"], "streets", CODE_LENGTH["street"])
        return (*import_areas.write_areas(conn, self.name, present), None)


class Grids(Importer):
    name = "grids"
    checks = ("geometry", "codes", "coverage", "buildings", "households")
    walks_depend_on_it = True

    def write(self, conn: Connection, present: set[str]) -> Written:
        db.check_codes(conn, CODE_LENGTH["grid"], "communities", CODE_LENGTH["community"])
        return (*import_areas.write_grids(conn, present), None)


class Stations(Importer):
    name = "stations"
    checks = ("stations",)
    walks_depend_on_it = True

    def write(self, conn: Connection, present: set[str]) -> Written:
        return import_points.write_stations(conn, present)


class Buildings(Importer):
    name = "buildings"
    checks = ("buildings",)
    walks_depend_on_it = True

    def normalise(self, values: dict[str, list[object]]) -> None:
        values["number"] = [_number(v, "栋") for v in values["number"]]

    def write(self, conn: Connection, present: set[str]) -> Written:
        return import_points.write_buildings(conn, present)


class Households(Importer):
    """Households are matched to their building through the gazetteer, by address text or by
    compound/building/unit/room columns; unit and room are always written (normalised)."""

    name = "households"
    checks = ("households",)
    walks_depend_on_it = True
    staged_extra = ("building_id",)
    always_written = frozenset({"unit", "room"})

    def require(self, source: read.Source, columns: dict[str, int]) -> None:
        super().require(source, columns)
        if "address" not in columns and not {"compound", "building", "room"} <= set(columns):
            raise InvalidInput(
                f"{source.path}: households need an address column (地址) or compound, "
                f"building and room columns (小区, 楼栋, 室); found {', '.join(source.header)}"
            )

    def extra_values(
        self, conn: Connection, values: dict[str, list[object]], errors: Errors, n: int
    ) -> list[list[object]]:
        return [_match_households(conn, values, errors, n)]

    def write(self, conn: Connection, present: set[str]) -> Written:
        return import_points.write_households(conn, present)


IMPORTERS: dict[str, Importer] = {
    i.name: i for i in (Streets(), Communities(), Grids(), Stations(), Buildings(), Households())
}


def importer(name: str) -> Importer:
    """The importer of layer ``name``, or a clear error listing the layers."""
    if name not in IMPORTERS:
        raise InvalidInput(f"unknown layer {name!r}; choose one of {', '.join(IMPORTERS)}")
    return IMPORTERS[name]


def _number(value: object, suffix: str) -> str | None:
    """A building, unit or room number as the gazetteer writes it: 三栋 → 3, 2单元 → 2."""
    return None if value is None else _normal_number(str(value), suffix)


@lru_cache(maxsize=65536)
def _normal_number(value: str, suffix: str) -> str | None:
    return normalize_text(value).removesuffix(suffix) or None


def _match_households(
    conn: Connection, values: dict[str, list[object]], errors: dict[int, tuple[str, str]], n: int
) -> list[int | None]:
    """The building of every household row, matched through the gazetteer (exact names,
    then trigram similarity); unit and room are normalised in place."""
    queries: dict[int, gazetteer.AddressQuery] = {}
    for i in range(n):
        if i in errors:
            continue
        community = values["community_name"][i]
        if values["compound"][i] and values["building"][i]:
            query = gazetteer.AddressQuery(
                str(community) if community else None,
                str(values["compound"][i]).strip(),
                _number(values["building"][i], "栋"),
                _number(values["unit"][i], "单元"),
                _number(values["room"][i], "室"),
            )
        elif values["address"][i]:
            try:
                p = parse_address(str(values["address"][i]))
            except GridmapError as exc:
                errors[i] = ("address", exc.message)
                continue
            query = gazetteer.AddressQuery(
                p.community or (str(community) if community else None),
                p.compound,
                p.building,
                p.unit,
                p.room,
            )
        else:
            errors[i] = ("address", "no address, and no compound and building")
            continue
        if not query.building or not query.room:
            errors[i] = ("room" if query.building else "building", "missing")
            continue
        values["unit"][i], values["room"][i] = query.unit, query.room
        queries[i] = query
    # Households of one stairwell share their building: match each (community, compound,
    # building, unit) once; rooms are matched to existing households in SQL.
    keys = {i: (q.community, q.compound, q.building, q.unit) for i, q in queries.items()}
    unique = list(dict.fromkeys(keys.values()))
    found_for: dict[tuple, tuple[int | None, str | None]] = {}  # type: ignore[type-arg]
    for start in range(0, len(unique), MATCH_BATCH):
        batch = unique[start : start + MATCH_BATCH]
        asked = [gazetteer.AddressQuery(*key, None) for key in batch]
        for key, query, candidates in zip(
            batch, asked, gazetteer.match_addresses(conn, asked), strict=True
        ):
            found_for[key] = _building(query, candidates)
    buildings: list[int | None] = [None] * n
    for i, key in keys.items():
        buildings[i], why = found_for[key]
        if why:
            errors[i] = ("address" if values["address"][i] else "building", why)
    return buildings


def _building(
    q: gazetteer.AddressQuery, candidates: list[gazetteer.Candidate]
) -> tuple[int | None, str | None]:
    """The one building a household row means, or why there is none."""
    ranked = matching.ranked(q, candidates)
    if not ranked:
        return None, f"no compound resembles {q.compound!r}"
    best = ranked[0][1]
    if best.building_id is None:
        return None, f"compound {best.compound} ({best.community}) has no building {q.building}"
    if not matching.is_confident([m.score for m, _ in ranked]):
        names = " or ".join(f"{c.compound} ({c.community})" for _, c in ranked[:2])
        return None, f"ambiguous: {names}; add a community column (社区)"
    return best.building_id, None
