"""Locate end to end over real HTTP against the city demo."""

import pytest
from sqlalchemy import text

from gridmap.geo import crs
from tests.helpers import assert_error

LOCATED = """
  __typename
  ... on Located {
    matchedAddress confidence matchedParts level building unit room
    point { lon lat } pointGcj02 { lon lat }
    street { code name } community { code name } grid { code name kind }
    staff { role name }
    centralHousehold { name address }
    stations { station { kind name } meters minutes estimated }
    nearestByKind { station { kind } meters }
  }
  ... on AddressNotFound { reason candidates { address score } }
  ... on OutsideJurisdiction { nearestGridCode distanceMeters }
"""


@pytest.fixture(scope="module")
def household(city_engine):
    """A real household of the city demo with its compound, building, unit, room and grid."""
    with city_engine.connect() as conn:
        return (
            conn.execute(
                text("""
            SELECT h.id, cp.name AS compound, c.name AS community, b.number AS building,
                   u.number AS unit, h.room, g.code AS grid_code,
                   ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
            FROM households h JOIN buildings b ON b.id = h.building_id
            JOIN units u ON u.id = h.unit_id JOIN compounds cp ON cp.id = b.compound_id
            JOIN communities c ON c.code = cp.community_code JOIN grids g ON g.id = h.grid_id
            WHERE u.number = '2' AND b.number = '3' ORDER BY h.id LIMIT 1
        """)
            )
            .mappings()
            .one()
        )


def _locate(graphql, role="admin", **variables):
    """Locate as ``role``: by default an admin, who may see rooms, staff and contacts."""
    body = graphql(
        "query($address: String, $point: PointInput, $minutes: Int!) {"
        f" locate(address: $address, point: $point, minutes: $minutes) {{ {LOCATED} }} }}",
        {"minutes": 15, **variables},
        role=role,
    )
    assert "errors" not in body, body
    return body["data"]["locate"]


def test_messy_address_resolves_to_the_household(graphql, household):
    h = household
    messy = f" {h['community']} {h['compound']}，{h['building']}栋{h['unit']}单元{h['room']}室 "
    result = _locate(graphql, address=messy)
    assert result["__typename"] == "Located"
    assert result["level"] == "household"
    assert result["grid"]["code"] == h["grid_code"]
    assert (result["building"], result["unit"], result["room"]) == (
        h["building"],
        h["unit"],
        h["room"],
    )
    assert result["confidence"] >= 0.9
    assert {"compound", "building", "unit", "room"} <= set(result["matchedParts"])
    assert {s["role"] for s in result["staff"]} == {"网格员", "网格长", "网格党支部书记"}
    assert result["centralHousehold"] is not None
    assert abs(result["point"]["lon"] - h["lon"]) < 1e-6


def test_shorthand_and_chinese_numerals(graphql, household):
    h = household
    a = _locate(graphql, address=f"{h['compound']}{h['building']}-{h['unit']}-{h['room']}")
    b = _locate(graphql, address=f"{h['compound']}三幢二单元{h['room']}号")
    assert a["__typename"] == b["__typename"] == "Located"
    assert a["grid"]["code"] == b["grid"]["code"] == h["grid_code"]
    assert a["room"] == b["room"] == h["room"]


def test_typo_in_compound_name_still_finds_it(graphql, household):
    h = household
    name = h["compound"]
    typo = name[0] + ("秀" if name[1] != "秀" else "绣") + name[2:]
    result = _locate(graphql, address=f"{typo}{h['building']}栋{h['unit']}单元{h['room']}")
    if result["__typename"] == "Located":
        assert result["grid"]["code"] == h["grid_code"]
    else:  # not confident enough: the right place must be the best candidate
        assert result["candidates"][0]["address"].find(name) >= 0


