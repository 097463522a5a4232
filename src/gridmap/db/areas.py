"""Queries over the area hierarchy (districts, streets, communities, grids)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, text

GRID_COLUMNS = """
g.id, g.code, g.name, g.kind, g.category, g.responsible_body, g.area_m2, g.community_code,
g.valid_from, g.valid_to
"""


def grids_page(conn: Connection, after_code: str | None, limit: int) -> list[RowMapping]:
    """Current grids ordered by code, starting after ``after_code`` (keyset pagination)."""
    sql = text(f"""
        SELECT {GRID_COLUMNS} FROM grids g
        WHERE g.valid_to IS NULL AND (CAST(:after AS text) IS NULL OR g.code > :after)
        ORDER BY g.code LIMIT :limit
    """)
    return list(conn.execute(sql, {"after": after_code, "limit": limit}).mappings())


def count_current_grids(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM grids WHERE valid_to IS NULL")).scalar_one()


def table_counts(conn: Connection) -> dict[str, int]:
    """Row counts of the main tables (cheap estimates are not enough for a health check)."""
    tables = (
        "districts",
        "streets",
        "communities",
        "grids",
        "households",
        "stations",
        "road_edges",
    )
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return {name: count for name, count in conn.execute(text(sql))}
