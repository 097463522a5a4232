"""A hand-built district for the import/export/check tests, and writers of sample files in
every format the importer reads.

The world sits in 东城区, Beijing (110101), around the point whose GCJ-02 and BD-09
coordinates are published with its true WGS84 position (116.404, 39.915), so that those
conversions are checked against outside values, not against gridmap itself.

Street 110101001 is the square x, y ∈ [-1000, 1000] m around (116.40, 39.91); community
001 is its west half, 002 its east half; grids 001 (north) and 002 (south) tile community
001, grid 001 tiles community 002.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyproj import CRS as ProjCRS
from sqlalchemy import Connection

from gridmap.geo import crs
from gridmap.services.io.importing import import_file
from tests.helpers import as_admin

LON0, LAT0 = 116.40, 39.91
M_LON = 111_320.0 * math.cos(math.radians(LAT0))
M_LAT = 110_574.0
TRUE_WGS84 = (116.404, 39.915)  # the published point
GCJ02 = (116.41024449916938, 39.91640428150164)  # its GCJ-02 coordinates
BD09 = (116.41662724378733, 39.922699552216216)  # its BD-09 coordinates
# A local Gauss-Krüger variant with its own central meridian and a false northing.
LOCAL_GK = (
    "+proj=tmerc +lat_0=0 +lon_0=116.5 +k=1 +x_0=500000 +y_0=-3000000 +ellps=GRS80 "
    "+units=m +no_defs"
)


def lonlat(x: float, y: float) -> tuple[float, float]:
    return LON0 + x / M_LON, LAT0 + y / M_LAT


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A rectangle given in metres, in WGS84."""
    corners = [lonlat(x0, y0), lonlat(x1, y0), lonlat(x1, y1), lonlat(x0, y1)]
    return shapely.Polygon(corners)


STREETS = [("110101001", "东华门街道", box(-1000, -1000, 1000, 1000))]
COMMUNITIES = [
    ("110101001001", "西华社区", box(-1000, -1000, 0, 1000)),
    ("110101001002", "东华社区", box(0, -1000, 1000, 1000)),
]
GRIDS = [
    ("110101001001001", "西一网格", box(-1000, 0, 0, 1000)),
    ("110101001001002", "西二网格", box(-1000, -1000, 0, 0)),
    ("110101001002001", "东一网格", box(0, -1000, 1000, 1000)),
]


def write_gis(
    path: Path,
    driver: str,
    geoms: list[shapely.Geometry | None],
    columns: dict[str, list],
    crs: str | None = "EPSG:4326",
) -> Path:
    """A GeoJSON, Shapefile (+ .prj from ``crs``) or GeoPackage file, written by GDAL."""
    names = list(columns)
    data = [np.array(columns[n], dtype=object) for n in names]
    wkb = np.array(shapely.to_wkb(np.array(geoms, dtype=object)), dtype=object)
    kinds = {shapely.get_type_id(g) for g in geoms if g is not None}
    geometry_type = "Unknown" if len(kinds) != 1 else shapely.GeometryType(kinds.pop()).name
    geometry_type = geometry_type.title().replace("Multipolygon", "MultiPolygon")
    wkt = ProjCRS.from_user_input(crs).to_wkt() if crs else None
    pyogrio.raw.write(
        path,
        wkb,
        data,
        names,
        driver=driver,
        geometry_type=geometry_type,
        crs=wkt,
        encoding="UTF-8",
    )
    return path


