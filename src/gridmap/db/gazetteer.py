"""Address matching against the gazetteer: compounds, buildings, units and households.

Set-based: a whole batch of parsed addresses is matched in one statement — compound names
joined exactly (written with or without 小区), then buildings, units, rooms and the place
(grid, community, street, district) of every candidate — and a second statement only for the
addresses whose compound matched no name exactly, by trigram similarity (``pg_trgm``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, text

from gridmap.db.locate import PLACE_COLUMNS, Place
from gridmap.db.prepared import Prepared

FUZZY_THRESHOLD = 0.2  # pg_trgm similarity below which a compound name is not a candidate
CANDIDATES_PER_ADDRESS = 3


class AddressQuery(NamedTuple):
    """The parts of one parsed address that the gazetteer can match."""

    community: str | None
    compound: str | None
    building: str | None
    unit: str | None
    room: str | None


class Candidate(NamedTuple):
    """One place an address may mean, with what matched (the columns of _CANDIDATES)."""

    idx: int  # position of the address in the batch
    compound_id: int
    compound: str
    community_code: str
    community: str
    compound_similarity: float  # 1.0 for an exact name
    community_matches: bool | None  # None when the address names no community
    building_id: int | None
    building: str | None
    unit_id: int | None
    unit: str | None
    household_id: int | None
    room: str | None
    lon: float
    lat: float
    place: Place | None  # None for a place outside every grid


_EXACT_PAIRS = """
    SELECT s.idx, cp.id, 1.0::float FROM unnest(:sidx, :sname) AS s(idx, name)
    JOIN compounds cp ON cp.name = s.name
"""
_FUZZY_PAIRS = """
    SELECT f.idx, m.id, m.sim
    FROM unnest(:fidx, :fcompound, :fcommunity) AS f(idx, compound, community)
    CROSS JOIN LATERAL (
        SELECT cp.id, similarity(cp.name, f.compound) AS sim
        FROM compounds cp JOIN communities c ON c.code = cp.community_code
        WHERE cp.name % f.compound
        ORDER BY (f.community IS NOT NULL AND c.name = f.community) DESC,
                 similarity(cp.name, f.compound) DESC, cp.id
        LIMIT :limit
    ) m
"""
_CANDIDATES = f"""
    SELECT DISTINCT ON (p.idx, cp.id)
           p.idx, cp.id AS compound_id, cp.name AS compound, cc.code AS compound_community,
           cc.name AS compound_community_name, p.sim,
           CASE WHEN q.community IS NULL THEN NULL
                ELSE cc.name = q.community OR similarity(cc.name, q.community) > 0.4 END
               AS community_matches,
           b.id AS building_id, b.number AS building, u.id AS unit_id, u.number AS unit,
           h.id AS household_id, h.room,
           ST_X(coalesce(h.geom, b.geom, ST_PointOnSurface(cp.geom))) AS lon,
           ST_Y(coalesce(h.geom, b.geom, ST_PointOnSurface(cp.geom))) AS lat,
           {PLACE_COLUMNS}
    FROM ({{pairs}}) AS p(idx, compound_id, sim)
    JOIN unnest(:idx, :community, :building, :unit, :room)
         AS q(idx, community, building, unit, room) ON q.idx = p.idx
    JOIN compounds cp ON cp.id = p.compound_id
    JOIN communities cc ON cc.code = cp.community_code
    LEFT JOIN buildings b ON b.compound_id = cp.id AND b.number = q.building
    LEFT JOIN units u ON u.building_id = b.id AND u.number = q.unit
    {{households}}
    LEFT JOIN LATERAL (  -- two indexed lookups: by id, or (a compound only) by location
        (SELECT g.* FROM grids g WHERE g.id = coalesce(h.grid_id, b.grid_id))
        UNION ALL
        (SELECT g.* FROM grids g
         WHERE b.id IS NULL AND g.valid_to IS NULL
           AND ST_Intersects(g.geom, ST_PointOnSurface(cp.geom)))
        LIMIT 1
    ) g ON true
    LEFT JOIN communities c ON c.code = g.community_code
    LEFT JOIN streets s ON s.code = c.street_code
    LEFT JOIN districts d ON d.code = s.district_code
    ORDER BY p.idx, cp.id
