"""Coordinate systems used in China, and conversion to and from WGS84.

GCJ-02 (高德/腾讯) and BD-09 (百度) are obfuscated datums PROJ does not know: they are
implemented here (vectorised with numpy; GCJ-02 → WGS84 inverted iteratively to well under
a millimetre).  CGCS2000 geographic is treated as WGS84 (they differ by under a metre);
projected systems (Gauss-Krüger zones, local variants) go through pyproj.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from functools import lru_cache

import numpy as np
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import CRSError

from gridmap.errors import InvalidInput


class CRS(StrEnum):
    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"
    CGCS2000 = "CGCS2000"


_ALIASES = {
    "wgs84": CRS.WGS84,
    "epsg4326": CRS.WGS84,
    "4326": CRS.WGS84,
    "gps": CRS.WGS84,
    "gcj02": CRS.GCJ02,
    "amap": CRS.GCJ02,
    "gaode": CRS.GCJ02,
    "高德": CRS.GCJ02,
    "tencent": CRS.GCJ02,
    "腾讯": CRS.GCJ02,
    "火星": CRS.GCJ02,
    "bd09": CRS.BD09,
    "bd09ll": CRS.BD09,
    "baidu": CRS.BD09,
    "百度": CRS.BD09,
    "cgcs2000": CRS.CGCS2000,
    "epsg4490": CRS.CGCS2000,
    "4490": CRS.CGCS2000,
}
ACCEPTED = "WGS84, GCJ02, BD09, CGCS2000, EPSG:nnnn, a PROJ string (+proj=…) or WKT"
CHINA = (73.4, 3.8, 135.1, 53.6)  # rough national bounding box: west, south, east, north

_A = 6378245.0  # Krasovsky 1940, as used by GCJ-02
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def parse_crs(value: str | None) -> str:
    """Normalise a user's CRS name: a member of :class:`CRS`, ``EPSG:n``, PROJ or WKT."""
    if value is None or not value.strip():
        return CRS.WGS84.value
    text = value.strip()
    if text.startswith("+proj=") or text.upper().startswith(("PROJCS[", "PROJCRS[", "GEOGCS[")):
        _transformer(text)  # validates
        return text
    key = re.sub(r"[\s_:\-]", "", text).lower()
    if key in _ALIASES:
        return _ALIASES[key].value
    match = re.fullmatch(r"(?:epsg)?(\d{4,5})", key)
    if match:
        code = f"EPSG:{match.group(1)}"
        _transformer(code)
        return code
    raise InvalidInput(f"unknown CRS {value!r}; use one of {ACCEPTED}")


