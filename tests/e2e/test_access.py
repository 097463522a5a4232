"""Who sees what, over real HTTP: every role against every personal field and entry point.

The callers (``ROLE_AREAS`` in conftest) are scoped to grid A = 321102001001001, its community
321102001001 and its street 321102001.  Grid B is A's neighbour in the same community; grid C
lies in another street.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from gridmap.services import access
from tests.helpers import as_admin, assert_error

A, B, C = "321102001001001", "321102001001002", "321102002001001"
ROLES = ("public", "grid_worker", "community_admin", "street_admin", "planner", "admin")
# Which of the grids each role may read personal data of.
SEES = {
    "public": set(),
    "grid_worker": {A},
    "community_admin": {A, B},
    "street_admin": {A, B},
    "planner": set(),
    "admin": {A, B, C},
}
HOUSEHOLDS = """query($where: LayerFilter) { households(first: 500, where: $where) {
    totalCount edges { node { id gridCode contactName contactPhone hardship elderlyAlone } } } }"""
LOCATED = """__typename ... on Located { grid { code } room staff { name phone }
    centralHousehold { name phone } }"""


def _as(role: str) -> str | None:
    return None if role == "public" else role


@pytest.fixture(scope="module")
def world(city_engine):
    """Per grid: its households, one household's address, bounding box and a station."""
    with city_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT g.code, count(h.id) AS households, min(h.id) AS household_id,
                   ST_XMin(g.geom) AS w, ST_YMin(g.geom) AS s,
                   ST_XMax(g.geom) AS e, ST_YMax(g.geom) AS n
            FROM grids g JOIN households h ON h.grid_id = g.id
            WHERE g.code IN (:a, :b, :c) GROUP BY g.id"""),
            {"a": A, "b": B, "c": C},
        ).mappings()
        grids = {r["code"]: dict(r) for r in rows}
        for g in grids.values():
            g["address"] = conn.execute(
                text("""
                SELECT cp.name || b.number || '栋' || u.number || '单元' || h.room
                FROM households h JOIN buildings b ON b.id = h.building_id
                JOIN units u ON u.id = h.unit_id JOIN compounds cp ON cp.id = b.compound_id
                WHERE h.id = :h"""),
                {"h": g["household_id"]},
            ).scalar_one()
    assert set(grids) == {A, B, C}
    return grids


def _households(graphql, role: str, where: dict) -> dict:
    return graphql(HOUSEHOLDS, {"where": where}, role=_as(role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("grid", [A, B, C])
def test_households_by_area_code(graphql, world, role, grid):
    body = _households(graphql, role, {"areaCode": grid})
    if not SEES[role]:
        assert body["data"] is None
        assert_error(body, "FORBIDDEN", "personal data")
        return
    page = body["data"]["households"]
    expected = world[grid]["households"] if grid in SEES[role] else 0
    assert page["totalCount"] == expected
    assert len(page["edges"]) == min(expected, 500)
    if expected:
        assert {e["node"]["gridCode"] for e in page["edges"]} == {grid}
        assert any(e["node"]["contactName"] for e in page["edges"])


@pytest.mark.parametrize("role", ["grid_worker", "community_admin", "street_admin"])
def test_households_of_a_neighbour_by_id_bbox_or_no_filter(graphql, world, role):
    outside = {g for g in (A, B, C) if g not in SEES[role]}
    for grid in outside:
        by_id = _households(graphql, role, {"ids": [str(world[grid]["household_id"])]})
        assert by_id["data"]["households"]["edges"] == []
        g = world[grid]
        box = _households(graphql, role, {"bbox": [g["w"], g["s"], g["e"], g["n"]]})
        assert grid not in {e["node"]["gridCode"] for e in box["data"]["households"]["edges"]}
    everything = _households(graphql, role, {})["data"]["households"]
    area = {"grid_worker": A, "community_admin": A[:12], "street_admin": A[:9]}[role]
    assert everything["edges"]
    assert all(e["node"]["gridCode"].startswith(area) for e in everything["edges"])
    if role == "grid_worker":
        assert everything["totalCount"] == world[A]["households"]


@pytest.mark.parametrize("role", ROLES)
def test_locate_shows_contacts_only_inside_the_callers_area(graphql, world, role):
    for grid in (A, B, C):
        body = graphql(
            f"query($q: String) {{ locate(address: $q) {{ {LOCATED} }} }}",
            {"q": world[grid]["address"]},
            role=_as(role),
        )
        found = body["data"]["locate"]
        assert found["__typename"] == "Located"
        assert found["grid"]["code"] == grid  # everyone learns where an address belongs
        if grid in SEES[role]:
            assert {s["name"] for s in found["staff"]} and all(s["name"] for s in found["staff"])
            assert found["centralHousehold"]["name"]
            assert found["room"] is not None
        else:  # no names, phones, central household, nor whether the room exists
            assert found["staff"] == [] and found["centralHousehold"] is None
            assert found["room"] is None


@pytest.mark.parametrize("role", ["public", "grid_worker", "planner"])
def test_batch_locate_leaks_nothing_outside_the_area(graphql, world, role):
    addresses = [world[g]["address"] for g in (A, B, C)] * 50
    body = graphql(
        f"query($a: [String!]) {{ locateMany(addresses: $a) {{ {LOCATED} }} }}",
        {"a": addresses},
        role=_as(role),
    )
    for found in body["data"]["locateMany"]:
        shown = bool(found["staff"] or found["centralHousehold"])
        assert shown == (found["grid"]["code"] in SEES[role])


@pytest.mark.parametrize("role", ROLES)
def test_grid_staff_names_and_phones(graphql, role):
    body = graphql(
        "query($a: String!, $b: String!) { a: grid(code: $a) { staff { name phone } }"
        " b: grid(code: $b) { staff { name phone } } }",
        {"a": A, "b": B},
        role=_as(role),
    )
    for alias, grid in (("a", A), ("b", B)):
        staff = body["data"][alias]["staff"]
        assert bool(staff) == (grid in SEES[role])
        assert all(s["name"] and s["phone"] for s in staff)


@pytest.mark.parametrize("role", ROLES)
def test_aggregates_are_the_same_for_every_role(graphql, world, role):
    body = graphql(
        "query($c: String!) { householdCounts(areaCode: $c) { total elderlyAlone } "
        "coverage(areaCode: $c) { area { overall { total covered } } } }",
        {"c": B},
        role=_as(role),
    )
    assert body["data"]["householdCounts"]["total"] == world[B]["households"]
    assert body["data"]["coverage"]["area"]["overall"]["total"] == world[B]["households"]


def test_maps_over_http_are_public_whoever_asks(api_url, city_engine, tokens):
    with city_engine.connect() as conn:
        names = (
            conn.execute(
                text("""SELECT h.contact_name FROM households h JOIN grids g ON g.id = h.grid_id
                    WHERE g.code = :a AND h.contact_name IS NOT NULL"""),
                {"a": A},
            )
            .scalars()
            .all()
        )
        staff = (
            conn.execute(
                text(
                    "SELECT p.phone FROM people p JOIN grids g ON g.id = p.grid_id"
                    " WHERE g.code = :a"
                ),
                {"a": A},
            )
            .scalars()
            .all()
        )
    page = httpx.get(
        f"{api_url}/maps/grid-{A}.html",
        headers={"Authorization": f"Bearer {tokens['admin']}"},
        timeout=60,
    )
    assert page.status_code == 200
    assert names and not any(n in page.text for n in names)
    assert staff and not any(p in page.text for p in staff if p)


def test_writes_stay_inside_the_writers_area(graphql, world, city_engine):
    mutation = """mutation($id: ID!, $v: Boolean!) {
        updateHousehold(id: $id, changes: {vacant: $v}) { id vacant gridCode } }"""
    own, foreign = world[A]["household_id"], world[C]["household_id"]

    def vacant(household_id: int) -> bool:
        with city_engine.connect() as conn:
            return conn.execute(
                text("SELECT vacant FROM households WHERE id = :h"), {"h": household_id}
            ).scalar_one()

    before = vacant(own)
    for role in ("public", "grid_worker", "planner"):
        body = graphql(mutation, {"id": str(own), "v": not before}, role=_as(role))
        assert_error(body, "FORBIDDEN", "may not change")
    body = graphql(mutation, {"id": str(foreign), "v": True}, role="community_admin")
    assert_error(body, "NOT_FOUND", "in your area")
    body = graphql(mutation, {"id": str(own), "v": not before}, role="community_admin")
    assert body["data"]["updateHousehold"]["vacant"] is (not before)
    assert vacant(own) is (not before)
    graphql(mutation, {"id": str(own), "v": before}, role="community_admin")
    assert vacant(own) is before


def test_station_moves_are_checked_against_the_area(graphql, city_engine):
    with city_engine.connect() as conn:
        station = (
            conn.execute(
                text("""SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM stations
                    WHERE community_code LIKE '321102002%' ORDER BY id LIMIT 1""")
            )
            .mappings()
            .one()
        )
    mutation = """mutation($id: ID!, $lon: Float!, $lat: Float!) {
        moveStation(id: $id, point: {lon: $lon, lat: $lat}) { id lon lat } }"""
    variables = {"id": str(station["id"]), "lon": station["lon"], "lat": station["lat"]}
    refused = graphql(mutation, variables, role="street_admin")  # another street's station
    assert_error(refused, "FORBIDDEN", "outside your area")
    moved = graphql(mutation, variables, role="admin")  # to where it is: nothing changes
    assert moved["data"]["moveStation"]["lon"] == pytest.approx(station["lon"])


def test_the_audit_log_records_personal_reads_for_admins_only(graphql):
    graphql(HOUSEHOLDS, {"where": {"areaCode": A}}, role="grid_worker")
    log = graphql("{ auditLog(first: 20) { who role channel action detail } }", role="admin")
    entries = log["data"]["auditLog"]
    assert any(
        e["who"] == "test grid_worker"
        and e["action"] == "read households"
        and e["channel"] == "graphql"
        for e in entries
    )
    for role in ("public", "grid_worker", "community_admin", "planner"):
        refused = graphql("{ auditLog { who } }", role=_as(role))
        assert_error(refused, "FORBIDDEN", "admin")


def test_bad_tokens_are_refused_and_normal_traffic_goes_on(api_url, city_engine, tokens):
    _, revoked = as_admin(city_engine, access.create_token, "to revoke", "admin", (), None)
    as_admin(city_engine, access.revoke_token, "to revoke")
    _, expired = as_admin(city_engine, access.create_token, "to expire", "admin", (), "1h")
    with city_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE api_tokens SET expires_at = now() - interval '1 minute'"
                " WHERE name = 'to expire'"
            )
        )
    forged = tokens["admin"][:-4] + ("AAAA" if not tokens["admin"].endswith("AAAA") else "BBBB")
    query = {"query": "{ district { name } }"}
    for secret, why in (
        (revoked, "revoked"),
        (expired, "expired"),
        (forged, "not recognised"),
        ("nonsense", "not a gridmap token"),
    ):
        r = httpx.post(
            f"{api_url}/graphql", json=query, headers={"Authorization": f"Bearer {secret}"}
        )
        assert r.status_code == 401, r.text
        assert why in r.json()["errors"][0]["message"]
        assert r.headers["www-authenticate"] == "Bearer"
    r = httpx.post(f"{api_url}/graphql", json=query, headers={"Authorization": "Basic abc"})
    assert r.status_code == 400 and "Bearer" in r.json()["errors"][0]["message"]
    ok = httpx.post(
        f"{api_url}/graphql", json=query, headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert ok.status_code == 200 and ok.json()["data"]["district"]["name"]


# --- the endpoint under abuse: a server with production settings and a tight rate limit ---


@pytest.fixture(scope="module")
def strict_url(city_engine):
    from tests.conftest import running_server

    with running_server(
        city_engine, introspection="false", graphiql="false", rate_limit_per_minute="120"
    ) as base:
        yield base


def _post(url: str, query: str, variables: dict | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=60,
    )


def _refused(response: httpx.Response, words: str) -> None:
    assert response.status_code < 500
    body = response.json()
    assert body.get("data") is None and words in body["errors"][0]["message"], body
    assert "Traceback" not in response.text and "SELECT" not in response.text


def test_deep_wide_and_alias_flooded_queries_are_refused(strict_url, tokens):
    admin = tokens["admin"]
    cycle = "streets { communities { grids { community { street { district { "
    deep = "{ district { " + cycle * 3 + "name" + " }" * 19 + " }"
    _refused(_post(strict_url, deep, token=admin), "exceeds maximum operation depth")
    aliases = "{ " + " ".join(f"a{i}: district {{ name }}" for i in range(40)) + " }"
    _refused(_post(strict_url, aliases, token=admin), "aliases")
    wide = "{ district { " + " ".join(["name"] * 16000) + " } }"
    _refused(_post(strict_url, wide, token=admin), "token")
    assert _post(strict_url, "{ district { name } }", token=admin).json()["data"]["district"]


def test_oversized_bodies_and_batches_are_refused(strict_url, tokens):
    big = httpx.post(
        f"{strict_url}/graphql",
        content=b"{" + b" " * 4_100_000 + b"}",
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert big.status_code == 413 and "larger than" in big.json()["errors"][0]["message"]
    batch = _post(
        strict_url,
        "query($a: [String!]) { locateMany(addresses: $a) { __typename } }",
        {"a": ["京口区"] * 10_001},
        token=tokens["planner"],
    )
    _refused(batch, "over the limit of 10,000")


def test_introspection_and_graphiql_can_be_turned_off(strict_url, tokens):
    _refused(_post(strict_url, "{ __schema { types { name } } }"), "introspection")
    page = httpx.get(f"{strict_url}/graphql", headers={"accept": "text/html"})
    assert page.status_code >= 400 and "graphiql" not in page.text.lower()


def test_rate_limit_is_per_token_and_answers_429(strict_url, tokens):
    query = "{ district { name } }"
    answers = [_post(strict_url, query, token=tokens["planner"]).status_code for _ in range(30)]
    assert answers[0] == 200 and answers.count(429) >= 10
    limited = _post(strict_url, query, token=tokens["planner"])
    assert limited.status_code == 429
    assert "rate limit" in limited.json()["errors"][0]["message"]
    assert _post(strict_url, query, token=tokens["street_admin"]).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_household_layer_holds_only_the_callers_households(graphql, world, role):
    body = graphql(
        'query($c: String!) { layer(name: "households", areaCode: $c) }',
        {"c": A[:12]},  # the whole community of A and B
        role=_as(role),
    )
    if not SEES[role]:
        assert_error(body, "FORBIDDEN", "personal data")
        return
    features = body["data"]["layer"]["features"]
    seen = {A, B} & SEES[role]
    assert len(features) >= sum(world[g]["households"] for g in seen)
    for grid in {A, B} - SEES[role]:
        g = world[grid]
        inside = [
            f
            for f in features
            if g["w"] <= f["geometry"]["coordinates"][0] <= g["e"]
            and g["s"] <= f["geometry"]["coordinates"][1] <= g["n"]
        ]
        assert len(inside) < world[grid]["households"]  # the neighbour's rows are not there


COVERAGE_BUILDINGS = """query($code: String!) { coverage(areaCode: $code, minutes: 1,
    buildings: 1000) { uncoveredBuildings { id gridCode elderlyAlone disabled } } }"""


@pytest.mark.parametrize("grid", [A, B])
def test_small_counts_of_sensitive_flags_in_a_building_are_withheld_outside_the_area(graphql, grid):
    """One or two elderly-alone or disabled households in a building could point at them:
    callers who may not see that building's households get null, the rest the count."""

    def buildings(role):
        body = graphql(COVERAGE_BUILDINGS, {"code": grid}, role=role)
        assert "errors" not in body, body
        return {b["id"]: b for b in body["data"]["coverage"]["uncoveredBuildings"]}

    truth, public, worker = buildings("admin"), buildings(None), buildings("grid_worker")
    assert truth.keys() == public.keys() == worker.keys()
    flags = [b[f] for b in truth.values() for f in ("elderlyAlone", "disabled")]
    assert any(n in (1, 2) for n in flags), "the grid should have buildings with one or two"
    for i, b in truth.items():
        for flag in ("elderlyAlone", "disabled"):
            withheld = b[flag] if b[flag] == 0 or b[flag] >= 3 else None
            assert public[i][flag] == withheld
            assert worker[i][flag] == (b[flag] if grid == A else withheld)
