"""The statements of placing and moving a station: its grids, its position, its edge, its
reach, the nearest-station table of its kind and the walks of the households it may now serve.

The arithmetic (which nodes and households change) is the service's; these functions only
read and write, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Row, RowMapping, text

from gridmap.db.bulk import copy_lines
from gridmap.db.prepared import Prepared


def kind_of(conn: Connection, station_id: int) -> str | None:
    """The station's kind, or None when there is no such station."""
    return conn.execute(text("SELECT kind FROM stations WHERE id = :s"), {"s": station_id}).scalar()


def kind_position(conn: Connection, kind: str) -> int:
    """The 1-based position of ``kind`` in household_walks' per-kind arrays."""
    return int(
        conn.execute(
            text("SELECT sort + 1 FROM station_kinds WHERE code = :k"), {"k": kind}
        ).scalar_one()
    )


def put(
    conn: Connection, station_id: int, lon: float, lat: float, community: str | None = None
) -> bool:
    """Move the station (and, given, into ``community``); False when no row was visible."""
    return bool(
        conn.execute(
            text(
                "UPDATE stations SET geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326),"
                " community_code = coalesce(:c, community_code) WHERE id = :s"
            ),
            {"x": lon, "y": lat, "s": station_id, "c": community},
        ).rowcount
    )


def community_at(conn: Connection, lon: float, lat: float) -> str | None:
    """The code of the community at (lon, lat), or None outside every community."""
    return conn.execute(
        text(
            "SELECT code FROM communities"
            " WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            " ORDER BY code LIMIT 1"
        ),
        {"x": lon, "y": lat},
    ).scalar()


def reattach(
    conn: Connection, station_id: int, edge_id: int, fraction: float, snap_m: float
) -> int | None:
    """Join the station to another edge; returns the edge it was on (None if none)."""
    old_edge = conn.execute(
        text("DELETE FROM station_edges WHERE station_id = :s RETURNING edge_id"), {"s": station_id}
    ).scalar()
    conn.execute(
        text("INSERT INTO station_edges VALUES (:s, :e, :f, :d)"),
        {"s": station_id, "e": edge_id, "f": fraction, "d": snap_m},
    )
    return old_edge


def attached(conn: Connection) -> list[RowMapping]:
    """Every station with its kind and the edge it joins, by id."""
    return list(
        conn.execute(
            text("""
        SELECT se.station_id AS id, st.kind, e.source, e.target, e.length_m, se.fraction,
               se.snap_m, se.edge_id
        FROM station_edges se JOIN stations st ON st.id = se.station_id
        JOIN road_edges e ON e.id = se.edge_id ORDER BY se.station_id
    """)
        ).mappings()
    )


def replace_reach(
    conn: Connection, station_id: int, nodes: Sequence[int], meters: Sequence[float]
) -> None:
    """The station's walking distance to each node it reaches, instead of the old ones."""
    conn.execute(text("DELETE FROM station_reach WHERE station_id = :s"), {"s": station_id})
    copy_lines(
        conn,
        "station_reach",
        ("station_id", "node_id", "meters"),
        (f"{station_id}\t{n}\t{m:.2f}\n" for n, m in zip(nodes, meters, strict=True)),
    )


def nearest_rows(
    conn: Connection, kind: str, station_id: int, node_ids: Sequence[int]
) -> list[Row]:  # type: ignore[type-arg]
    """(node, station, meters) of the nodes of ``kind`` the station serves or ``node_ids``."""
    return list(
        conn.execute(
            text(
                "SELECT node_id, station_id, meters FROM node_nearest"
                " WHERE kind = :k AND (station_id = :s OR node_id = ANY(:n))"
            ),
            {"k": kind, "s": station_id, "n": list(node_ids)},
        )
    )


def replace_nearest(
    conn: Connection,
    kind: str,
    node_ids: Sequence[int],
    kept: tuple[Sequence[int], Sequence[int], Sequence[float]],
) -> None:
    """Drop the nodes' rows of ``kind`` and write ``kept``: (nodes, stations, meters)."""
    conn.execute(
        text("DELETE FROM node_nearest WHERE kind = :k AND node_id = ANY(:n)"),
        {"k": kind, "n": list(node_ids)},
    )
    copy_lines(
        conn,
        "node_nearest",
        ("node_id", "kind", "station_id", "meters"),
        (f"{n}\t{kind}\t{s}\t{m:.2f}\n" for n, s, m in zip(*kept, strict=True)),
    )


def walks_at(conn: Connection, node_ids: Sequence[int], edge_ids: Sequence[int]) -> list[Row]:  # type: ignore[type-arg]
    """The walks of households on edges at ``node_ids`` or on ``edge_ids``: household, edge,
    fraction, snap, and the edge's source, target and length."""
    return list(
        conn.execute(
            text("""
        SELECT w.household_id, w.edge_id, w.fraction, w.snap_m, e.source, e.target, e.length_m
        FROM road_edges e JOIN household_walks w ON w.edge_id = e.id
        WHERE e.source = ANY(:n) OR e.target = ANY(:n) OR e.id = ANY(:e)
    """),
            {"n": list(node_ids), "e": list(edge_ids)},
        )
    )


_UPDATE_WALKS = Prepared(
    """
    UPDATE household_walks w SET meters[:position] = u.meters, stations[:position] = u.station
    FROM unnest(:ids, :meters, :stations) AS u(id, meters, station)
    WHERE w.household_id = u.id
    """,
    position="int",
    ids="bigint[]",
    meters="float8[]",
    stations="int[]",
)


def update_walks(
    conn: Connection,
    position: int,
    household_ids: Sequence[int],
    meters: Sequence[float | None],
    stations: Sequence[int | None],
) -> None:
    """Set one kind's walk (the ``position``-th element) of each household."""
    _UPDATE_WALKS.execute(
        conn,
        {
            "position": position,
            "ids": list(household_ids),
            "meters": list(meters),
            "stations": list(stations),
        },
    )


def link_to_grids(conn: Connection, within_m: float) -> None:
    """Record that each station serves the current grids of its community whose centre lies
    within ``within_m`` of it (the demo's assignment; districts maintain their own)."""
    conn.execute(
        text("""
        INSERT INTO station_grids (station_id, grid_id)
        SELECT s.id, g.id
        FROM stations s
        JOIN grids g ON g.community_code = s.community_code AND g.valid_to IS NULL
         AND ST_DWithin(s.geom::geography, ST_Centroid(g.geom)::geography, :m)
        """),
        {"m": within_m},
    )
