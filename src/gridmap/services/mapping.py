"""Planner maps: gather an area's layers, render them, write ``maps/<level>-<code>.html``."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection

from gridmap.db import layers
from gridmap.domain.hierarchy import CIRCLE_KINDS, STATION_KINDS, area_level
from gridmap.domain.walking import check_minutes
from gridmap.errors import InvalidInput, NotFound, PermissionDenied
from gridmap.geo import crs
from gridmap.maps import render
from gridmap.services import audit, site_selection
from gridmap.services.scope import Scope
from gridmap.services.walking import walk_meters
from gridmap.settings import get_settings

log = logging.getLogger(__name__)
AUDIENCES = ("public", "staff")
BASEMAPS = ("osm", "amap")
STATION_MARGIN_M = 1000.0


def map_path(level: str, code: str, audience: str = "public", basemap: str = "osm") -> Path:
    """Where the map of an area is written: ``<level>-<code>[-staff][-amap].html``."""
    suffix = ("" if audience == "public" else f"-{audience}") + (
        "" if basemap == "osm" else f"-{basemap}"
    )
    return get_settings().maps_dir / f"{level}-{code}{suffix}.html"


def map_url(level: str, code: str) -> str:
    return f"/maps/{level}-{code}.html"


def make_map(
    scope: Scope,
    code: str,
    audience: str = "public",
    basemap: str = "osm",
    minutes: int = 15,
    suggest: int = 0,
    suggest_kind: str = "助餐点",
) -> Path:
    """Render and write the map of an area (district, street, community or grid).

    A staff map draws households, so it is only for callers who may see the whole area's; its
    layers are then read over every row, like a public map's aggregates."""
    level = area_level(code)
    if audience not in AUDIENCES:
        raise InvalidInput(f"audience must be one of {', '.join(AUDIENCES)}")
    if basemap not in BASEMAPS:
        raise InvalidInput(f"basemap must be one of {', '.join(BASEMAPS)}")
    check_minutes(minutes)
    if audience == "staff" and not scope.principal.sees_personal(code):
        raise PermissionDenied(f"a staff map of {code} shows households outside your area")
    with scope.unscoped() as conn:
        spec = _spec(scope, conn, level, code, audience, minutes, suggest, suggest_kind)
    if basemap == "amap":
        _to_gcj02(spec)
    spec.basemap = basemap
    path = map_path(level, code, audience, basemap)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render.render(spec), encoding="utf-8")
    log.info("wrote %s", path)
    if audience == "staff":
        scope.audit("wrote staff map", str(path))
    return path


def _spec(
    scope: Scope,
    conn: Connection,
    level: str,
    code: str,
    audience: str,
    minutes: int,
    suggest: int,
    suggest_kind: str,
) -> render.MapSpec:
    name = layers.area_name(conn, code)
    if name is None:
        raise NotFound(f"no {level} with code {code}")
    positions = list(audit.kind_positions(conn, CIRCLE_KINDS).values())
    meters = walk_meters(minutes)
    found = audit.coverage(scope, code, minutes, None, buildings=0)
    full = layers.grids(conn, code, positions, meters, personal=audience == "staff")
    households = sum(f["properties"]["households"] or 0 for f in full["features"])
    covered = sum(
        round((f["properties"]["ratio"] or 0) * (f["properties"]["households"] or 0))
        for f in full["features"]
    )
    ratio = covered / households if households else 1.0
    kinds = "，".join(f"{k.kind} {k.figures.ratio:.0%}" for k in found.area.by_kind)
    spec = render.MapSpec(
        title=f"{name}（{code}）15分钟便民服务圈 {minutes}-minute service circle",
        subtitle=f"{date.today().isoformat()} · {households:,} 户 · 15分钟圈全部可达 "
        f"({'、'.join(CIRCLE_KINDS)}) {ratio:.1%}<br>{kinds}",
        bounds=layers.area_bounds(conn, code),
        station_colours={k.code: k.color for k in STATION_KINDS},
    )
    spec.layers.append(
        (
            "街道 streets",
            layers.outlines(conn, "streets", code),
            {"style": render.outline("#333", 3)},
        )
    )
    spec.layers.append(
        (
            "社区 communities",
            layers.outlines(conn, "communities", code),
            {"style": render.outline("#666", 2)},
        )
    )
    spec.layers.append(
        ("网格 grids", full, {"style": render.GRID_STYLE, "popup": render.GRID_POPUP})
    )
    stations = layers.stations(conn, code, STATION_MARGIN_M)
    ids = [f["properties"]["id"] for f in stations["features"]]
    spec.layers.append(
        (
            f"{minutes}分钟服务范围 service areas",
            layers.service_areas(conn, ids, minutes, circle=False),
            {"style": render.AREA_STYLE, "popup": render.AREA_POPUP, "show": level != "district"},
        )
    )
    spec.layers.append(
        (
            "直线距离圆 straight-line circles",
            layers.service_areas(conn, ids, minutes, circle=True),
            {"style": render.CIRCLE_STYLE, "popup": render.AREA_POPUP, "show": False},
        )
    )
    if audience == "staff":
        everyone = layers.households(conn, code, positions, meters)
        for colour, label in render.LEGEND_ROWS:
            spec.layers.append(
                (
                    f"户 {label.split()[0]}",
                    _only(everyone, "c", colour),
                    {"point": render.HOUSEHOLD_POINT, "popup": render.HOUSEHOLD_POPUP},
                )
            )
        spec.layers.append(
            (
                "15分钟未覆盖户 uncovered households",
                _only(everyone, "u", True),
                {"point": render.UNCOVERED_POINT, "popup": render.HOUSEHOLD_POPUP},
            )
        )
    else:
        spec.layers.append(
            (
                "楼栋户数 households per building",
                layers.buildings(conn, code, positions, meters),
                {"point": render.BUILDING_POINT, "popup": render.BUILDING_POPUP},
            )
        )
    for kind in STATION_KINDS:
        chosen = _only(stations, "kind", kind.code)
        if chosen["features"]:
            spec.layers.append(
                (
                    f"站点 {kind.code}",
                    chosen,
                    {"point": render.station_point(kind.color), "popup": render.STATION_POPUP},
                )
            )
    if suggest:
        siting = site_selection.suggest(scope, code, suggest, minutes, suggest_kind)
        spec.layers.append(
            (
                f"建议新{suggest_kind} suggested sites",
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                            "properties": {
                                "rank": s.rank,
                                "added": s.households_added,
                                "ratio": s.ratio_after,
                            },
                        }
                        for s in siting.steps
                    ],
                },
                {"point": render.SITE_POINT, "popup": render.SITE_POPUP},
            )
        )
    return spec