def test_unknown_address_gives_candidates_not_an_error(graphql):
    result = _locate(graphql, address="火星小区99栋1单元101")
    assert result["__typename"] == "AddressNotFound"
    assert result["reason"]


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_converted_points_land_in_the_same_grid(graphql, household, system):
    h = household
    x, y = crs.from_wgs84(h["lon"], h["lat"], system)
    original = _locate(graphql, point={"lon": h["lon"], "lat": h["lat"]})
    converted = _locate(graphql, point={"lon": x, "lat": y, "crs": system})
    assert original["__typename"] == converted["__typename"] == "Located"
    assert converted["grid"]["code"] == original["grid"]["code"] == h["grid_code"]
    assert abs(converted["point"]["lon"] - h["lon"]) < 1e-5


def test_point_result_has_gcj02_and_stations_sorted_by_walking_time(graphql, household):
    result = _locate(graphql, point={"lon": household["lon"], "lat": household["lat"]})
    gcj = crs.from_wgs84(household["lon"], household["lat"], "GCJ02")
    assert abs(result["pointGcj02"]["lon"] - gcj[0]) < 1e-6
    minutes = [s["minutes"] for s in result["stations"]]
    assert minutes == sorted(minutes) and all(m <= 15 for m in minutes)
    kinds = [s["station"]["kind"] for s in result["nearestByKind"]]
    assert len(kinds) == len(set(kinds)) >= 6


def test_point_outside_the_district(graphql):
    result = _locate(graphql, point={"lon": 118.78, "lat": 32.04})  # Nanjing
    assert result["__typename"] == "OutsideJurisdiction"
    assert result["nearestGridCode"] and result["distanceMeters"] > 10_000


@pytest.mark.parametrize(
    ("variables", "code", "message"),
    [
        ({"point": {"lon": 200, "lat": 32}}, "INVALID_INPUT", "longitude"),
        ({"point": {"lon": 32.2, "lat": 119.4}}, "INVALID_INPUT", "swapped"),
        ({"point": {"lon": 119.4, "lat": 32.2, "crs": "MARS"}}, "INVALID_INPUT", "CRS"),
        ({"point": {"lon": 4.0e6, "lat": 3.5e6}}, "INVALID_INPUT", "projected"),
        ({}, "INVALID_INPUT", "exactly one"),
        ({"address": "x", "point": {"lon": 119.4, "lat": 32.2}}, "INVALID_INPUT", "exactly one"),
    ],
)
def test_bad_points_are_clear_errors(graphql, variables, code, message):
    body = graphql(
        "query($address: String, $point: PointInput) {"
        " locate(address: $address, point: $point) { __typename } }",
        variables,
    )
    assert_error(body, code, message)


def test_non_finite_numbers_are_refused(graphql):
    body = graphql("{ locate(point: {lon: 1e999, lat: 32.2}) { __typename } }")
    assert "errors" in body and "Traceback" not in str(body)


@pytest.mark.parametrize("address", ["", "   ", "锦" * 10_000])
def test_empty_and_huge_addresses_name_the_problem(graphql, address):
    body = graphql(
        "query($a: String) { locate(address: $a) { __typename "
        "... on AddressNotFound { reason } } }",
        {"a": address},
    )
    result = body["data"]["locate"]
    assert result["__typename"] == "AddressNotFound"
    assert (
        "empty" in result["reason"] or "10,000" in result["reason"] or "10000" in result["reason"]
    )


