"""The integrity report: set-based checks of the hierarchy's rules, each one statement.

Full coverage, one-to-one (全覆盖、一一对应): the current grids of a community tile it with
no gap and no overlap and stay inside it; every building and household lies in exactly one
grid (the one it is recorded in); stations lie in the community their record names.  Codes
are 15 digits, unique and prefixed by their community's.  Gaps, overlaps and overhangs are
measured in m² (geography) and located by a point on them; parts smaller than the sliver
tolerance are warnings (digitising noise), larger ones errors.  Each check lists at most
``LISTED`` findings and says how many there are in all.

Every function takes ``patterns``: SQL LIKE patterns of the area codes to look at
(``['%']`` for everything, ``['321102001%']`` for a street).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from gridmap.domain.hierarchy import CODE_LENGTH

LISTED = 200  # findings listed per check; the rest are counted
NOISE_M2 = 0.01  # below this a gap or overlap is floating-point noise, not digitising


def _valid(geom: str) -> str:
    """``geom`` made valid for overlays (invalid ones are reported on their own)."""
    return (
        f"(CASE WHEN ST_IsValid({geom}) THEN {geom} "
        f"ELSE ST_CollectionExtract(ST_MakeValid({geom}), 3) END)"
    )


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # "error" or "warning"
    code: str | None  # the area (or station/building/household id) it concerns
    message: str
    lon: float | None = None
    lat: float | None = None
    area_m2: float | None = None


def _rows(conn: Connection, sql: str, params: dict) -> list:  # type: ignore[type-arg]
    return list(conn.execute(text(sql), params).mappings())


def _more(found: list[Finding], total: int, check: str, what: str) -> list[Finding]:
    if total > len(found):
        found.append(
            Finding(
                check,
                found[0].severity,
                None,
                f"… and {total - len(found):,} more {what} (listed: {len(found)})",
            )
        )
    return found


def _parts(
    conn: Connection, check: str, sql: str, params: dict, sliver_m2: float, describe: str
) -> list[Finding]:
    """Findings for polygon parts (``code``, ``part``) from ``sql``: area and location."""
    rows = _rows(
        conn,
        f"""
        SELECT *, count(*) OVER () AS total FROM (
            SELECT q.code, ST_Area(d.geom::geography) AS m2,
                   ST_X(ST_PointOnSurface(d.geom)) AS lon, ST_Y(ST_PointOnSurface(d.geom)) AS lat
            FROM ({sql}) q, ST_Dump(ST_CollectionExtract(q.part, 3)) d
        ) p WHERE m2 >= :noise ORDER BY m2 DESC, code LIMIT :listed
    """,
        {**params, "noise": NOISE_M2, "listed": LISTED},
    )
    found = [
        Finding(
            check,
            "error" if r["m2"] >= sliver_m2 else "warning",
            r["code"],
            describe.format(code=r["code"], m2=r["m2"], lon=r["lon"], lat=r["lat"]),
            r["lon"],
            r["lat"],
            round(r["m2"], 2),
        )
        for r in rows
    ]
    return _more(found, rows[0]["total"] if rows else 0, check, "parts")


def invalid_geometries(conn: Connection, patterns: list[str]) -> list[Finding]:
    """Self-intersections and other invalid rings in streets, communities and grids."""
    rows = _rows(
        conn,
        """
        SELECT t.code, (ST_IsValidDetail(t.geom)).reason,
               ST_X((ST_IsValidDetail(t.geom)).location) AS lon,
               ST_Y((ST_IsValidDetail(t.geom)).location) AS lat
        FROM (SELECT code, geom FROM streets UNION ALL SELECT code, geom FROM communities
              UNION ALL SELECT code, geom FROM grids WHERE valid_to IS NULL) t
        WHERE t.code LIKE ANY(:p) AND NOT ST_IsValid(t.geom)
        ORDER BY t.code LIMIT :listed
    """,
        {"p": patterns, "listed": LISTED},
    )
    return [
        Finding(
            "invalid_geometry",
            "error",
            r["code"],
            f"{r['code']}: invalid geometry ({r['reason']})",
            r["lon"],
            r["lat"],
        )
        for r in rows
    ]


def grid_codes(conn: Connection, patterns: list[str]) -> list[Finding]:
    """Current grid codes that are not 15 digits, repeat, or do not start with their
    community's code."""
    rows = _rows(
        conn,
        """
        SELECT g.code, g.community_code,
               g.code !~ ('^[0-9]{' || :grid || '}$') AS malformed,
               left(g.code, :community) <> g.community_code AS wrong_prefix,
               count(*) OVER (PARTITION BY g.code) > 1 AS repeated
        FROM grids g WHERE g.valid_to IS NULL AND g.code LIKE ANY(:p)
    """,
        {"p": patterns, "grid": CODE_LENGTH["grid"], "community": CODE_LENGTH["community"]},
    )
    found = []
    for r in rows:
        if r["malformed"]:
            found.append(
                Finding(
                    "grid_code",
                    "error",
                    r["code"],
                    f"grid code {r['code']} is not {CODE_LENGTH['grid']} digits",
                )
            )
        elif r["wrong_prefix"]:
            found.append(
                Finding(
                    "grid_code",
                    "error",
                    r["code"],
                    f"grid code {r['code']} does not start with its community's "
                    f"code {r['community_code']}",
                )
            )
        if r["repeated"]:
            found.append(
                Finding(
                    "grid_code",
                    "error",
                    r["code"],
                    f"grid code {r['code']} is used by more than one current grid",
                )
            )
    return found[:LISTED]