def _only(collection: dict, key: str, value: Any) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [f for f in collection["features"] if f["properties"][key] == value],
    }


def _to_gcj02(spec: render.MapSpec) -> None:
    """Move every coordinate to GCJ-02 so that layers sit on 高德 tiles' streets."""
    arrays: list[list] = []

    def collect(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            arrays.append(coords)
        else:
            for c in coords:
                collect(c)

    for _, data, _ in spec.layers:
        for f in data["features"]:
            if f["geometry"]:
                collect(f["geometry"]["coordinates"])
    if arrays:
        lons, lats = np.array([a[0] for a in arrays]), np.array([a[1] for a in arrays])
        x, y = crs.from_wgs84_many(lons, lats, "GCJ02")
        for a, gx, gy in zip(arrays, x.tolist(), y.tolist(), strict=True):
            a[0], a[1] = round(gx, 6), round(gy, 6)
    (south, west), (north, east) = spec.bounds
    (gw, gs), (ge, gn) = crs.from_wgs84(west, south, "GCJ02"), crs.from_wgs84(east, north, "GCJ02")
    spec.bounds = [[gs, gw], [gn, ge]]


def write_all(scope: Scope) -> list[Path]:
    """The district map and every community map (what ``make run`` writes)."""
    codes = layers.area_codes(scope.conn, ("district", "community"))
    return [make_map(scope, code) for code in codes]


# The layers front ends fetch one at a time; ``households`` is personal data, the rest not.
LAYERS = ("grids", "stations", "service_areas", "circles", "buildings", "households")


def layer(scope: Scope, name: str, code: str, minutes: int = 15) -> dict[str, Any]:
    """One map layer of an area as a GeoJSON FeatureCollection (WGS84, ~1 m precision).

    ``households`` is personal data: read in the caller's row scope, and audited; the other
    layers are aggregates over every household."""
    if name not in LAYERS:
        raise InvalidInput(f"layer must be one of {', '.join(LAYERS)}, not {name!r}")
    area_level(code)
    check_minutes(minutes)
    if name == "households":
        scope.principal.require_personal("households")
        found = _layer(scope.conn, name, code, minutes)
        scope.audit("read household layer", f"{code}: {len(found['features'])}")
        return found
    with scope.unscoped() as conn:
        return _layer(conn, name, code, minutes)


def _layer(conn: Connection, name: str, code: str, minutes: int) -> dict[str, Any]:
    if layers.area_name(conn, code) is None:
        raise NotFound(f"no area with code {code}")
    positions = list(audit.kind_positions(conn, CIRCLE_KINDS).values())
    meters = walk_meters(minutes)
    if name == "grids":
        return layers.grids(conn, code, positions, meters, personal=False)
    if name == "buildings":
        return layers.buildings(conn, code, positions, meters)
    if name == "households":
        return layers.households(conn, code, positions, meters)
    stations = layers.stations(conn, code, STATION_MARGIN_M)
    if name == "stations":
        return stations
    ids = [f["properties"]["id"] for f in stations["features"]]
    return layers.service_areas(conn, ids, minutes, circle=name == "circles")
