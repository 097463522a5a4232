"""``gridmap export``: a layer of an area as GeoJSON or CSV, written as it streams.

Households are personal data: the ``public`` audience (the default) gets no contact names or
phones and none of the blue flags (hardship, subsistence, elderly living alone, disabled);
``staff`` gets them all.  Columns carry the names the importer reads, so a file exported
here imports back unchanged (coordinates to 7 decimals, about a centimetre).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from gridmap.db import exports as db
from gridmap.domain.hierarchy import area_level
from gridmap.errors import InvalidInput
from gridmap.services.scope import Scope

FORMATS = ("geojson", "csv")
AUDIENCES = ("public", "staff")


def export_layer(
    scope: Scope,
    layer: str,
    out: TextIO,
    fmt: str = "geojson",
    area: str | None = None,
    audience: str = "public",
) -> int:
    """Write the layer's rows in ``area`` (None: all) to ``out``; return how many.

    Rows are read in the caller's row scope; the ``staff`` audience adds names, phones and
    blue flags, for callers who may read personal data, and is audited."""
    if layer not in db.SPECS:
        raise InvalidInput(f"unknown layer {layer!r}; choose one of {', '.join(db.SPECS)}")
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if audience not in AUDIENCES:
        raise InvalidInput(f"unknown audience {audience!r}; choose one of {', '.join(AUDIENCES)}")
    if area:
        area_level(area)
    personal = audience == "staff"
    if personal:
        scope.principal.require_personal("staff exports")
    rows = db.rows(scope.conn, layer, area or "", personal)
    names = db.columns(layer, personal)
    if fmt == "csv":
        n = _csv(out, rows, names + (["lon", "lat"] if db.SPECS[layer].points else ["wkt"]))
    else:
        n = _geojson(out, rows, names)
    if personal and layer == "households":
        where = getattr(out, "name", "a stream")
        scope.audit("exported households with personal data", f"{n:,} rows → {where}")
    return n


def default_path(layer: str, fmt: str, area: str | None, audience: str) -> Path:
    suffix = "" if audience == "public" else f"-{audience}"
    return Path(f"{layer}{'-' + area if area else ''}{suffix}.{fmt}")


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv(out: TextIO, rows, names: list[str]) -> int:  # type: ignore[no-untyped-def]
    writer = csv.writer(out)
    writer.writerow(names)
    n = 0
    for row in rows:
        writer.writerow(["" if row[k] is None else _plain(row[k]) for k in names])
        n += 1
    return n


def _geojson(out: TextIO, rows, names: list[str]) -> int:  # type: ignore[no-untyped-def]
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for row in rows:
        properties = json.dumps({k: _plain(row[k]) for k in names}, ensure_ascii=False)
        out.write(
            ("" if n == 0 else ",\n") + '{"type": "Feature", "geometry": '
            f'{row["geojson"]}, "properties": {properties}}}'
        )
        n += 1
    out.write("\n]}\n")
    return n