@lru_cache(maxsize=32)
def _transformer(crs: str) -> Transformer:
    try:
        source = ProjCRS.from_user_input(crs)
    except CRSError as exc:
        raise InvalidInput(f"unknown CRS {crs!r}: {exc}; use one of {ACCEPTED}") from None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def _gcj_to_wgs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(8):  # fixed point: converges to ~1e-9 degrees in a few steps
        glon, glat = _wgs_to_gcj(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _arrays(xs, ys) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def to_wgs84_many(xs, ys, crs: str = "WGS84") -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Vectorised conversion of coordinates in ``crs`` to WGS84 longitude/latitude."""
    x, y = _arrays(xs, ys)
    name = parse_crs(crs)
    if name in (CRS.WGS84, CRS.CGCS2000):
        return x, y
    if name == CRS.GCJ02:
        return _gcj_to_wgs(x, y)
    if name == CRS.BD09:
        return _gcj_to_wgs(*_bd_to_gcj(x, y))
    lon, lat = _transformer(name).transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def from_wgs84_many(lons, lats, crs: str) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Vectorised conversion of WGS84 longitude/latitude to ``crs``."""
    lon, lat = _arrays(lons, lats)
    name = parse_crs(crs)
    if name in (CRS.WGS84, CRS.CGCS2000):
        return lon, lat
    if name == CRS.GCJ02:
        return _wgs_to_gcj(lon, lat)
    if name == CRS.BD09:
        return _gcj_to_bd(*_wgs_to_gcj(lon, lat))
    x, y = _transformer(name).transform(lon, lat, direction="INVERSE")
    return np.asarray(x), np.asarray(y)


def to_wgs84(x: float, y: float, crs: str = "WGS84") -> tuple[float, float]:
    lon, lat = to_wgs84_many([x], [y], crs)
    return float(lon[0]), float(lat[0])


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    x, y = from_wgs84_many([lon], [lat], crs)
    return float(x[0]), float(y[0])


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    return from_wgs84(lon, lat, "GCJ02")


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return to_wgs84(lon, lat, "GCJ02")


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return from_wgs84(lon, lat, "BD09")


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return to_wgs84(lon, lat, "BD09")


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    x, y = _gcj_to_bd(*_arrays([lon], [lat]))
    return float(x[0]), float(y[0])


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = _bd_to_gcj(*_arrays([lon], [lat]))
    return float(x[0]), float(y[0])


def _in_china(lon: float, lat: float) -> bool:
    west, south, east, north = CHINA
    return west <= lon <= east and south <= lat <= north


def validate_lonlat(lon: float, lat: float, *, where: str = "point") -> None:
    """Refuse geographic coordinates that cannot be a place in China, saying why."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(f"{where}: coordinates must be finite numbers, got ({lon}, {lat})")
    if not _in_china(lon, lat) and _in_china(lat, lon):
        raise InvalidInput(
            f"{where}: ({lon}, {lat}) looks like longitude and latitude are "
            "swapped; longitude comes first"
        )
    if abs(lon) > 180 or abs(lat) > 90:
        if abs(lon) > 1000 or abs(lat) > 1000:
            raise InvalidInput(
                f"{where}: ({lon}, {lat}) looks like projected coordinates in metres; give its "
                "CRS, e.g. EPSG:4549 (CGCS2000 3-degree Gauss-Krüger CM 120E)"
            )
        raise InvalidInput(
            f"{where}: longitude must be within ±180 and latitude within ±90, got ({lon}, {lat})"
        )
    if not _in_china(lon, lat):
        raise InvalidInput(f"{where}: ({lon}, {lat}) is outside China")


def guess_crs(xs, ys) -> str | None:  # type: ignore[no-untyped-def]
    """A likely CRS for a sample of coordinates, as advice for the user (or None)."""
    x, y = _arrays(xs, ys)
    x, y = x[np.isfinite(x) & np.isfinite(y)], y[np.isfinite(x) & np.isfinite(y)]
    if x.size == 0:
        return None
    mx, my = float(np.median(x)), float(np.median(y))
    if _in_china(mx, my):
        return "WGS84/GCJ02/BD09 (geographic degrees)"
    if _in_china(my, mx):
        return "geographic degrees with longitude and latitude swapped"
    if 1e7 <= mx < 1e8 and 2e5 <= my <= 6.5e6:
        zone = int(mx // 1e6)
        if 25 <= zone <= 45:
            return (
                f"CGCS2000 3-degree Gauss-Krüger with zone prefix, "
                f"e.g. EPSG:{4513 + zone - 25} (zone {zone})"
            )
    if 1e5 <= mx <= 9e5 and 2e5 <= my <= 6.5e6:
        return "CGCS2000 3-degree Gauss-Krüger CM, e.g. EPSG:4547 (CM 114E) … EPSG:4554 (CM 135E)"
    return None


def check_plausible(xs, ys, crs: str) -> None:  # type: ignore[no-untyped-def]
    """Refuse a file whose coordinates cannot be in China in ``crs``, suggesting a likely CRS."""
    x, y = _arrays(xs, ys)
    if x.size == 0:
        return
    try:
        lon, lat = to_wgs84_many(x, y, crs)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - pyproj refuses out-of-domain input in many ways
        lon, lat = np.full_like(x, np.nan), np.full_like(y, np.nan)
    west, south, east, north = CHINA
    inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    if inside.mean() < 0.95:
        hint = guess_crs(x, y)
        advice = f"; they look like {hint}" if hint else ""
        raise InvalidInput(
            f"{int((~inside).sum()):,} of {x.size:,} coordinates are not in China "
            f"when read as {crs}{advice}"
        )
