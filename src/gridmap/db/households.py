"""Changes to households (the API's writes; row-level security keeps them in scope)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from gridmap.domain.hierarchy import FLAGS

# What a household record holds beyond its place: the columns imports and edits may set.
WRITABLE = ("residents", *FLAGS, "contact_name", "contact_phone")


def update(conn: Connection, household_id: int, changes: dict[str, Any]) -> bool:
    """Apply ``changes`` to one household; False when it is not visible to the caller."""
    assert changes and set(changes) <= set(WRITABLE), changes
    assignments = ", ".join(f"{column} = :{column}" for column in changes)
    result = conn.execute(
        text(f"UPDATE households SET {assignments} WHERE id = :id"),
        {**changes, "id": household_id},
    )
    return result.rowcount == 1
