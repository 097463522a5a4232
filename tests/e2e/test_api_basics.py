"""The API over real HTTP: GraphQL, pagination, health, errors without leaks."""

import httpx

from gridmap.api.schema import schema


def test_typename_and_first_grids(graphql):
    body = graphql(
        "{ __typename grids(first: 5) { totalCount edges { node { code name kind } } } }"
    )
    assert body["data"]["__typename"] == "Query"
    grids = body["data"]["grids"]
    assert grids["totalCount"] >= 60
    codes = [e["node"]["code"] for e in grids["edges"]]
    assert len(codes) == 5 and codes == sorted(codes)
    assert all(len(c) == 15 for c in codes)


def test_pagination_walks_every_grid_once(graphql):
    seen, after = [], None
    while True:
        body = graphql(
            "query($after: String) { grids(first: 50, after: $after) { totalCount "
            "edges { node { code } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["data"]["grids"]
        seen += [e["node"]["code"] for e in body["edges"]]
        if not body["pageInfo"]["hasNextPage"]:
            break
        after = body["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == body["totalCount"]


def test_bad_arguments_are_clear_errors_not_crashes(graphql):
    body = graphql("{ grids(first: 100000) { totalCount } }")
    assert "between 1 and 500" in body["errors"][0]["message"]
    body = graphql('{ grids(first: 5, after: "%%%") { totalCount } }')
    assert "cursor" in body["errors"][0]["message"]
    body = graphql("{ grids(first: 5) { nonsense } }")
    assert "nonsense" in body["errors"][0]["message"]
    assert "Traceback" not in str(body)


def test_health_reports_counts(api_url):
    body = httpx.get(f"{api_url}/health").json()
    assert body["status"] == "ok" and body["counts"]["grids"] >= 60


def test_graphiql_is_served_to_browsers(api_url):
    page = httpx.get(f"{api_url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_exported_schema_matches_live_schema(repo_root):
    exported = (repo_root / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert exported.strip() == schema.as_str().strip(), "run `make schema` and commit the result"