def write_geojson(path: Path, geoms: list, columns: dict[str, list]) -> Path:
    """GeoJSON by hand (any geometry, even invalid ones GDAL would refuse to write)."""
    names = list(columns)
    features = [
        {
            "type": "Feature",
            "geometry": None
            if g is None
            else (g if isinstance(g, dict) else json.loads(shapely.to_geojson(g))),
            "properties": {n: columns[n][i] for n in names},
        }
        for i, g in enumerate(geoms)
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def write_esrijson(
    path: Path, points: list[tuple[float, float]], columns: dict[str, list], wkid: int = 4326
) -> Path:
    """An Esri JSON FeatureSet of points (what ArcGIS REST services return)."""
    names = list(columns)
    features = [
        {"geometry": {"x": x, "y": y}, "attributes": {n: columns[n][i] for n in names}}
        for i, (x, y) in enumerate(points)
    ]
    body = {
        "geometryType": "esriGeometryPoint",
        "spatialReference": {"wkid": wkid},
        "fields": [{"name": n, "type": "esriFieldTypeString", "alias": n} for n in names],
        "features": features,
    }
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two lon/lat points, in metres (local flat approximation)."""
    return math.hypot((a[0] - b[0]) * M_LON, (a[1] - b[1]) * M_LAT)


ROADS = [  # polylines in metres: a cross and a ring road, noded at shared vertices
    ((-1000.0, 0.0), (0.0, 0.0), (340.0, 0.0), (1000.0, 0.0)),
    ((0.0, -1000.0), (0.0, 0.0), (0.0, 1000.0)),
    ((340.0, -1000.0), (340.0, 0.0), (340.0, 555.0), (340.0, 1000.0)),
    ((-500.0, -1000.0), (-500.0, 1000.0)),
]


def add_roads(conn) -> None:  # type: ignore[no-untyped-def]
    """Insert ``ROADS`` as road nodes and edges (one statement each)."""
    from sqlalchemy import text

    nodes: dict[tuple[float, float], int] = {}
    edges = []
    for line in ROADS:
        for a, b in zip(line, line[1:], strict=False):
            for p in (a, b):
                nodes.setdefault(p, len(nodes) + 1)
            edges.append((nodes[a], nodes[b], *lonlat(*a), *lonlat(*b), math.dist(a, b)))
    conn.execute(
        text(
            "INSERT INTO road_nodes SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) "
            "FROM unnest(CAST(:i AS bigint[]), CAST(:x AS float8[]), CAST(:y AS float8[])) "
            "AS n(i, x, y)"
        ),
        {
            "i": list(nodes.values()),
            "x": [lonlat(*p)[0] for p in nodes],
            "y": [lonlat(*p)[1] for p in nodes],
        },
    )
    conn.execute(
        text("""INSERT INTO road_edges (id, source, target, length_m, cost, reverse_cost, geom)
                SELECT n, s, t, l, l, l, ST_SetSRID(ST_MakeLine(ST_MakePoint(ax, ay),
                                                                ST_MakePoint(bx, by)), 4326)
                FROM unnest(CAST(:s AS bigint[]), CAST(:t AS bigint[]), CAST(:ax AS float8[]),
                            CAST(:ay AS float8[]), CAST(:bx AS float8[]), CAST(:by AS float8[]),
                            CAST(:l AS float8[])) WITH ORDINALITY AS e(s, t, ax, ay, bx, by, l, n)
             """),
        {k: [e[i] for e in edges] for i, k in enumerate(("s", "t", "ax", "ay", "bx", "by", "l"))},
    )


def to_crs(geom: shapely.Geometry, to: str) -> shapely.Geometry:
    """``geom`` (WGS84) with its coordinates in ``to``."""

    def convert(xy):  # type: ignore[no-untyped-def]
        import numpy as np

        return np.column_stack(crs.from_wgs84_many(xy[:, 0], xy[:, 1], to))

    return shapely.transform(geom, convert)


def load_areas(conn: Connection, folder: Path) -> None:
    """Streets (GeoJSON, WGS84), communities (Shapefile in a local Gauss-Krüger variant
    with a false northing, read from its .prj) and grids (GeoPackage, CGCS2000)."""
    streets = write_geojson(
        folder / "streets.geojson",
        [s[2] for s in STREETS],
        {
            "街道编码": [s[0] for s in STREETS],
            "街道名称": [s[1] for s in STREETS],
            "区县": ["东城区"],
        },
    )
    communities = write_gis(
        folder / "communities.shp",
        "ESRI Shapefile",
        [to_crs(c[2], LOCAL_GK) for c in COMMUNITIES],
        {"code": [c[0] for c in COMMUNITIES], "name": [c[1] for c in COMMUNITIES]},
        crs=LOCAL_GK,
    )
    grids = write_gis(
        folder / "grids.gpkg",
        "GPKG",
        [g[2] for g in GRIDS],
        {"网格编码": [g[0] for g in GRIDS], "网格名称": [g[1] for g in GRIDS]},
        crs="EPSG:4490",
    )
    for layer, path in (("streets", streets), ("communities", communities), ("grids", grids)):
        report = as_admin(conn, import_file, layer, path, strict=True)
        assert report.inserted == report.rows and not report.rejected, (layer, report)


def buildings_and_households(conn: Connection, folder: Path) -> None:
    gcj = [crs.from_wgs84(*lonlat(-300 - 40 * i, 300), "GCJ02") for i in range(3)]
    buildings = write_csv(
        folder / "buildings.csv",
        ["小区", "楼栋", "层数", "经度", "纬度"],
        [["锦绣花园", n, 6, *xy] for n, xy in zip(["1栋", "２", "三幢"], gcj, strict=True)],
    )
    report = as_admin(conn, import_file, "buildings", buildings, crs="GCJ02", strict=True)
    assert report.inserted == 3 and not report.findings
    households = write_csv(
        folder / "households.csv",
        ["地址", "人数", "低保户", "党员户", "联系人", "联系电话"],
        [
            ["西华社区锦绣花园1栋2单元301", 3, "是", "", "张三", "13800000001"],
            ["锦绣花园２栋101室", 1, "", "是", "李四", "13800000002"],
            ["锦绣花园3-1-402", 2, "否", "否", "", ""],
            ["幸福家园9栋101", 2, "", "", "", ""],
        ],
        encoding="gbk",
    )
    report = as_admin(conn, import_file, "households", households)
    assert report.inserted == 3
    assert [(r.row, r.field) for r in report.rejected] == [(5, "address")]
    assert "幸福家园" in report.rejected[0].reason
