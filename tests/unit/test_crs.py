"""Coordinate conversion between WGS84, GCJ-02, BD-09 and CGCS2000 Gauss-Krüger."""

import math
import random
import time

import numpy as np
import pytest
from pyproj import CRS as ProjCRS

from gridmap.errors import InvalidInput
from gridmap.geo import crs

LOCAL_GK = (  # a county's own Gauss-Krüger: its central meridian and a false northing
    "+proj=tmerc +lat_0=0 +lon_0=119.5 +k=1 +x_0=500000 +y_0=-3000000 "
    "+ellps=GRS80 +units=m +no_defs"
)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two lon/lat pairs."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def reference_wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The textbook scalar algorithm (eviltransform / coordtransform), written independently."""
    if not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lon, lat
    x, y, pi = lon - 105.0, lat - 35.0, math.pi
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * pi) + 320 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    a, ee = 6378245.0, 0.00669342162296594323
    rad = lat / 180.0 * pi
    magic = 1 - ee * math.sin(rad) ** 2
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * math.sqrt(magic)) * pi)
    dlon = (dlon * 180.0) / (a / math.sqrt(magic) * math.cos(rad) * pi)
    return lon + dlon, lat + dlat


_rng = random.Random(20240601)
POINTS = [(_rng.uniform(75, 134), _rng.uniform(18, 53)) for _ in range(300)]
CITIES = {
    "Beijing": (116.3975, 39.9087),
    "Shanghai": (121.4737, 31.2304),
    "Guangzhou": (113.2644, 23.1291),
    "Chengdu": (104.0665, 30.5723),
    "Urumqi": (87.6168, 43.8256),
    "Lhasa": (91.1409, 29.6456),
    "Harbin": (126.6425, 45.7567),
    "Haikou": (110.3312, 20.0311),
    "Kashgar": (75.9897, 39.4704),
}


# --- GCJ-02 and BD-09 -------------------------------------------------------------------


def test_gcj02_equals_the_textbook_algorithm_everywhere_in_its_box():
    points = [(_rng.uniform(70, 140), _rng.uniform(0, 57)) for _ in range(2000)]
    got_lon, got_lat = crs.from_wgs84_many(*np.array(points).T, "GCJ02")
    expected = np.array([reference_wgs84_to_gcj02(*point) for point in points])
    assert np.abs(got_lon - expected[:, 0]).max() < 1e-10
    assert np.abs(got_lat - expected[:, 1]).max() < 1e-10


@pytest.mark.parametrize(
    ("convert", "given", "published"),
    [  # wandergis/coordtransform README, the reference most Chinese libraries test against
        (crs.wgs84_to_gcj02, (116.404, 39.915), (116.41024449916938, 39.91640428150164)),
        (crs.gcj02_to_bd09, (116.404, 39.915), (116.41036949371029, 39.92133699351021)),
        (crs.wgs84_to_bd09, (116.404, 39.915), (116.41662724378733, 39.922699552216216)),
    ],
)
def test_published_forward_pairs(convert, given, published):
    assert convert(*given) == pytest.approx(published, abs=1e-9)


def test_tiananmen():
    # WGS84 (116.397428, 39.90923) is drawn by AMap at about (116.403672, 39.910634).
    gcj = crs.wgs84_to_gcj02(116.397428, 39.90923)
    assert metres(gcj, (116.403672, 39.910634)) < 0.5
    assert 500 < metres(gcj, (116.397428, 39.90923)) < 600


def test_inverses_are_exact_not_the_usual_one_step_approximations():
    # coordtransform's published one-step inverses of (116.404, 39.915): close, but not exact.
    wgs = crs.gcj02_to_wgs84(116.404, 39.915)
    gcj = crs.bd09_to_gcj02(116.404, 39.915)
    assert crs.wgs84_to_gcj02(*wgs) == pytest.approx((116.404, 39.915), abs=1e-9)
    assert crs.gcj02_to_bd09(*gcj) == pytest.approx((116.404, 39.915), abs=1e-9)
    assert metres(wgs, (116.39775550083061, 39.91359571849836)) < 1
    assert metres(gcj, (116.39762729119315, 39.90865673957631)) < 0.5


def test_the_one_step_gcj02_inverse_would_fail_the_round_trip():
    """Guards the round-trip test: on these points the crude inverse is metres off."""
    worst = 0.0
    for point in POINTS:
        gcj = crs.wgs84_to_gcj02(*point)
        again = crs.wgs84_to_gcj02(*gcj)
        worst = max(worst, metres((2 * gcj[0] - again[0], 2 * gcj[1] - again[1]), point))
    assert worst > 1


