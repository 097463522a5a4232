"""Browsing the hierarchy and the layers over HTTP: codes, filters, pagination, errors."""

import json

import pytest
from sqlalchemy import text

from tests.helpers import assert_error


def _data(body):
    assert "errors" not in body, body
    return body["data"]


def test_hierarchy_by_code_with_parents_children_and_geometry(graphql, city_engine):
    with city_engine.connect() as conn:
        code = conn.execute(text("SELECT min(code) FROM communities")).scalar_one()
        grids = conn.execute(
            text("SELECT count(*) FROM grids WHERE community_code = :c"), {"c": code}
        ).scalar_one()
        households = conn.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE h.elderly_alone) FROM households h "
                "JOIN grids g ON g.id = h.grid_id WHERE g.community_code = :c"
            ),
            {"c": code},
        ).one()
    data = _data(
        graphql(
            """query($c: String!) { community(code: $c) {
        code name areaM2 geometry street { code district { code } }
        grids { code } householdCounts { total elderlyAlone } } }""",
            {"c": code},
        )
    )
    community = data["community"]
    assert community["street"]["code"] == code[:9]
    assert community["street"]["district"]["code"] == code[:6]
    assert len(community["grids"]) == grids
    assert community["geometry"]["type"] == "MultiPolygon"
    assert community["areaM2"] > 100_000
    assert (
        community["householdCounts"]["total"],
        community["householdCounts"]["elderlyAlone"],
    ) == tuple(households)


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ('{ grid(code: "321102999999999") { name } }', "NOT_FOUND", "no grid with code"),
        ('{ grid(code: "3211") { name } }', "INVALID_INPUT", "not valid"),
        (
            '{ street(code: "321102001001") { name } }',
            "INVALID_INPUT",
            "community code, not a street",
        ),
        ('{ householdCounts(areaCode: "abc") { total } }', "INVALID_INPUT", "not valid"),
    ],
)
def test_bad_codes_are_clear_errors(graphql, query, code, message):
    body = graphql(query)
    assert_error(body, code, message)


def test_station_filters_by_kind_area_and_near(graphql):
    data = _data(
        graphql("""{ all: stations(first: 500) { totalCount }
        meals: stations(first: 500, where: {kinds: ["助餐点", "中心食堂"]}) {
            totalCount edges { node { kind lon lat } } } }""")
    )
    meals = data["meals"]["edges"]
    assert data["meals"]["totalCount"] == 7
    assert {m["node"]["kind"] for m in meals} == {"助餐点", "中心食堂"}
    first = meals[0]["node"]
    near = _data(
        graphql(
            """query($lon: Float!, $lat: Float!) { stations(first: 500,
        where: {near: {lon: $lon, lat: $lat, withinMeters: 1}}) { edges { node { lon lat } } } }""",
            {"lon": first["lon"], "lat": first["lat"]},
        )
    )["stations"]["edges"]
    assert {(n["node"]["lon"], n["node"]["lat"]) for n in near} == {(first["lon"], first["lat"])}


def test_grid_filters_by_bbox_and_search(graphql):
    all_grids = _data(graphql("{ grids(first: 500) { totalCount edges { node { code name } } } }"))
    total = all_grids["grids"]["totalCount"]
    bbox = _data(
        graphql(
            "{ grids(first: 500, where: {bbox: [119.40, 32.10, 119.45, 32.30]}) { totalCount } }"
        )
    )["grids"]["totalCount"]
    assert 0 < bbox < total
    name = all_grids["grids"]["edges"][0]["node"]["name"]
    found = _data(
        graphql(
            "query($s: String) { grids(first: 50, where: {search: $s}) "
            "{ edges { node { name } } } }",
            {"s": name[:3]},
        )
    )
    assert all(name[:3] in e["node"]["name"] for e in found["grids"]["edges"])
    assert found["grids"]["edges"]


def test_households_by_area_paginate(graphql):
    seen, after = [], None
    for _ in range(3):
        page = _data(
            graphql(
                """query($a: String) { households(first: 100, after: $a,
            where: {areaCode: "321102001001001"}) { totalCount
            edges { node { id building room } } pageInfo { endCursor hasNextPage } } }""",
                {"a": after},
                role="grid_worker",
            )
        )["households"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert len(seen) == len(set(seen)) == min(300, page["totalCount"])


@pytest.mark.parametrize(
    ("where", "code", "message"),
    [
        ("{bbox: [1, 2, 3]}", "INVALID_INPUT", "bbox"),
        ("{bbox: [120, 32, 119, 33]}", "INVALID_INPUT", "not a valid"),
        ("{near: {lon: 119, lat: 32, withinMeters: -5}}", "INVALID_INPUT", "withinMeters"),
        ('{areaCode: "12"}', "INVALID_INPUT", "not valid"),
    ],
)
def test_bad_filters_are_clear_errors(graphql, where, code, message):
    body = graphql("{ stations(first: 5, where: " + where + ") { totalCount } }")
    assert_error(body, code, message)


@pytest.mark.parametrize("name", ["grids", "stations", "service_areas", "circles", "buildings"])
def test_public_layers_for_front_ends(graphql, city_engine, name):
    community = "321102001001"
    body = graphql(
        "query($n: String!, $c: String!) { layer(name: $n, areaCode: $c, minutes: 10) }",
        {"n": name, "c": community},
    )
    layer = body["data"]["layer"]
    assert layer["type"] == "FeatureCollection" and layer["features"]
    with city_engine.connect() as conn:
        grids = conn.execute(
            text("SELECT count(*) FROM grids WHERE community_code = :c AND valid_to IS NULL"),
            {"c": community},
        ).scalar_one()
        buildings = conn.execute(
            text(
                """SELECT count(DISTINCT h.building_id) FROM households h
                   JOIN grids g ON g.id = h.grid_id WHERE g.community_code = :c"""
            ),
            {"c": community},
        ).scalar_one()
    if name == "grids":
        assert len(layer["features"]) == grids
        assert all(f["properties"]["worker"] is None for f in layer["features"])
    if name == "buildings":
        assert len(layer["features"]) == buildings
        assert sum(f["properties"]["households"] for f in layer["features"]) > 0
    if name in ("service_areas", "circles"):
        assert {f["properties"]["minutes"] for f in layer["features"]} == {10}
    assert "contact" not in json.dumps(layer, ensure_ascii=False)


def test_layer_bad_input_is_a_clear_error(graphql):
    for variables, words in (
        ({"n": "people", "c": "321102001001"}, "layer must be one of"),
        ({"n": "grids", "c": "999999999999"}, "no area"),
        ({"n": "grids", "c": "12"}, "not valid"),
    ):
        body = graphql(
            "query($n: String!, $c: String!) { layer(name: $n, areaCode: $c) }", variables
        )
        assert body["data"] is None and words in body["errors"][0]["message"]
