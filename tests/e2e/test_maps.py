"""Planner maps opened in real headless Chromium, checked against the database."""

import json
import re

import httpx
import pytest
from sqlalchemy import text

from gridmap.geo import crs
from gridmap.services.mapping import make_map
from gridmap.settings import get_settings
from tests.browser import inspect
from tests.helpers import as_admin


@pytest.fixture(scope="module")
def maps_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("maps")
    patch = pytest.MonkeyPatch()
    patch.setenv("GRIDMAP_MAPS_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    patch.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def community(city_engine):
    """The community with the most households beyond a 15-minute walk to a meal point."""
    with city_engine.connect() as conn:
        return conn.execute(
            text("""
            SELECT left(w.grid_code, 12) FROM household_walks w
            WHERE NOT coalesce(w.meters[(SELECT sort + 1 FROM station_kinds
                                          WHERE code = '助餐点')] <= 1000, false)
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""")
        ).scalar_one()


@pytest.fixture(scope="module")
def public_map(city_engine, maps_dir, community):
    return as_admin(city_engine, make_map, community, "public")


@pytest.fixture(scope="module")
def staff_map(city_engine, maps_dir, community):
    return as_admin(city_engine, make_map, community, "staff", suggest=2)


def _counts(engine, community):
    with engine.connect() as conn:
        grids = conn.execute(
            text("SELECT count(*) FROM grids WHERE community_code = :c"), {"c": community}
        ).scalar_one()
        colours = dict(
            conn.execute(
                text("""
            SELECT CASE WHEN hardship OR subsistence OR elderly_alone OR disabled THEN 'blue'
                        WHEN party_member THEN 'red' WHEN rented OR vacant THEN 'yellow'
                        ELSE 'grey' END, count(*)
            FROM households h JOIN grids g ON g.id = h.grid_id
            WHERE g.community_code = :c GROUP BY 1"""),
                {"c": community},
            ).all()
        )
        buildings = conn.execute(
            text(
                "SELECT count(DISTINCT h.building_id) FROM households h JOIN grids g "
                "ON g.id = h.grid_id WHERE g.community_code = :c"
            ),
            {"c": community},
        ).scalar_one()
    return grids, colours, buildings


def test_staff_map_draws_every_layer_without_errors(staff_map, city_engine, community):
    report = inspect(staff_map)
    assert report["errors"] == []
    layers = report["layers"]
    grids, colours, _ = _counts(city_engine, community)
    assert layers["网格 grids"] == grids
    assert layers["户 党员户"] == colours["red"]
    assert layers["户 困难/低保/独居老人/残疾"] == colours["blue"]
    assert layers["户 出租/空关"] == colours["yellow"]
    assert layers["户 其他"] == colours["grey"]
    assert layers["15分钟服务范围 service areas"] > 0
    assert layers["直线距离圆 straight-line circles"] == layers["15分钟服务范围 service areas"]
    assert any(k.startswith("站点 ") for k in layers)
    assert layers["建议新助餐点 suggested sites"] >= 1
    assert report["legend"] and report["scale"] and report["fullscreen"]
    assert community in report["title"] and "15分钟" in report["title"]
    assert set(layers) <= set(report["controls"])


def test_public_map_has_counts_per_building_and_no_personal_data(
    public_map, city_engine, community
):
    report = inspect(public_map)
    assert report["errors"] == []
    _, _, buildings = _counts(city_engine, community)
    assert report["layers"]["楼栋户数 households per building"] == buildings
    assert not any(k.startswith("户 ") for k in report["layers"])
    html = public_map.read_text(encoding="utf-8")
    with city_engine.connect() as conn:
        names = conn.execute(
            text("""
            SELECT p.name, p.phone FROM people p JOIN grids g ON g.id = p.grid_id
            WHERE g.community_code = :c UNION
            SELECT h.contact_name, h.contact_phone FROM households h JOIN grids g
            ON g.id = h.grid_id WHERE g.community_code = :c"""),
            {"c": community},
        ).all()
    leaked = [n for n, p in names if len(n) >= 2 and n in html or p and p in html]
    assert leaked == []
    assert not re.search(r"\b1[3589]\d{9}\b", html)
    for marker in ('"elderly_alone"', '"subsistence"', '"c":"blue"', '"c":'):
        assert marker not in html  # no per-household flags or colours in the data


def test_staff_map_names_the_grid_workers(staff_map, city_engine, community):
    html = staff_map.read_text(encoding="utf-8")
    with city_engine.connect() as conn:
        worker = conn.execute(
            text(
                "SELECT p.name FROM people p JOIN grids g ON g.id = p.grid_id "
                "WHERE g.community_code = :c AND p.role = '网格员' LIMIT 1"
            ),
            {"c": community},
        ).scalar()
    assert worker in html


def test_amap_basemap_moves_every_coordinate_to_gcj02(city_engine, maps_dir, community):
    osm = as_admin(city_engine, make_map, community, "public", "osm").read_text(encoding="utf-8")
    amap = as_admin(city_engine, make_map, community, "public", "amap").read_text(encoding="utf-8")
    assert "autonavi" in amap and "autonavi" not in osm
    with city_engine.connect() as conn:
        lon, lat = conn.execute(
            text(
                "SELECT round(ST_X(geom)::numeric, 5), round(ST_Y(geom)::numeric, 5) FROM stations "
                "WHERE community_code = :c ORDER BY id LIMIT 1"
            ),
            {"c": community},
        ).one()
    gx, gy = crs.from_wgs84(float(lon), float(lat), "GCJ02")
    # point layers travel as columns of x and y (see render.EXPAND)
    assert f"{lon}," in osm and f"{lat}," in osm
    assert f"{round(gx, 6)}," in amap and f"{round(gy, 6)}," in amap
    assert f"{lon}," not in amap and f"{lat}," not in amap


def test_maps_are_served_and_rendered_on_request(api_url, graphql, community):
    url = _data_map_url(graphql, community)
    assert url == f"/maps/community-{community}.html"
    page = httpx.get(api_url + url, timeout=120)
    assert page.status_code == 200 and "gridmap-legend" in page.text
    assert httpx.get(f"{api_url}/maps/community-{community}-staff.html").status_code == 404
    assert httpx.get(f"{api_url}/maps/..%2Fsecret.html").status_code == 404
    missing = httpx.get(f"{api_url}/maps/community-321102999999.html", timeout=60)
    assert missing.status_code == 404 and "no community" in missing.text


def _data_map_url(graphql, community):
    body = graphql(
        "query($c: String!) { community(code: $c) { mapUrl grids { mapUrl } } }", {"c": community}
    )
    assert body["data"]["community"]["grids"][0]["mapUrl"].startswith("/maps/grid-")
    return body["data"]["community"]["mapUrl"]


def test_bad_map_requests_are_clear_errors(city_engine, maps_dir):
    from gridmap.errors import InvalidInput, NotFound

    with pytest.raises(NotFound):
        as_admin(city_engine, make_map, "321102999999")
    with pytest.raises(InvalidInput, match="audience"):
        as_admin(city_engine, make_map, "321102", audience="everyone")
    with pytest.raises(InvalidInput, match="basemap"):
        as_admin(city_engine, make_map, "321102", basemap="google")
    assert json.loads("[]") == []
