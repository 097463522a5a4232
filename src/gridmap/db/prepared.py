"""Statements on the hot paths, planned once per connection.

PostgreSQL plans a statement afresh every time psycopg2 sends it, and for the locate
statements (a point in a grid, the walk to its stations, an address in the gazetteer) the
planning costs more than the execution.  A :class:`Prepared` statement is sent once per
connection as ``PREPARE`` and from then on only ``EXECUTE``\\ d, with a generic plan
(``PLAN_CACHE_MODE``, set by :func:`gridmap.db.engine.get_engine`; custom plans would plan
afresh whenever the arrays' lengths change).  A generic plan is made for a few rows; a call
with arrays longer than ``GENERIC_UP_TO`` is sent as a plain statement instead and planned
for its size, which for a batch of thousands costs little and pays off.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, CursorResult

from gridmap.db.bulk import array_literal

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
PLAN_CACHE_MODE = "force_generic_plan"
PREPARED = "gridmap.prepared"  # the names prepared on a DBAPI connection (its pool info)
GENERIC_UP_TO = 50  # longest array argument run with the prepared, generic plan


class Prepared:
    """``sql`` with ``:name`` parameters, each given its PostgreSQL type in ``types``."""

    def __init__(self, sql: str, **types: str) -> None:
        names = list(dict.fromkeys(_PARAM.findall(sql)))
        if set(names) != set(types):
            raise ValueError(f"parameters {sorted(names)} and types {sorted(types)} differ")
        self.name = "gridmap_" + hashlib.sha1(sql.encode()).hexdigest()[:16]
        position = {n: i + 1 for i, n in enumerate(names)}
        body = _PARAM.sub(lambda m: f"${position[m.group(1)]}", sql)
        self._prepare = f"PREPARE {self.name} ({', '.join(types[n] for n in names)}) AS {body}"
        arguments = {n: f"%({n})s::{types[n]}" for n in names}
        self._execute = f"EXECUTE {self.name} ({', '.join(arguments.values())})"
        self._plain = _PARAM.sub(lambda m: arguments[m.group(1)], sql.replace("%", "%%"))

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> CursorResult[Any]:
        longest = max((len(v) for v in params.values() if isinstance(v, list)), default=0)
        params = {k: array_literal(v) if isinstance(v, list) else v for k, v in params.items()}
        if longest > GENERIC_UP_TO:
            return conn.exec_driver_sql(self._plain, params)
        ready = conn.connection.info.setdefault(PREPARED, set())
        if self.name not in ready:
            conn.exec_driver_sql(self._prepare, execution_options={"no_parameters": True})
            ready.add(self.name)
        return conn.exec_driver_sql(self._execute, params)
