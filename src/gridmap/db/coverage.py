"""The coverage audit in SQL over ``household_walks``: one pass over an area's households."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, text

from gridmap.domain.hierarchy import FLAGS

CHILD_LENGTH = {6: 9, 9: 12, 12: 15, 15: 15}  # area code length -> its children's


def _within(positions: Sequence[int]) -> str:
    return " OR ".join(f"w.meters[{p}] <= :d" for p in positions) or "false"


def audit(
    conn: Connection, area_code: str, positions: dict[str, int], meters: float, by_child: bool
) -> list[RowMapping]:
    """Households, covered (by any of the kinds, and by each), and uncovered flag counts.

    ``positions`` maps each kind to its index in the walk arrays (1-based); per-kind columns
    are ``covered_<i>`` and ``elderly_uncovered_<i>`` in that order.  One row for the area,
    or one per child area when ``by_child``.
    """
    kinds = list(positions.items())
    per_kind = ", ".join(
        f"count(*) FILTER (WHERE w.meters[{p}] <= :d) AS covered_{i}"
        for i, (_, p) in enumerate(kinds)
    )
    any_kind = _within(list(positions.values()))
    flags = ", ".join(
        f"count(*) FILTER (WHERE NOT ({any_kind}) AND h.{f}) AS uncovered_{f}" for f in FLAGS
    )
    per_kind_flags = ", ".join(
        f"count(*) FILTER (WHERE NOT coalesce(w.meters[{p}] <= :d, false) AND h.elderly_alone)"
        f" AS elderly_uncovered_{i}"
        for i, (_, p) in enumerate(kinds)
    )
    group = f"left(w.grid_code, {CHILD_LENGTH[len(area_code)]})" if by_child else ":area"
    sql = f"""
        SELECT {group} AS code, count(*) AS total,
               coalesce(sum(h.residents), 0) AS residents,
               count(*) FILTER (WHERE {any_kind}) AS covered,
               count(*) FILTER (WHERE w.edge_id IS NULL) AS off_network,
               {per_kind}, {flags}, {per_kind_flags}
        FROM household_walks w JOIN households h ON h.id = w.household_id
        WHERE w.grid_code LIKE :area || '%'
        GROUP BY 1 ORDER BY 1
    """
    return list(conn.execute(text(sql), {"area": area_code, "d": meters}).mappings().all())


def uncovered_buildings(
    conn: Connection, area_code: str, positions: Sequence[int], meters: float, limit: int
) -> list[RowMapping]:
    """Buildings with households beyond reach of every given kind, most such households first."""
    flag_sums = ", ".join(f"count(*) FILTER (WHERE h.{f}) AS {f}" for f in FLAGS)
    sql = f"""
        SELECT b.id, b.number, cp.name AS compound, w.grid_code, count(*) AS households,
               coalesce(sum(h.residents), 0) AS residents, {flag_sums},
               ST_X(b.geom) AS lon, ST_Y(b.geom) AS lat
        FROM household_walks w JOIN households h ON h.id = w.household_id
        JOIN buildings b ON b.id = h.building_id LEFT JOIN compounds cp ON cp.id = b.compound_id
        WHERE w.grid_code LIKE :area || '%' AND NOT ({_within(positions)})
        GROUP BY b.id, b.number, cp.name, w.grid_code
        ORDER BY households DESC, b.id LIMIT :limit
    """
    return list(
        conn.execute(text(sql), {"area": area_code, "d": meters, "limit": limit}).mappings().all()
    )


def catchments(conn: Connection, position: int, area_code: str | None) -> list[RowMapping]:
    """The nearest-station partition for one kind: each station's households and residents."""
    sql = """
        SELECT w.stations[:p] AS station_id, count(*) AS households,
               coalesce(sum(h.residents), 0) AS residents, avg(w.meters[:p]) AS mean_meters,
               max(w.meters[:p]) AS max_meters
        FROM household_walks w JOIN households h ON h.id = w.household_id
        WHERE w.stations[:p] IS NOT NULL
          AND (CAST(:area AS text) IS NULL OR w.grid_code LIKE :area || '%')
        GROUP BY 1 ORDER BY households DESC
    """
    return list(conn.execute(text(sql), {"p": position, "area": area_code}).mappings().all())


def area_exists(conn: Connection, code: str) -> str | None:
    """The name of the area with this code, or None."""
    sql = text("""
        SELECT name FROM districts WHERE code = :c UNION ALL
        SELECT name FROM streets WHERE code = :c UNION ALL
        SELECT name FROM communities WHERE code = :c UNION ALL
        SELECT name FROM grids WHERE code = :c AND valid_to IS NULL LIMIT 1
    """)
    return conn.execute(sql, {"c": code}).scalar()


def names(conn: Connection, codes: Sequence[str]) -> dict[str, str]:
    sql = text("""
        SELECT code, name FROM streets WHERE code = ANY(:c) UNION ALL
        SELECT code, name FROM communities WHERE code = ANY(:c) UNION ALL
        SELECT code, name FROM grids WHERE code = ANY(:c) AND valid_to IS NULL
    """)
    return dict(conn.execute(sql, {"c": list(codes)}).all())