@pytest.mark.parametrize("city", sorted(CITIES))
def test_gcj02_offset_is_100_to_700_metres_in_china(city):
    point = CITIES[city]
    assert 100 < metres(point, crs.wgs84_to_gcj02(*point)) < 700


@pytest.mark.parametrize(
    "point", [(2.35, 48.85), (-74.0, 40.7), (151.2, -33.9), (139.69, 35.69), (-0.13, 51.5)]
)
def test_no_gcj02_offset_outside_china(point):
    assert crs.wgs84_to_gcj02(*point) == point
    assert crs.gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_round_trips_within_half_a_metre(system):
    lons, lats = np.array(POINTS).T
    back = crs.to_wgs84_many(*crs.from_wgs84_many(lons, lats, system), system)
    worst = max(metres(p, q) for p, q in zip(POINTS, zip(*back, strict=True), strict=True))
    assert worst < 0.01  # the requirement is 0.5 m; the iterative inverses do far better


def test_bd09_is_hundreds_of_metres_from_gcj02():
    for point in CITIES.values():
        assert 100 < metres(point, crs.gcj02_to_bd09(*point)) < 1500


@pytest.mark.parametrize(
    ("scalar", "system", "forward"),
    [
        (crs.wgs84_to_gcj02, "GCJ02", True),
        (crs.gcj02_to_wgs84, "GCJ02", False),
        (crs.wgs84_to_bd09, "BD09", True),
        (crs.bd09_to_wgs84, "BD09", False),
    ],
)
def test_vectorised_equals_scalar(scalar, system, forward):
    # 100k points: more than one block of the blockwise evaluation
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(75, 134, 100_000), rng.uniform(18, 53, 100_000)
    many = crs.from_wgs84_many if forward else crs.to_wgs84_many
    xs, ys = many(lons, lats, system)
    for i in [0, 1, 32_767, 32_768, 65_537, 99_999, *rng.integers(0, 100_000, 30)]:
        assert scalar(lons[i], lats[i]) == pytest.approx((xs[i], ys[i]), abs=1e-12)


def test_gcj_bd_helpers_agree_with_the_wgs84_paths():
    for point in CITIES.values():
        gcj = crs.wgs84_to_gcj02(*point)
        assert crs.gcj02_to_bd09(*gcj) == pytest.approx(crs.wgs84_to_bd09(*point), abs=1e-12)
        assert crs.bd09_to_gcj02(*crs.gcj02_to_bd09(*gcj)) == pytest.approx(gcj, abs=1e-9)


def test_vectorised_keeps_shape_and_is_fast():
    lons = np.full((400, 500), 116.4)
    lats = np.linspace(22, 45, 200_000).reshape(400, 500)
    start = time.perf_counter()
    x, y = crs.to_wgs84_many(lons, lats, "BD09")
    elapsed = time.perf_counter() - start
    assert x.shape == y.shape == (400, 500)
    assert elapsed < 1.0  # ~0.1 s; a Python loop per point would take seconds


def test_x_and_y_must_pair_up():
    with pytest.raises(InvalidInput, match="3 x values but 1 y"):
        crs.to_wgs84_many([116.1, 116.2, 116.3], [39.9], "GCJ02")


def test_cgcs2000_geographic_is_treated_as_wgs84():
    assert crs.to_wgs84(116.4, 39.9, "EPSG:4490") == (116.4, 39.9)
    assert crs.from_wgs84(116.4, 39.9, "CGCS2000") == (116.4, 39.9)


# --- Gauss-Krüger ---------------------------------------------------------------------


@pytest.mark.parametrize("system", ["EPSG:4549", "EPSG:4527", LOCAL_GK])
def test_gauss_kruger_round_trip_within_a_centimetre(system):
    for lon, lat in [(119.45, 32.17), (118.2, 30.5), (120.9, 34.0)]:
        x, y = crs.from_wgs84(lon, lat, system)
        assert metres(crs.to_wgs84(x, y, system), (lon, lat)) < 0.01
        xs, ys = crs.from_wgs84_many(*crs.to_wgs84_many([x], [y], system), system)
        assert math.hypot(xs[0] - x, ys[0] - y) < 0.01


