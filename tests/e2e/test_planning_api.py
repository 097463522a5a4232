"""Planning over real HTTP and the command line, on the city demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import assert_error

GRIDMAP = str(Path(sys.executable).with_name("gridmap"))


def _data(body):
    assert "errors" not in body, body
    return body["data"]


def test_service_area_with_its_circle(graphql):
    area = _data(
        graphql("""{ serviceArea(stationId: "1", minutes: 15) { station { kind }
        minutes areaM2 households circleAreaM2 householdsInCircle networkToCircle geometry circle
    } }""")
    )["serviceArea"]
    assert area["geometry"]["type"] == "MultiPolygon" and area["circle"]["type"] == "Polygon"
    assert 0 < area["areaM2"] < area["circleAreaM2"]
    assert 0 < area["networkToCircle"] < 1
    assert 0 < area["households"] <= area["householdsInCircle"]


def test_rings_grow_with_minutes(graphql):
    query = 'query($m: Int!) { serviceArea(stationId: "2", minutes: $m) { areaM2 } }'
    sizes = [_data(graphql(query, {"m": m}))["serviceArea"]["areaM2"] for m in (5, 10, 15)]
    assert sizes == sorted(sizes) and sizes[0] > 0


def test_coverage_of_the_district_by_kind_and_street(graphql):
    coverage = _data(
        graphql("""{ coverage(areaCode: "321102", stationKinds: ["助餐点"]) {
        area { level overall { total covered uncovered ratio } byKind { kind
               uncoveredElderlyAlone } uncoveredFlags { elderlyAlone } }
        children { code overall { total covered } }
        uncoveredBuildings { households elderlyAlone gridCode } } }""")
    )["coverage"]
    area = coverage["area"]
    assert area["level"] == "district"
    overall = area["overall"]
    assert overall["covered"] + overall["uncovered"] == overall["total"] > 15_000
    assert sum(c["overall"]["total"] for c in coverage["children"]) == overall["total"]
    assert sum(c["overall"]["covered"] for c in coverage["children"]) == overall["covered"]
    assert area["byKind"][0]["uncoveredElderlyAlone"] == area["uncoveredFlags"]["elderlyAlone"]
    assert (
        coverage["uncoveredBuildings"][0]["households"]
        >= coverage["uncoveredBuildings"][-1]["households"]
    )


def test_catchments_partition_the_households(graphql):
    body = _data(
        graphql(
            '{ catchments(kind: "助餐点") { station { kind } households } '
            'coverage(areaCode: "321102") { area { overall { total } } } }'
        )
    )
    assert {c["station"]["kind"] for c in body["catchments"]} == {"助餐点"}
    assert (
        sum(c["households"] for c in body["catchments"])
        == body["coverage"]["area"]["overall"]["total"]
    )


def test_suggested_stations_raise_coverage_step_by_step(graphql):
    siting = _data(
        graphql("""{ suggestStations(areaCode: "321102", count: 3, kind: "助餐点",
        weights: [{flag: "elderly_alone", weight: 2}]) { total coveredBefore
        steps { rank householdsAdded ratioAfter lon lat } } }""")
    )["suggestStations"]
    ratios = [s["ratioAfter"] for s in siting["steps"]]
    added = [s["householdsAdded"] for s in siting["steps"]]
    assert ratios == sorted(ratios) and added == sorted(added, reverse=True)
    assert ratios[0] > siting["coveredBefore"] / siting["total"]


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ('{ serviceArea(stationId: "99999") { areaM2 } }', "NOT_FOUND", "no station"),
        ('{ serviceArea(stationId: "abc") { areaM2 } }', "INVALID_INPUT", "not a number"),
        ('{ serviceArea(stationId: "1", minutes: -5) { areaM2 } }', "INVALID_INPUT", "minutes"),
        ('{ coverage(areaCode: "321102999") { minutes } }', "NOT_FOUND", "no street"),
        ('{ coverage(areaCode: "321102", minutes: 9999) { minutes } }', "INVALID_INPUT", "minutes"),
        (
            '{ suggestStations(areaCode: "321102", kind: "火箭站") { total } }',
            "INVALID_INPUT",
            "unknown station",
        ),
    ],
)
def test_bad_planning_input_is_a_clear_error(graphql, query, code, message):
    body = graphql(query)
    assert_error(body, code, message)


def test_cli_coverage_and_suggest(city_engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDMAP_")}
    env["GRIDMAP_DATABASE_URL"] = city_engine.url.render_as_string(hide_password=False)
    table = subprocess.run(
        [GRIDMAP, "coverage", "321102", "--kind", "助餐点"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert table.returncode == 0 and "助餐点" in table.stdout and "households" in table.stdout
    data = json.loads(
        subprocess.run(
            [GRIDMAP, "coverage", "321102001", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )
    assert data["area"]["level"] == "street" and len(data["children"]) >= 2
    suggest = subprocess.run(
        [GRIDMAP, "suggest", "321102", "--count", "2", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(json.loads(suggest.stdout)["steps"]) == 2
    bad = subprocess.run(
        [GRIDMAP, "coverage", "nope"], env=env, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 1 and "not valid" in bad.stderr and "Traceback" not in bad.stderr
