"""``gridmap import LAYER FILE``: bring a district's own files in, one transaction a file.

Reading and converting happen here, in chunks: cells are parsed to their field's type,
coordinates are checked for plausibility (a file in metres declared as degrees, or GCJ-02
outside China, is refused with the likely CRS) and converted to WGS84 with
``gridmap.geo.crs``; household rows are matched to their building through the gazetteer
(address text or compound/building/unit/room columns).  The chunks are COPYed into a staging
table where ``db/imports.py`` validates and writes them set by set.  Then the integrity
checks run on what came in, and the walking caches are refreshed as after loading the demo.

``strict``: any rejected row rejects the file.  ``dry_run``: everything runs, inside a
savepoint that is rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import Connection

from gridmap.db import imports as db
from gridmap.db.imports import Rejected
from gridmap.db.integrity import Finding
from gridmap.errors import GridmapError, InvalidInput
from gridmap.geo import crs as crs_mod
from gridmap.services.io import checking, fields, read
from gridmap.services.io.layers import Importer, importer
from gridmap.services.planning import refresh_caches
from gridmap.services.scope import maintenance
from gridmap.settings import get_settings

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what, rows done, rows in all)
SHOWN = 10  # rejected rows named in a strict import's error


@dataclass
class ImportReport:
    path: Path
    layer: str
    crs: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    repaired: list[Rejected] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dry_run: bool = False
    refreshed: bool = False

    def where(self, item: Rejected) -> str:
        """``file, row n, field``: where a rejected row is, for people to find it."""
        return f"{self.path.name}, row {item.row}" + (f", {item.field}" if item.field else "")


@maintenance("importing files")
def import_file(
    conn: Connection,
    layer_name: str,
    path: Path,
    *,
    crs: str | None = None,
    map_fields: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    refresh: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` into ``layer_name`` in the unit's transaction; return what happened.

    Raises :class:`InvalidInput` for a file that cannot be imported at all (unreadable,
    empty, missing columns, implausible coordinates) and, with ``strict``, for any rejected
    row; the caller's transaction must then be rolled back (nothing of the file remains).
    """
    layer = importer(layer_name)
    target = layer.layer
    mapping = fields.parse_mapping(map_fields)
    source = read.open_source(path, mapping)
    columns = fields.match_columns(target, source.header, mapping, str(path))
    layer.require(source, columns)
    name = _source_crs(crs, source)
    report = ImportReport(path, layer_name, name, dry_run=dry_run)
    savepoint = conn.begin_nested()
    try:
        present = set(columns) | layer.always_written
        db.create_staging(conn, layer_name, [(f.name, f.kind.value) for f in target.fields])
        names = [f.name for f in target.fields]
        copy_columns = ["row_no", "field", "reason", "geom", *names, *layer.staged_extra]
        for chunk in source.chunks:
            rows = _prepare(conn, layer, chunk, columns, name, path)
            db.stage(conn, copy_columns, rows)
            report.rows += len(chunk.rows)
            if progress:
                progress(f"reading {path.name}", report.rows, max(source.total, report.rows))
        if report.rows == 0:
            raise InvalidInput(f"{path}: no rows after the header")
        db.analyze(conn)
        if progress:
            progress("validating and writing", report.rows, report.rows)
        db.check_geometries(conn, target.shape.value, get_settings().repair_max_area_change)
        report.inserted, report.updated, ids = layer.write(conn, present)
        report.rejected, report.repaired = db.rejected(conn), db.repaired(conn)
        if strict and report.rejected:
            raise InvalidInput(_strict_message(report))
        communities = db.touched_communities(conn, layer_name)
        if communities:
            if progress:
                progress("checking integrity", report.rows, report.rows)
            point_ids = {layer_name: ids} if ids is not None else None
            report.findings = checking.findings(
                conn, checking.patterns_for(communities), layer.checks, point_ids
            )
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
        return report
    savepoint.commit()
    if refresh and layer.walks_depend_on_it and (report.inserted or report.updated):
        say = (lambda step: progress(step, 0, 0)) if progress else None
        report.refreshed = refresh_caches(conn, say).ready
    return report