def test_gauss_kruger_values():
    # On the central meridian the easting is the false easting; zone 39 prefixes it with 39.
    assert crs.from_wgs84(120.0, 32.0, "EPSG:4549")[0] == pytest.approx(500_000, abs=1e-6)
    assert crs.from_wgs84(117.0, 32.0, "EPSG:4527")[0] == pytest.approx(39_500_000, abs=1e-6)
    assert crs.from_wgs84(119.5, 32.0, LOCAL_GK)[0] == pytest.approx(500_000, abs=1e-6)
    x, y = crs.from_wgs84(119.45, 32.17, "EPSG:4549")
    assert 3_500_000 < y < 3_600_000
    assert x == pytest.approx(500_000 - 51_826, abs=300)  # 0.55 degrees west of 120E


def test_false_northing_is_applied():
    local = "+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=-3000000 +ellps=GRS80"
    x_local, y_local = crs.from_wgs84(119.45, 32.17, local)
    x_zone, y_zone = crs.from_wgs84(119.45, 32.17, "EPSG:4549")
    assert x_local == pytest.approx(x_zone, abs=0.01)
    assert y_local == pytest.approx(y_zone - 3_000_000, abs=0.01)


def test_wkt_from_a_prj_file_works_like_its_epsg_code():
    wkt = ProjCRS.from_epsg(4549).to_wkt("WKT1_ESRI")
    assert crs.parse_crs(wkt + "\n") == wkt
    got = crs.from_wgs84(119.45, 32.17, wkt)
    assert got == pytest.approx(crs.from_wgs84(119.45, 32.17, "EPSG:4549"), abs=0.01)


# --- parse_crs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "WGS84"),
        ("", "WGS84"),
        ("  ", "WGS84"),
        ("wgs84", "WGS84"),
        ("WGS-84", "WGS84"),
        ("EPSG:4326", "WGS84"),
        ("epsg:4326", "WGS84"),
        ("4326", "WGS84"),
        ("gcj02", "GCJ02"),
        ("GCJ-02", "GCJ02"),
        ("gcj_02", "GCJ02"),
        ("amap", "GCJ02"),
        ("AMap", "GCJ02"),
        ("gaode", "GCJ02"),
        ("高德", "GCJ02"),
        ("tencent", "GCJ02"),
        ("bd09", "BD09"),
        ("BD-09", "BD09"),
        ("Baidu", "BD09"),
        ("百度", "BD09"),
        ("cgcs2000", "CGCS2000"),
        ("CGCS 2000", "CGCS2000"),
        ("EPSG:4490", "CGCS2000"),
        ("4490", "CGCS2000"),
        ("epsg:4549", "EPSG:4549"),
        ("EPSG 4513", "EPSG:4513"),
        ("4554", "EPSG:4554"),
        ("ＥＰＳＧ：４５２７", "EPSG:4527"),  # full-width, as typed with a Chinese IME
        ("EPSG:3857", "EPSG:3857"),
        (LOCAL_GK, LOCAL_GK),
    ],
)
def test_parse_crs(given, expected):
    assert crs.parse_crs(given) == expected


@pytest.mark.parametrize("bad", ["UTM", "wgs85", "EPSG:99999", "EPSG:99999999", "+proj=nonsense"])
def test_unknown_crs_lists_the_accepted_ones(bad):
    with pytest.raises(InvalidInput, match="unknown CRS") as error:
        crs.parse_crs(bad)
    for accepted in ("WGS84", "GCJ02", "BD09", "CGCS2000", "EPSG:4549", "+proj="):
        assert accepted in str(error.value)


def test_a_vertical_crs_is_refused():
    with pytest.raises(InvalidInput, match="not a map coordinate system"):
        crs.parse_crs("EPSG:5773")


def test_conversions_refuse_unknown_crs():
    with pytest.raises(InvalidInput, match="unknown CRS"):
        crs.to_wgs84(116.4, 39.9, "MARSX")


# --- validate_lonlat ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        (float("nan"), 32.0, "finite"),
        (119.4, float("nan"), "finite"),
        (float("inf"), 32.0, "finite"),
        (119.4, float("-inf"), "finite"),
        (200.0, 32.0, "±180"),
        (116.0, 95.0, "±90"),
        (-190.0, -95.0, "±180"),
        (32.2, 119.4, "swapped"),
        (39.9, 116.4, "swapped"),
        (2.35, 48.85, "outside China"),
        (-116.4, 39.9, "outside China"),
        (116.4, -39.9, "outside China"),
        (448124.5, 3560836.0, "projected coordinates in metres"),
        (448124.5, 3560836.0, "EPSG:4547"),
        (39448124.5, 3560836.0, "EPSG:4527"),
        ("abc", 32.0, "numbers"),
    ],
)
def test_validate_lonlat_refuses(lon, lat, message):
    with pytest.raises(InvalidInput, match=message) as error:
        crs.validate_lonlat(lon, lat, where="row 7")
    assert str(error.value).startswith("row 7: ")