"""
_HOUSEHOLDS = """LEFT JOIN LATERAL (  -- indexed lookups: a hash join would scan every household
        SELECT h.id, h.room, h.geom, h.grid_id FROM households h
        WHERE h.building_id = b.id AND h.room = q.room AND (q.unit IS NULL OR h.unit_id = u.id)
        ORDER BY h.unit_id LIMIT 1
    ) h ON true"""
_NO_HOUSEHOLDS = """LEFT JOIN (SELECT NULL::bigint, NULL::text, NULL::geometry, NULL::int)
        AS h(id, room, geom, grid_id) ON false"""
_QUERY_TYPES = {
    "idx": "int[]",
    "community": "text[]",
    "building": "text[]",
    "unit": "text[]",
    "room": "text[]",
}
_EXACT = {"sidx": "int[]", "sname": "text[]"}
_SIMILAR = {"fidx": "int[]", "fcompound": "text[]", "fcommunity": "text[]", "limit": "int"}
# (similar names?, households?) -> statement; without households for callers who may see
# none (row-level security would hide every one: looking them up is wasted work)
_STATEMENTS = {
    (similar, households): Prepared(
        _CANDIDATES.format(
            pairs=_FUZZY_PAIRS if similar else _EXACT_PAIRS,
            households=_HOUSEHOLDS if households else _NO_HOUSEHOLDS,
        ),
        **_QUERY_TYPES,
        **(_SIMILAR if similar else _EXACT),
    )
    for similar in (False, True)
    for households in (False, True)
}


def _spellings(compound: str) -> tuple[str, str]:
    """A compound is written with or without 小区: try both."""
    return (compound, compound[:-2]) if compound.endswith("小区") else (compound, compound + "小区")


def match_addresses(
    conn: Connection, queries: Sequence[AddressQuery], households: bool = True
) -> list[list[Candidate]]:
    """Candidates for every address of the batch, in input order (possibly none); down to
    the household only with ``households`` (else to the building at most)."""
    results: list[list[Candidate]] = [[] for _ in queries]
    named = [i for i, q in enumerate(queries) if q.compound]
    if not named:
        return results
    parts = {
        "idx": list(range(len(queries))),
        "community": [q.community for q in queries],
        "building": [q.building for q in queries],
        "unit": [q.unit for q in queries],
        "room": [q.room for q in queries],
    }
    spelled = [(i, name) for i in named for name in _spellings(queries[i].compound or "")]
    rows = _STATEMENTS[False, households].execute(
        conn, {**parts, "sidx": [s[0] for s in spelled], "sname": [s[1] for s in spelled]}
    )
    _collect(rows.all(), results)
    misses = [i for i in named if not results[i]]
    if misses:
        conn.execute(text("SET LOCAL pg_trgm.similarity_threshold = :t"), {"t": FUZZY_THRESHOLD})
        rows = _STATEMENTS[True, households].execute(
            conn,
            {
                **parts,
                "fidx": misses,
                "fcompound": [queries[i].compound for i in misses],
                "fcommunity": [queries[i].community for i in misses],
                "limit": CANDIDATES_PER_ADDRESS,
            },
        )
        _collect(rows.all(), results)
    return results


def _collect(rows: Sequence[Row[Any]], results: list[list[Candidate]]) -> None:
    """Rows of _CANDIDATES (Candidate's fields in order, then the place) into ``results``."""
    at = len(Candidate._fields) - 1
    for row in rows:
        place = Place._make(row[at:]) if row[at] is not None else None
        results[row[0]].append(Candidate._make((*row[:at], place)))