@pytest.mark.parametrize("role", ["admin", None], ids=["admin", "anonymous"])
def test_locate_many_keeps_order_and_counts(graphql, city_engine, role):
    """A batch longer than one gazetteer statement (services.locate.PIPELINE_CHUNK) comes
    back whole and in order, misses included; anonymous callers get buildings, not rooms."""
    with city_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT cp.name, b.number, u.number, h.room, g.code FROM households h
            JOIN buildings b ON b.id = h.building_id JOIN units u ON u.id = h.unit_id
            JOIN compounds cp ON cp.id = b.compound_id JOIN grids g ON g.id = b.grid_id
            ORDER BY h.id DESC LIMIT 4500
        """)
        ).all()
    addresses = [f"{c}{b}栋{u}单元{r}" for c, b, u, r, _ in rows]
    misses = {100: "不存在的地址", 2000: "", 3999: "!!!"}
    for i, miss in misses.items():
        addresses.insert(i, miss)
    body = graphql(
        "query($a: [String!]) { locateMany(addresses: $a) { __typename "
        "... on Located { grid { code } room level } ... on AddressNotFound { query } } }",
        {"a": addresses},
        role=role,
    )
    results = body["data"]["locateMany"]
    assert len(results) == len(addresses)
    for i in sorted(misses, reverse=True):
        assert results[i]["__typename"] == "AddressNotFound"
        assert results.pop(i)["query"] == misses[i]
    assert [r["grid"]["code"] for r in results] == [row[4] for row in rows]
    if role == "admin":
        assert [r["room"] for r in results] == [row[3] for row in rows]
    else:
        assert {(r["room"], r["level"]) for r in results} == {(None, "building")}


def test_locate_many_points_in_order(graphql, household):
    points = [{"lon": household["lon"] + i * 1e-4, "lat": household["lat"]} for i in range(50)]
    points.append({"lon": 118.78, "lat": 32.04})
    body = graphql(
        "query($p: [PointInput!]) { locateMany(points: $p) { __typename } }", {"p": points}
    )
    kinds = [r["__typename"] for r in body["data"]["locateMany"]]
    assert len(kinds) == 51 and kinds[-1] == "OutsideJurisdiction"


def test_batch_over_the_limit_is_refused(graphql):
    body = graphql(
        "query($a: [String!]) { locateMany(addresses: $a) { __typename } }",
        {"a": ["锦绣花园1栋"] * 10_001},
    )
    assert "over the limit" in body["errors"][0]["message"]


def test_walking_distances_follow_the_network_and_agree_with_pgrouting(graphql, city_engine):
    """A located point's stations are measured along the roads, like pgr_withPoints does."""
    from gridmap.db.network import attach_points

    with city_engine.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(geom), ST_Y(geom) FROM stations ORDER BY id LIMIT 1 OFFSET 3")
        ).one()
        lon, lat = lon + 0.0009, lat + 0.0004  # ~100 m away, off the station
        result = _locate(graphql, point={"lon": lon, "lat": lat})
        attached = attach_points(conn, [lon], [lat])[0]
        checked = 0
        for reach in result["stations"][:3]:
            assert reach["estimated"] is False
            station_id = conn.execute(
                text("SELECT id FROM stations WHERE name = :n"), {"n": reach["station"]["name"]}
            ).scalar_one()
            edge, frac, snap = conn.execute(
                text("SELECT edge_id, fraction, snap_m FROM station_edges WHERE station_id = :s"),
                {"s": station_id},
            ).one()
            points = (
                f"SELECT 1 AS pid, {attached['edge_id']} AS edge_id, "
                f"{min(max(attached['fraction'], 1e-4), 1 - 1e-4)}::float AS fraction "
                f"UNION ALL SELECT 2, {edge}, {min(max(frac, 1e-4), 1 - 1e-4)}::float"
            )
            along = conn.execute(
                text(
                    "SELECT max(agg_cost) FROM pgr_withPoints('SELECT id, source, target, cost, "
                    "reverse_cost FROM road_edges', :points, -1, -2, false)"
                ),
                {"points": points},
            ).scalar_one()
            expected = along + attached["snap_m"] + snap
            assert abs(reach["meters"] - expected) < 1.0
            straight = conn.execute(
                text(
                    "SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:x, :y), 4326)"
                    "::geography) FROM stations WHERE id = :s"
                ),
                {"x": lon, "y": lat, "s": station_id},
            ).scalar_one()
            assert reach["meters"] >= straight - 1.0  # a walk is never shorter than a line
            checked += 1
    assert checked >= 1