def _strict_message(report: ImportReport) -> str:
    shown = "; ".join(f"{report.where(r)}: {r.reason}" for r in report.rejected[:SHOWN])
    more = len(report.rejected) - SHOWN
    return (
        f"{report.path}: {len(report.rejected):,} of {report.rows:,} rows rejected, so nothing "
        f"was imported (--strict): {shown}" + (f" … and {more:,} more" if more > 0 else "")
    )


def _source_crs(crs: str | None, source: read.Source) -> str:
    """The CRS given on the command line, else the file's own, else WGS84."""
    if crs:
        return crs_mod.parse_crs(crs)
    if source.crs:
        try:
            return crs_mod.parse_crs(source.crs)
        except GridmapError as exc:
            raise InvalidInput(
                f"{source.path}: its CRS is not usable ({exc}); give --crs"
            ) from None
    return crs_mod.CRS.WGS84.value


def _convert(chunk: read.Chunk, name: str, path: Path) -> list[str | None]:
    """The chunk's geometries in WGS84 as EWKB hex, after the plausibility check; a row
    whose geometry converts outside China is marked in ``chunk.geom_errors``."""
    geoms = shapely.force_2d(chunk.geoms)
    coords = shapely.get_coordinates(geoms)
    if coords.size:
        try:
            crs_mod.check_plausible(coords[:, 0], coords[:, 1], name)
        except InvalidInput as exc:
            raise InvalidInput(f"{path}: {exc.message}") from None
        if name not in (crs_mod.CRS.WGS84, crs_mod.CRS.CGCS2000):

            def to_wgs84(xy: np.ndarray) -> np.ndarray:
                return np.column_stack(crs_mod.to_wgs84_many(xy[:, 0], xy[:, 1], name))

            geoms = shapely.transform(geoms, to_wgs84)
        west, south, east, north = crs_mod.CHINA
        box = shapely.bounds(geoms)
        outside = (
            (box[:, 0] < west) | (box[:, 2] > east) | (box[:, 1] < south) | (box[:, 3] > north)
        )
        for i in np.flatnonzero(outside):
            chunk.geom_errors.setdefault(
                int(i), ("geometry", f"lies outside China when read as {name[:40]}")
            )
    geoms = shapely.set_srid(geoms, 4326)
    return list(shapely.to_wkb(geoms, hex=True, include_srid=True))


def _prepare(
    conn: Connection,
    layer: Importer,
    chunk: read.Chunk,
    columns: dict[str, int],
    crs_name: str,
    path: Path,
) -> list[list[object]]:
    """Rows for the staging table: typed cells, WGS84 geometry and the first reason each
    row is rejected for (None: so far valid)."""
    target, n = layer.layer, len(chunk.rows)
    wkb = _convert(chunk, crs_name, path)
    errors = dict(chunk.geom_errors)
    values: dict[str, list[object]] = {}
    for f in target.fields:
        index = columns.get(f.name)
        if index is None:
            values[f.name] = [None] * n
            continue
        parsed: list[object] = []
        for i, raw in enumerate(chunk.cells[index]):
            try:
                value = fields.parse_value(f.kind, raw)
            except ValueError as exc:
                errors.setdefault(i, (f.name, str(exc)))
                value = None
            if value is None and f.required:
                errors.setdefault(i, (f.name, "empty"))
            parsed.append(value)
        values[f.name] = parsed
    layer.normalise(values)
    extra = layer.extra_values(conn, values, errors, n)
    names = [f.name for f in target.fields]
    rows = []
    for i in range(n):
        field_name, reason = errors.get(i, (None, None))
        rows.append(
            [chunk.rows[i], field_name, reason, wkb[i], *(values[k][i] for k in names)]
            + [e[i] for e in extra]
        )
    return rows
