"""Reading batches to locate from CSV files and writing the results as CSV or GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from gridmap.errors import InvalidInput
from gridmap.services.locate import (
    AddressNotFound,
    Located,
    LocateResult,
    OutsideJurisdiction,
    PointQuery,
)

ADDRESS_COLUMNS = ("address", "地址", "住址", "addr")
LON_COLUMNS = ("lon", "lng", "longitude", "经度", "x")
LAT_COLUMNS = ("lat", "latitude", "纬度", "y")
CRS_COLUMNS = ("crs", "坐标系")
OUT_COLUMNS = (
    "input",
    "status",
    "matched_address",
    "confidence",
    "level",
    "street_code",
    "street",
    "community_code",
    "community",
    "grid_code",
    "grid",
    "lon",
    "lat",
    "reason",
)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(f"{path}: not UTF-8 or GBK text")


def _column(header: list[str], names: Sequence[str]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def read_queries(path: Path) -> list[str] | list[PointQuery]:
    """Addresses (an address column) or points (lon/lat columns, optional crs) from a CSV."""
    rows = list(csv.reader(_read_text(path).splitlines()))
    if len(rows) < 2:
        raise InvalidInput(f"{path}: no rows after the header")
    header, body = rows[0], rows[1:]
    address = _column(header, ADDRESS_COLUMNS)
    if address is not None:
        return [row[address] if address < len(row) else "" for row in body]
    lon, lat = _column(header, LON_COLUMNS), _column(header, LAT_COLUMNS)
    if lon is None or lat is None:
        raise InvalidInput(
            f"{path}: needs an address column ({', '.join(ADDRESS_COLUMNS)}) "
            f"or lon/lat columns; found {', '.join(header)}"
        )
    crs = _column(header, CRS_COLUMNS)
    points = []
    for n, row in enumerate(body, start=2):
        try:
            points.append(
                PointQuery(
                    float(row[lon]), float(row[lat]), row[crs] if crs is not None else "WGS84"
                )
            )
        except (ValueError, IndexError):
            raise InvalidInput(f"{path}, row {n}: lon/lat are not numbers") from None
    return points


def _record(query: object, result: LocateResult) -> dict[str, object]:
    record: dict[str, object] = {
        "input": query if isinstance(query, str) else f"{query.x},{query.y},{query.crs}"
    }  # type: ignore[attr-defined]
    if isinstance(result, Located):
        p = result.place
        record.update(
            status="located",
            matched_address=result.matched_address,
            confidence=result.confidence,
            level=result.level,
            street_code=p.street_code,
            street=p.street_name,
            community_code=p.community_code,
            community=p.community_name,
            grid_code=p.grid_code,
            grid=p.grid_name,
            lon=result.lon,
            lat=result.lat,
        )
    elif isinstance(result, AddressNotFound):
        record.update(status="not_found", reason=result.reason)
    elif isinstance(result, OutsideJurisdiction):
        record.update(
            status="outside",
            lon=result.lon,
            lat=result.lat,
            reason=f"nearest grid {result.nearest_grid_code} at {result.distance_m:.0f} m",
        )
    return record


def write_results(path: Path, queries: Sequence[object], results: Sequence[LocateResult]) -> None:
    """Write one record per input row, in input order, to .csv or .geojson."""
    records = [_record(q, r) for q, r in zip(queries, results, strict=True)]
    if path.suffix.lower() == ".geojson":
        features = [
            {
                "type": "Feature",
                "properties": rec,
                "geometry": {"type": "Point", "coordinates": [rec["lon"], rec["lat"]]}
                if rec.get("lon") is not None
                else None,
            }
            for rec in records
        ]
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
            encoding="utf-8",
        )
        return
    if path.suffix.lower() != ".csv":
        raise InvalidInput(f"{path}: output must be .csv or .geojson")
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=OUT_COLUMNS)
        writer.writeheader()
        writer.writerows(records)
