"""The coverage audit equals a direct count made with pgRouting on the small demo."""

from sqlalchemy import text

from gridmap.services import audit
from tests.helpers import as_admin

KIND = "党群服务站"
ATTACH = """
    SELECT {pid} AS pid, e.id AS edge_id,
           least(greatest(ST_LineLocatePoint(e.geom, x.geom), 1e-6), 1 - 1e-6) AS fraction,
           ST_Distance(e.geom::geography, x.geom::geography) AS snap
    FROM {table} x CROSS JOIN LATERAL (
        SELECT id, geom FROM road_edges ORDER BY geom <-> x.geom LIMIT 1) e
"""


def test_audit_equals_a_direct_pgrouting_count(small_engine):
    minutes = 10
    with small_engine.connect() as conn:
        found = as_admin(conn, audit.coverage, "321102", minutes, [KIND])
        # Every household and station joined to its nearest edge, then pgr_withPointsCost
        # many-to-many: a household is covered when some station is within the walk.
        conn.execute(
            text("CREATE TEMP TABLE hp AS " + ATTACH.format(pid="x.id", table="households"))
        )
        conn.execute(
            text(
                "CREATE TEMP TABLE sp AS "
                + ATTACH.format(
                    pid="100000 + x.id", table="(SELECT * FROM stations WHERE kind = :k)"
                )
            ),
            {"k": KIND},
        )
        direct = conn.execute(
            text("""
            WITH walks AS (
                SELECT -c.start_pid AS household, min(c.agg_cost + sp.snap) AS meters
                FROM pgr_withPointsCost(
                    'SELECT id, source, target, cost, reverse_cost FROM road_edges',
                    'SELECT pid, edge_id, fraction FROM hp UNION ALL '
                    'SELECT pid, edge_id, fraction FROM sp',
                    (SELECT array_agg(-pid)::bigint[] FROM hp),
                    (SELECT array_agg(-pid)::bigint[] FROM sp), false) c
                JOIN sp ON sp.pid = -c.end_pid
                GROUP BY 1
            )
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE w.meters + hp.snap <= :d) AS covered
            FROM hp LEFT JOIN walks w ON w.household = hp.pid
        """),
            {"d": minutes * 4000 / 60},
        ).one()
    assert found.area.overall.total == direct.total == 304
    assert found.area.overall.covered == direct.covered
    assert 0 < direct.covered < direct.total  # the comparison means something at 10 minutes
    assert sum(c.overall.covered for c in found.children) == found.area.overall.covered
