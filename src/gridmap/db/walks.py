"""Household walks: where each household joins the network, and its cached walk to the
nearest station of every kind (``household_walks``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, text

from gridmap.db.bulk import copy_lines
from gridmap.db.network import attach_points
from gridmap.settings import get_settings


@dataclass(frozen=True)
class HouseholdPoints:
    ids: np.ndarray
    grid_codes: list[str]
    lons: np.ndarray
    lats: np.ndarray


@dataclass(frozen=True)
class Attachments:
    """Per household: its nearest edge and where on it (arrays aligned with the households)."""

    on_network: np.ndarray  # False when further than GRIDMAP_MAX_SNAP_M from any edge
    edge: np.ndarray
    source: np.ndarray
    target: np.ndarray
    fraction: np.ndarray
    length: np.ndarray
    snap: np.ndarray

    @classmethod
    def nowhere(cls, n: int) -> Attachments:
        """``n`` households with no walkable edge at all (the network is empty)."""
        zeros = np.zeros(n)
        ints = zeros.astype(np.int64)
        return cls(np.zeros(n, dtype=bool), ints, ints, ints, zeros, zeros, np.full(n, np.inf))


def household_points(conn: Connection, area_code: str | None = None) -> HouseholdPoints:
    """Every household (of an area) with its grid code and point."""
    rows = conn.execute(
        text("""
        SELECT h.id, g.code, ST_X(h.geom), ST_Y(h.geom) FROM households h
        JOIN grids g ON g.id = h.grid_id
        WHERE CAST(:area AS text) IS NULL OR g.code LIKE :area || '%'
        ORDER BY h.id
    """),
        {"area": area_code},
    ).all()
    if not rows:
        return HouseholdPoints(np.zeros(0, dtype=np.int64), [], np.zeros(0), np.zeros(0))
    ids, codes, lons, lats = zip(*rows, strict=True)
    return HouseholdPoints(
        np.array(ids, dtype=np.int64), list(codes), np.array(lons), np.array(lats)
    )


def attach_unique_points(conn: Connection, households: HouseholdPoints) -> Attachments:
    """Attach every household to its nearest edge; households of one stairwell share a point,
    so each distinct point is looked up once."""
    points = np.column_stack([households.lons, households.lats])
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    rows = attach_points(conn, unique[:, 0].tolist(), unique[:, 1].tolist())
    if not rows:
        empty = np.zeros(0)
        return Attachments(
            np.zeros(0, dtype=bool),
            empty.astype(np.int64),
            empty.astype(np.int64),
            empty.astype(np.int64),
            empty,
            empty,
            empty,
        )
    table = np.array(
        [
            (r["edge_id"], r["source"], r["target"], r["fraction"], r["length_m"], r["snap_m"])
            for r in rows
        ],
        dtype=np.float64,
    )[inverse]
    snap = table[:, 5]
    return Attachments(
        snap <= get_settings().max_snap_m,
        table[:, 0].astype(np.int64),
        table[:, 1].astype(np.int64),
        table[:, 2].astype(np.int64),
        table[:, 3],
        table[:, 4],
        snap,
    )


def kind_order(conn: Connection) -> list[str]:
    """Station kinds in ``station_kinds.sort`` order: the order of the walk arrays."""
    return list(conn.execute(text("SELECT code FROM station_kinds ORDER BY sort, code")).scalars())


def replace_household_walks(
    conn: Connection,
    households: HouseholdPoints,
    attached: Attachments,
    per_kind: dict[str, tuple[np.ndarray, np.ndarray]],
    kinds: list[str],
) -> None:
    """Replace ``household_walks`` (bulk COPY) in the caller's transaction.

    ``per_kind`` maps a kind to (metres, station id) arrays aligned with the households;
    ``inf`` metres / -1 station mean unreachable.
    """
    conn.execute(text("TRUNCATE household_walks"))
    copy_lines(
        conn,
        "household_walks",
        ("household_id", "grid_code", "edge_id", "fraction", "snap_m", "meters", "stations"),
        _lines(households, attached, per_kind, kinds),
    )
    conn.execute(text("ANALYZE household_walks"))


def _lines(
    households: HouseholdPoints,
    attached: Attachments,
    per_kind: dict[str, tuple[np.ndarray, np.ndarray]],
    kinds: list[str],
) -> Iterator[str]:
    n = households.ids.size
    columns = [per_kind.get(k, (np.full(n, np.inf), np.full(n, -1))) for k in kinds]
    meters = np.column_stack([np.round(c[0], 1) for c in columns]) if kinds else np.zeros((n, 0))
    stations = np.column_stack([c[1] for c in columns]) if kinds else np.zeros((n, 0))
    for i in range(n):
        on = bool(attached.on_network[i])
        m = ",".join("NULL" if not np.isfinite(v) else repr(float(v)) for v in meters[i])
        s = ",".join("NULL" if v < 0 else str(int(v)) for v in stations[i])
        edge = str(int(attached.edge[i])) if on else r"\N"
        fraction = f"{attached.fraction[i]:.6f}" if on else r"\N"
        yield (
            f"{households.ids[i]}\t{households.grid_codes[i]}\t{edge}\t{fraction}\t"
            f"{attached.snap[i]:.1f}\t{{{m}}}\t{{{s}}}\n"
        )