def coverage_gaps(conn: Connection, patterns: list[str], sliver_m2: float) -> list[Finding]:
    """Parts of communities that have grids but are covered by none of them."""
    sql = f"""
        SELECT c.code, ST_Difference({_valid("c.geom")}, u.geom) AS part
        FROM communities c
        JOIN LATERAL (SELECT ST_Union({_valid("g.geom")}) AS geom FROM grids g
                      WHERE g.community_code = c.code AND g.valid_to IS NULL) u
          ON u.geom IS NOT NULL
        WHERE c.code LIKE ANY(:p)
    """
    return _parts(
        conn,
        "coverage_gap",
        sql,
        {"p": patterns},
        sliver_m2,
        "community {code}: {m2:,.1f} m² covered by no grid, around {lon:.6f}, {lat:.6f}",
    )


def overlaps(conn: Connection, patterns: list[str], sliver_m2: float) -> list[Finding]:
    """Current grids overlapping each other (shared edges are fine, shared area is not)."""
    sql = f"""
        SELECT a.code || ' & ' || b.code AS code,
               ST_Intersection({_valid("a.geom")}, {_valid("b.geom")}) AS part
        FROM grids a JOIN grids b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
        WHERE a.valid_to IS NULL AND b.valid_to IS NULL
          AND (a.code LIKE ANY(:p) OR b.code LIKE ANY(:p))
          AND ST_Relate({_valid("a.geom")}, {_valid("b.geom")}, '2********')
    """
    return _parts(
        conn,
        "grid_overlap",
        sql,
        {"p": patterns},
        sliver_m2,
        "grids {code} overlap by {m2:,.1f} m² around {lon:.6f}, {lat:.6f}",
    )


def outside_community(conn: Connection, patterns: list[str], sliver_m2: float) -> list[Finding]:
    """Current grids reaching outside the community they belong to."""
    sql = f"""
        SELECT g.code, ST_Difference({_valid("g.geom")}, {_valid("c.geom")}) AS part
        FROM grids g JOIN communities c ON c.code = g.community_code
        WHERE g.valid_to IS NULL AND g.code LIKE ANY(:p)
          AND NOT ST_CoveredBy({_valid("g.geom")}, {_valid("c.geom")})
    """
    return _parts(
        conn,
        "grid_outside_community",
        sql,
        {"p": patterns},
        sliver_m2,
        "grid {code} reaches {m2:,.1f} m² outside its community, around {lon:.6f}, {lat:.6f}",
    )


def empty_communities(conn: Connection, patterns: list[str]) -> list[Finding]:
    rows = _rows(
        conn,
        """
        SELECT c.code, c.name, ST_X(ST_PointOnSurface(c.geom)) AS lon,
               ST_Y(ST_PointOnSurface(c.geom)) AS lat, ST_Area(c.geom::geography) AS m2
        FROM communities c
        WHERE c.code LIKE ANY(:p) AND NOT EXISTS (
            SELECT 1 FROM grids g WHERE g.community_code = c.code AND g.valid_to IS NULL)
        ORDER BY c.code LIMIT :listed
    """,
        {"p": patterns, "listed": LISTED},
    )
    return [
        Finding(
            "community_without_grids",
            "error",
            r["code"],
            f"community {r['code']} {r['name']} ({r['m2']:,.0f} m²) has no grids",
            r["lon"],
            r["lat"],
            round(r["m2"], 1),
        )
        for r in rows
    ]


