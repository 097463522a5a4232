"""Reading the files districts have: CSV (UTF-8 or GBK) and, through pyogrio (GDAL's
drivers), GeoJSON, Shapefile with its ``.prj``, GeoPackage and Esri JSON.

A file is read as a header and a stream of column-major chunks, so that a million-row
register never sits in memory as a million Python rows.  Geometries stay in the file's CRS
here; conversion is the importer's job.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from gridmap.errors import InvalidInput
from gridmap.services.io.fields import LAT_COLUMNS, LON_COLUMNS, WKT_COLUMNS, find_column
from gridmap.services.locate_files import _read_text as read_text

CHUNK_ROWS = 50_000
GIS_SUFFIXES = (".geojson", ".json", ".shp", ".gpkg", ".esrijson", ".zip")


@dataclass
class Chunk:
    """Consecutive records: their file row numbers, cells by column, geometries."""

    rows: list[int]
    cells: list[list[object]]  # cells[column][i]
    geoms: np.ndarray  # shapely geometries (None where a record has none), file CRS
    geom_errors: dict[int, tuple[str, str]] = field(default_factory=dict)  # i → (field, why)


@dataclass
class Source:
    path: Path
    header: list[str]
    crs: str | None  # the CRS the file declares (.prj, GeoPackage, GeoJSON), if any
    total: int  # records, for the progress bar
    chunks: Iterator[Chunk]
    geometry_from: str  # "lon/lat columns", "WKT column", "geometry" or "none"


def open_source(path: Path, mapping: dict[str, str] | None = None) -> Source:
    """Open ``path`` by its suffix: CSV here, everything else through GDAL.  ``mapping``
    (source column → field) may name a CSV's ``lon``, ``lat`` or ``wkt`` column."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InvalidInput(f"{path}: the file is empty")
    if path.suffix.lower() in (".csv", ".txt"):
        return _csv(path, mapping or {})
    return _gis(path)


def _csv(path: Path, mapping: dict[str, str]) -> Source:
    text = read_text(path)
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise InvalidInput(f"{path}: the file is empty (no header row)")
    total = max(text.count("\n") - 1, 0)
    named = {target: (source,) for source, target in mapping.items()}
    lon = find_column(header, named.get("lon", LON_COLUMNS))
    lat = find_column(header, named.get("lat", LAT_COLUMNS))
    wkt = find_column(header, named.get("wkt", WKT_COLUMNS))
    how = (
        "lon/lat columns"
        if lon is not None and lat is not None
        else ("WKT column" if wkt is not None else "none")
    )

    def chunks() -> Iterator[Chunk]:
        rows: list[list[str]] = []
        numbers: list[int] = []
        for n, row in enumerate(reader, start=2):  # row 1 is the header, as in a spreadsheet
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not records
            rows.append(row)
            numbers.append(n)
            if len(rows) >= CHUNK_ROWS:
                yield _csv_chunk(rows, numbers, header, lon, lat, wkt)
                rows, numbers = [], []
        if rows:
            yield _csv_chunk(rows, numbers, header, lon, lat, wkt)

    return Source(path, header, None, total, chunks(), how)


def _csv_chunk(
    rows: list[list[str]],
    numbers: list[int],
    header: list[str],
    lon: int | None,
    lat: int | None,
    wkt: int | None,
) -> Chunk:
    width = len(header)
    padded = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in rows]
    cells = [list(col) for col in zip(*padded, strict=True)]
    errors: dict[int, tuple[str, str]] = {}
    geoms = np.full(len(rows), None, dtype=object)
    if lon is not None and lat is not None:
        xs, ys = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        for i, (x, y) in enumerate(zip(cells[lon], cells[lat], strict=True)):
            if not str(x).strip() and not str(y).strip():
                continue  # no point: households may still be placed at their building
            for name, value, target in ((header[lon], x, xs), (header[lat], y, ys)):
                try:
                    target[i] = float(str(value).strip())
                except ValueError:
                    errors[i] = (name, f"{str(value)[:30]!r} is not a number")
        ok = np.isfinite(xs) & np.isfinite(ys)
        geoms[ok] = shapely.points(xs[ok], ys[ok])
    elif wkt is not None:
        texts = np.array([c.strip() or None for c in cells[wkt]], dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            geoms = shapely.from_wkt(texts, on_invalid="ignore")
        for bad in np.flatnonzero(shapely.is_missing(geoms) & (texts != None)).tolist():  # noqa: E711
            errors[bad] = (header[wkt], f"{str(texts[bad])[:30]!r}… is not WKT geometry")
    return Chunk(numbers, cells, geoms, errors)


def _gis(path: Path) -> Source:
    try:
        meta, _, wkb, data = pyogrio.raw.read(path, datetime_as_string=True)
    except (DataSourceError, DataLayerError, FieldError, GeometryError) as exc:
        raise InvalidInput(f"{path}: cannot read it as GIS data ({_first_line(exc)})") from None
    header = [str(name) for name in meta["fields"]]
    n = len(wkb) if wkb is not None else (len(data[0]) if data else 0)
    if n == 0:
        raise InvalidInput(f"{path}: the file holds no features")
    geoms = (
        shapely.from_wkb(wkb, on_invalid="ignore")
        if wkb is not None
        else np.full(n, None, dtype=object)
    )
    cells = [[_cell(v) for v in column] for column in data]

    def chunks() -> Iterator[Chunk]:
        for start in range(0, n, CHUNK_ROWS):
            stop = min(n, start + CHUNK_ROWS)
            yield Chunk(
                list(range(start + 1, stop + 1)),
                [c[start:stop] for c in cells],
                geoms[start:stop],
            )

    return Source(path, header, meta.get("crs"), n, chunks(), "geometry")


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