@pytest.mark.parametrize("point", [*CITIES.values(), (73.4, 39.0), (135.1, 48.0)])
def test_validate_lonlat_accepts_china(point):
    crs.validate_lonlat(*point)


# --- guess_crs and check_plausible ----------------------------------------------------


@pytest.mark.parametrize(
    ("xs", "ys", "expected"),
    [
        ([39_448_124.5, 39_450_000.0], [3_560_836.0, 3_561_000.0], "EPSG:4527 (zone 39)"),
        ([40_512_000.0], [4_420_000.0], "EPSG:4528 (zone 40)"),
        ([35_400_000.0], [2_500_000.0], "EPSG:4523 (zone 35)"),
        ([448_124.5, 451_000.0], [3_560_836.0, 3_562_000.0], "EPSG:4547 (CM 114E)"),
        ([448_124.5], [560_836.0], "Gauss-Krüger CM"),  # local variant with a false northing
        ([119.4, 119.5], [32.2, 32.3], "geographic degrees"),
        ([32.2, 32.3], [119.4, 119.5], "swapped"),
    ],
)
def test_guess_crs(xs, ys, expected):
    assert expected in crs.guess_crs(xs, ys)


@pytest.mark.parametrize(
    ("xs", "ys"),
    [([1.0], [1.0]), ([], []), ([float("nan")], [32.0]), ([1e12], [1e12]), ([-5e6], [3e6])],
)
def test_guess_crs_gives_up(xs, ys):
    assert crs.guess_crs(xs, ys) is None


def test_check_plausible_refuses_metres_read_as_degrees():
    with pytest.raises(InvalidInput, match="look like metres") as error:
        crs.check_plausible([448_124.5, 448_200.0], [3_560_836.0, 3_560_900.0], "WGS84")
    assert "EPSG:4547" in str(error.value)
    with pytest.raises(InvalidInput, match="EPSG:4527"):
        crs.check_plausible([39_448_124.5, 39_448_200.0], [3_560_836.0, 3_560_900.0], "GCJ02")


def test_check_plausible_refuses_degrees_for_a_projected_crs():
    with pytest.raises(InvalidInput, match="look like degrees.*geographic degrees"):
        crs.check_plausible([119.4, 119.5], [32.1, 32.2], "EPSG:4549")


def test_check_plausible_refuses_a_zone_prefix_read_without_it():
    with pytest.raises(InvalidInput, match="not in China when read as EPSG:4549.*EPSG:4527"):
        crs.check_plausible([39_448_124.5, 39_448_200.0], [3_560_836.0, 3_560_900.0], "EPSG:4549")


def test_check_plausible_refuses_swapped_columns():
    with pytest.raises(InvalidInput, match="2 of 2 points.*swapped"):
        crs.check_plausible([32.1, 32.2], [119.4, 119.5], "BD09")


@pytest.mark.parametrize(
    ("xs", "ys", "system"),
    [
        ([119.4, 119.5], [32.1, 32.2], "GCJ02"),
        ([119.4, 119.5], [32.1, 32.2], "WGS84"),
        ([448_124.5, 448_200.0], [3_560_836.0, 3_560_900.0], "EPSG:4549"),
        ([39_448_124.5, 39_448_200.0], [3_560_836.0, 3_560_900.0], "EPSG:4527"),
        ([448_124.5], [560_836.0], LOCAL_GK),
        ([119.4, float("nan")], [32.1, 32.2], "WGS84"),  # blank rows are for validate_lonlat
        ([119.4] * 99 + [2.35], [32.1] * 99 + [48.85], "WGS84"),  # one stray row in a hundred
    ],
)
def test_check_plausible_accepts_good_files(xs, ys, system):
    crs.check_plausible(xs, ys, system)


def test_check_plausible_refuses_a_file_with_a_tenth_outside_china():
    xs, ys = [119.4] * 90 + [2.35] * 10, [32.1] * 90 + [48.85] * 10
    with pytest.raises(InvalidInput, match=r"10 of 100 points, such as \(2.35, 48.85\)"):
        crs.check_plausible(xs, ys, "WGS84")


def test_degrees_covering_spans_the_distance_on_both_axes_everywhere_in_china():
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    margin = crs.degrees_covering(1000)
    for lon, lat in ((87.6, 43.8), (126.6, 45.8), (122.5, 53.5), (110.3, 20.0)):
        _, _, east = geod.inv(lon, lat, lon + margin, lat)
        _, _, north = geod.inv(lon, lat, lon, lat + margin)
        assert min(east, north) >= 1000
