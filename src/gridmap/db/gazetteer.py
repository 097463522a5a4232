"""Address matching against the gazetteer: compounds, buildings, units and households.

Set-based: a whole batch of parsed addresses is matched in three statements — exact compound
names by a hash join, the misses by trigram similarity (``pg_trgm``), then buildings, units
and rooms for every candidate at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Double, Integer, Text

FUZZY_THRESHOLD = 0.2  # pg_trgm similarity below which a compound name is not a candidate
CANDIDATES_PER_ADDRESS = 3


@dataclass(frozen=True, slots=True)
class AddressQuery:
    """The parts of one parsed address that the gazetteer can match."""

    community: str | None
    compound: str | None
    building: str | None
    unit: str | None
    room: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place an address may mean, with what matched."""

    index: int  # position of the address in the batch
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
    grid_id: int | None
    lon: float
    lat: float


def _arrays(queries: Sequence[AddressQuery]) -> dict[str, list]:
    return {
        "idx": list(range(len(queries))),
        "community": [q.community for q in queries],
        "compound": [q.compound for q in queries],
    }


_EXACT = text("""
    SELECT q.idx, cp.id, similarity(cp.name, q.compound) AS sim
    FROM unnest(:idx, :compound) AS q(idx, compound)
    JOIN compounds cp ON cp.name = q.compound
""").bindparams(bindparam("idx", type_=ARRAY(Integer)), bindparam("compound", type_=ARRAY(Text)))

_FUZZY = text("""
    SELECT q.idx, m.id, m.sim
    FROM unnest(:idx, :compound, :community) AS q(idx, compound, community)
    CROSS JOIN LATERAL (
        SELECT cp.id, similarity(cp.name, q.compound) AS sim
        FROM compounds cp JOIN communities c ON c.code = cp.community_code
        WHERE cp.name % q.compound
        ORDER BY (q.community IS NOT NULL AND c.name = q.community) DESC,
                 similarity(cp.name, q.compound) DESC, cp.id
        LIMIT :limit
    ) m
""").bindparams(
    bindparam("idx", type_=ARRAY(Integer)),
    bindparam("compound", type_=ARRAY(Text)),
    bindparam("community", type_=ARRAY(Text)),
)

_DETAIL = text("""
    SELECT DISTINCT ON (p.idx, cp.id)
           p.idx, cp.id AS compound_id, cp.name AS compound, c.code AS community_code,
           c.name AS community, p.sim,
           CASE WHEN q.community IS NULL THEN NULL
                ELSE c.name = q.community OR similarity(c.name, q.community) > 0.4 END
               AS community_matches,
           b.id AS building_id, b.number AS building, u.id AS unit_id, u.number AS unit,
           h.id AS household_id, h.room, coalesce(h.grid_id, b.grid_id, g.id) AS grid_id,
           ST_X(coalesce(h.geom, b.geom, g.point)) AS lon,
           ST_Y(coalesce(h.geom, b.geom, g.point)) AS lat
    FROM unnest(:pidx, :pcompound, :psim) AS p(idx, compound_id, sim)
    JOIN unnest(:idx, :community, :building, :unit, :room)
         AS q(idx, community, building, unit, room) ON q.idx = p.idx
    JOIN compounds cp ON cp.id = p.compound_id
    JOIN communities c ON c.code = cp.community_code
    LEFT JOIN buildings b ON b.compound_id = cp.id AND b.number = q.building
    LEFT JOIN units u ON u.building_id = b.id AND u.number = q.unit
    LEFT JOIN households h ON h.building_id = b.id AND h.room = q.room
          AND (q.unit IS NULL OR h.unit_id = u.id)
    LEFT JOIN LATERAL (
        SELECT g.id, ST_PointOnSurface(cp.geom) AS point FROM grids g
        WHERE b.id IS NULL AND g.valid_to IS NULL
          AND ST_Intersects(g.geom, ST_PointOnSurface(cp.geom))
        LIMIT 1
    ) g ON true
    ORDER BY p.idx, cp.id, h.unit_id
""").bindparams(
    bindparam("pidx", type_=ARRAY(Integer)),
    bindparam("pcompound", type_=ARRAY(Integer)),
    bindparam("psim", type_=ARRAY(Double)),
    bindparam("idx", type_=ARRAY(Integer)),
    bindparam("community", type_=ARRAY(Text)),
    bindparam("building", type_=ARRAY(Text)),
    bindparam("unit", type_=ARRAY(Text)),
    bindparam("room", type_=ARRAY(Text)),
)


def match_addresses(conn: Connection, queries: Sequence[AddressQuery]) -> list[list[Candidate]]:
    """Candidates for every address of the batch, in input order (possibly none)."""
    pairs: dict[int, dict[int, float]] = {}
    named = [i for i, q in enumerate(queries) if q.compound]
    if named:
        sub = [queries[i] for i in named]
        rows = conn.execute(_EXACT, {"idx": named, "compound": [q.compound for q in sub]})
        for idx, compound_id, sim in rows:
            pairs.setdefault(idx, {})[compound_id] = float(sim)
    misses = [i for i in named if i not in pairs]
    if misses:
        conn.execute(text("SET LOCAL pg_trgm.similarity_threshold = :t"), {"t": FUZZY_THRESHOLD})
        rows = conn.execute(
            _FUZZY,
            {
                "idx": misses,
                "compound": [queries[i].compound for i in misses],
                "community": [queries[i].community for i in misses],
                "limit": CANDIDATES_PER_ADDRESS,
            },
        )
        for idx, compound_id, sim in rows:
            pairs.setdefault(idx, {})[compound_id] = float(sim)
    results: list[list[Candidate]] = [[] for _ in queries]
    flat = [(i, cid, sim) for i, found in pairs.items() for cid, sim in found.items()]
    if not flat:
        return results
    rows = (
        conn.execute(
            _DETAIL,
            {
                "pidx": [f[0] for f in flat],
                "pcompound": [f[1] for f in flat],
                "psim": [f[2] for f in flat],
                "idx": list(range(len(queries))),
                "community": [q.community for q in queries],
                "building": [q.building for q in queries],
                "unit": [q.unit for q in queries],
                "room": [q.room for q in queries],
            },
        )
        .mappings()
        .all()
    )
    for row in rows:
        results[row["idx"]].append(
            Candidate(
                index=row["idx"],
                compound_id=row["compound_id"],
                compound=row["compound"],
                community_code=row["community_code"],
                community=row["community"],
                compound_similarity=float(row["sim"]),
                community_matches=row["community_matches"],
                building_id=row["building_id"],
                building=row["building"],
                unit_id=row["unit_id"],
                unit=row["unit"],
                household_id=row["household_id"],
                room=row["room"],
                grid_id=row["grid_id"],
                lon=row["lon"],
                lat=row["lat"],
            )
        )
    return results