def points_in_grids(
    conn: Connection, table: str, patterns: list[str], ids: list[int] | None = None
) -> list[Finding]:
    """Buildings or households lying in no current grid, in more than one, or in another
    grid than the one they are recorded in."""
    label = table.rstrip("s")
    only = "AND t.id = ANY(:ids)" if ids is not None else ""
    rows = _rows(
        conn,
        f"""
        SELECT *, count(*) OVER () AS total FROM (
            SELECT t.id, r.code AS recorded, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat,
                   array_agg(g.code ORDER BY g.code) FILTER (WHERE g.id IS NOT NULL) AS inside
            FROM {table} t JOIN grids r ON r.id = t.grid_id
            LEFT JOIN grids g ON g.valid_to IS NULL AND ST_Intersects(g.geom, t.geom)
            WHERE r.code LIKE ANY(:p) {only}
            GROUP BY t.id, r.code, t.geom
            HAVING count(g.id) <> 1 OR NOT coalesce(bool_or(g.id = t.grid_id), false)
        ) x ORDER BY id LIMIT :listed
    """,
        {"p": patterns, "ids": ids, "listed": LISTED},
    )
    found = []
    for r in rows:
        inside = r["inside"] or []
        if not inside:
            why = "lies in no grid"
        elif len(inside) > 1:
            why = f"lies in {len(inside)} grids ({', '.join(inside)})"
        else:
            why = f"lies in grid {inside[0]}"
        found.append(
            Finding(
                f"{label}_grid",
                "error",
                str(r["id"]),
                f"{label} {r['id']} (recorded in grid {r['recorded']}) {why}, at "
                f"{r['lon']:.6f}, {r['lat']:.6f}",
                r["lon"],
                r["lat"],
            )
        )
    return _more(found, rows[0]["total"] if rows else 0, f"{label}_grid", f"{table}")


def stations_outside(
    conn: Connection, patterns: list[str], ids: list[int] | None = None
) -> list[dict]:  # type: ignore[type-arg]
    """Stations outside the community (and street) their record names, with how far, and
    where they do lie: rows for the caller to judge (a wrong CRS shows as a 100–700 m shift)."""
    only = "AND s.id = ANY(:ids)" if ids is not None else ""
    return _rows(
        conn,
        f"""
        SELECT s.id, s.name, s.community_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
               ST_Distance(s.geom::geography, c.geom::geography) AS meters,
               ST_Intersects(st.geom, s.geom) AS in_street,
               (SELECT o.code FROM communities o WHERE ST_Intersects(o.geom, s.geom)
                ORDER BY o.code LIMIT 1) AS lies_in
        FROM stations s JOIN communities c ON c.code = s.community_code
        JOIN streets st ON st.code = c.street_code
        WHERE s.community_code LIKE ANY(:p) {only} AND NOT ST_Intersects(c.geom, s.geom)
        ORDER BY s.id LIMIT :listed
    """,
        {"p": patterns, "ids": ids, "listed": LISTED},
    )


def communities_containing(
    conn: Connection, codes: list[str], lons: list[float], lats: list[float]
) -> list[bool]:
    """Whether each point lies in the community of the same position (for CRS hints)."""
    if not codes:
        return []
    rows = (
        conn.execute(
            text("""
        SELECT coalesce(ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(q.x, q.y), 4326)), false)
        FROM unnest(CAST(:codes AS text[]), CAST(:x AS float8[]), CAST(:y AS float8[]))
             WITH ORDINALITY AS q(code, x, y, n)
        LEFT JOIN communities c ON c.code = q.code ORDER BY q.n
    """),
            {"codes": codes, "x": lons, "y": lats},
        )
        .scalars()
        .all()
    )
    return [bool(r) for r in rows]


def summary(conn: Connection, patterns: list[str]) -> list[dict]:  # type: ignore[type-arg]
    """Per community: area, grids and the area they cover, buildings, households, stations."""
    return _rows(
        conn,
        """
        SELECT c.code, c.name, c.street_code, ST_Area(c.geom::geography) AS area_m2,
               coalesce(g.grids, 0) AS grids, coalesce(g.grid_area_m2, 0) AS grid_area_m2,
               (SELECT count(*) FROM buildings b JOIN grids x ON x.id = b.grid_id
                WHERE x.community_code = c.code) AS buildings,
               (SELECT count(*) FROM households h JOIN grids x ON x.id = h.grid_id
                WHERE x.community_code = c.code) AS households,
               (SELECT count(*) FROM stations s WHERE s.community_code = c.code) AS stations
        FROM communities c
        LEFT JOIN LATERAL (SELECT count(*) AS grids, sum(ST_Area(x.geom::geography))
                           AS grid_area_m2 FROM grids x
                           WHERE x.community_code = c.code AND x.valid_to IS NULL) g ON true
        WHERE c.code LIKE ANY(:p) ORDER BY c.code
    """,
        {"p": patterns},
    )


def parents(conn: Connection, codes: list[str]) -> list[dict]:  # type: ignore[type-arg]
    """Name and area of the districts and streets with these codes."""
    return _rows(
        conn,
        """
        SELECT code, name, ST_Area(geom::geography) AS area_m2 FROM streets
        WHERE code = ANY(:codes)
        UNION ALL
        SELECT code, name, ST_Area(geom::geography) FROM districts WHERE code = ANY(:codes)
    """,
        {"codes": codes},
    )
