"""The import benchmark: households per second for a CSV register, against a bare COPY of
the same rows into a table (the floor: what the database alone can take in).

The register is the demo's own households (community, compound, building, unit, room,
flags, contacts, lon/lat), up to a million at ``large`` scale; importing it matches every
row to its building through the gazetteer, validates it, places it in its grid and updates
the household — all inside a transaction that is rolled back, so the benchmark database is
left as it was.  The walking caches refresh (timed by the other benchmarks) is left out.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from gridmap.bench.figures import Figure, Report
from gridmap.services.access import operator
from gridmap.services.io.importing import import_file
from gridmap.services.scope import Scope

MAX_ROWS = 1_000_000
REGISTER = """
    COPY (SELECT c.name AS 社区, cp.name AS 小区, b.number AS 楼栋, u.number AS 单元,
                 h.room AS 室, h.residents AS 人数, h.party_member AS 党员户,
                 h.subsistence AS 低保户, h.elderly_alone AS 独居老人,
                 h.contact_name AS 联系人, h.contact_phone AS 联系电话,
                 round(ST_X(h.geom)::numeric, 7) AS 经度, round(ST_Y(h.geom)::numeric, 7) AS 纬度
          FROM households h JOIN buildings b ON b.id = h.building_id
          JOIN compounds cp ON cp.id = b.compound_id JOIN grids g ON g.id = h.grid_id
          JOIN communities c ON c.code = g.community_code
          LEFT JOIN units u ON u.id = h.unit_id ORDER BY h.id LIMIT {rows})
    TO STDOUT WITH (FORMAT csv, HEADER)
"""
FLOOR_TABLE = """
    CREATE TEMP TABLE register (community text, compound text, building text, unit text,
        room text, residents integer, party_member boolean, subsistence boolean,
        elderly_alone boolean, contact_name text, contact_phone text, lon float8, lat float8)
"""


def _write_register(engine: Engine, path: Path, rows: int) -> None:
    raw = engine.raw_connection()
    try:
        with path.open("w", encoding="utf-8") as handle:
            raw.cursor().copy_expert(REGISTER.format(rows=rows), handle)
    finally:
        raw.close()


def _bare_copy(engine: Engine, path: Path) -> float:
    """Seconds to COPY the file into a temporary table (rolled back)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(FLOOR_TABLE)
        start = time.perf_counter()
        with path.open("r", encoding="utf-8") as handle:
            cursor.copy_expert("COPY register FROM STDIN WITH (FORMAT csv, HEADER)", handle)
        seconds = time.perf_counter() - start
        raw.rollback()
        return seconds
    finally:
        raw.close()


def households(report: Report, engine: Engine, repeats: int) -> None:
    """Households per second for a CSV register import vs a bare COPY of the same rows."""
    with tempfile.TemporaryDirectory(prefix="gridmap-bench-import-") as folder:
        path = Path(folder) / "households.csv"
        _write_register(engine, path, MAX_ROWS)
        rows = max(sum(1 for _ in path.open(encoding="utf-8")) - 1, 0)
        rates, floors, rejected = [], [], 0
        for _ in range(repeats):
            floors.append(rows / _bare_copy(engine, path))
            with Scope.open(operator(), write=True, engine=engine) as scope:
                start = time.perf_counter()
                result = import_file(scope, "households", path, refresh=False)
                rates.append(rows / (time.perf_counter() - start))
                scope.rollback()
            rejected = len(result.rejected)
    floors.sort()
    figure = report.add(
        Figure(
            "import",
            f"{rows:,} households from CSV",
            "rows/s",
            rates,
            floor=floors[len(floors) // 2],
        )
    )
    figure.note = (
        f"floor: bare COPY of the same CSV; every row matched to its building and updated "
        f"(rolled back), caches refresh excluded; {rejected:,} rejected"
    )
