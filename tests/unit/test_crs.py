"""Coordinate conversion between WGS84, GCJ-02, BD-09 and CGCS2000 Gauss-Krüger."""

import math
import random

import numpy as np
import pytest

from gridmap.errors import InvalidInput
from gridmap.geo import crs


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two lon/lat pairs."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


POINTS = [
    (random.Random(i).uniform(98, 122), random.Random(-i).uniform(22, 45)) for i in range(300)
]


def test_tiananmen_matches_the_published_gcj02_offset():
    # WGS84 (116.397428, 39.90923) is shown by AMap at about (116.40367, 39.91064).
    lon, lat = crs.wgs84_to_gcj02(116.397428, 39.90923)
    assert metres((lon, lat), (116.403672, 39.910637)) < 5


@pytest.mark.parametrize("point", POINTS[:50])
def test_gcj02_offset_is_hundreds_of_metres_in_china(point):
    assert 50 < metres(point, crs.wgs84_to_gcj02(*point)) < 700


def test_no_offset_outside_china():
    assert crs.wgs84_to_gcj02(2.35, 48.85) == pytest.approx((2.35, 48.85))


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_round_trips_within_half_a_metre(system):
    lons, lats = np.array(POINTS).T
    x, y = crs.from_wgs84_many(lons, lats, system)
    back_lon, back_lat = crs.to_wgs84_many(x, y, system)
    worst = max(
        metres(p, q) for p, q in zip(POINTS, zip(back_lon, back_lat, strict=True), strict=True)
    )
    assert worst < 0.5


def test_vectorised_equals_scalar():
    lons, lats = np.array(POINTS[:20]).T
    x, y = crs.from_wgs84_many(lons, lats, "BD09")
    for i, point in enumerate(POINTS[:20]):
        assert crs.wgs84_to_bd09(*point) == pytest.approx((x[i], y[i]), abs=1e-12)


@pytest.mark.parametrize(
    "system",
    [
        "EPSG:4549",
        "+proj=tmerc +lat_0=0 +lon_0=119.5 +k=1 +x_0=500000 +y_0=-3000000 +ellps=GRS80 +units=m",
    ],
)
def test_gauss_kruger_round_trip(system):
    x, y = crs.from_wgs84(119.45, 32.17, system)
    assert crs.to_wgs84(x, y, system) == pytest.approx((119.45, 32.17), abs=1e-9)


def test_false_northing_is_applied():
    local = "+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=-3000000 +ellps=GRS80"
    _, y_local = crs.from_wgs84(119.45, 32.17, local)
    _, y_zone = crs.from_wgs84(119.45, 32.17, "EPSG:4549")
    assert y_local == pytest.approx(y_zone - 3_000_000, abs=1)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "WGS84"),
        ("", "WGS84"),
        ("wgs84", "WGS84"),
        ("EPSG:4326", "WGS84"),
        ("gcj-02", "GCJ02"),
        ("GCJ02", "GCJ02"),
        ("amap", "GCJ02"),
        ("高德", "GCJ02"),
        ("bd09", "BD09"),
        ("Baidu", "BD09"),
        ("百度", "BD09"),
        ("CGCS2000", "CGCS2000"),
        ("EPSG:4490", "CGCS2000"),
        ("epsg:4549", "EPSG:4549"),
        ("4527", "EPSG:4527"),
    ],
)
def test_parse_crs(given, expected):
    assert crs.parse_crs(given) == expected


@pytest.mark.parametrize("bad", ["MARS", "EPSG:99999999", "+proj=nonsense"])
def test_unknown_crs_lists_the_accepted_ones(bad):
    with pytest.raises(InvalidInput, match="CRS"):
        crs.parse_crs(bad)


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (float("nan"), 32.0, "finite"),
        (float("inf"), 32.0, "finite"),
        (200.0, 32.0, "±180"),
        (32.2, 119.4, "swapped"),
        (2.35, 48.85, "outside China"),
        (448124.5, 3560836.0, "projected"),
    ],
)
def test_validate_lonlat(lon, lat, message):
    with pytest.raises(InvalidInput, match=message):
        crs.validate_lonlat(lon, lat)


def test_guess_crs():
    assert "EPSG:4527" in crs.guess_crs([39_448_124.5], [3_560_836.0])
    assert "CM" in crs.guess_crs([448_124.5], [3_560_836.0])
    assert "geographic" in crs.guess_crs([119.4], [32.2])
    assert crs.guess_crs([1.0], [1.0]) is None


def test_check_plausible_suggests_the_likely_crs():
    with pytest.raises(InvalidInput, match="Gauss-Krüger"):
        crs.check_plausible([448_124.5, 448_200.0], [3_560_836.0, 3_560_900.0], "WGS84")
    crs.check_plausible([119.4, 119.5], [32.1, 32.2], "GCJ02")
