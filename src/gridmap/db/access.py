"""Access control in the database: bearer tokens, the caller's row-level scope, the audit log.

Tokens are stored as their SHA-256 only; the secret is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, text

from gridmap.domain.access import Principal, check_grant
from gridmap.domain.hierarchy import area_level
from gridmap.errors import InvalidInput, NotFound, Unauthenticated

TOKEN_PREFIX = "gm_"
API_ROLE = "gridmap_api"  # the database role of every API request (see migration 0008)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enter_scope(conn: Connection, principal: Principal, *, write: bool = False) -> None:
    """Run the rest of this transaction as ``gridmap_api`` within the caller's scope.

    Row-level security then hides every household, walk and person outside the scope; the
    settings are transaction-local, so the pooled connection comes back unscoped.
    """
    conn.execute(
        text(
            "SELECT set_config('role', :role, true), set_config('gridmap.scope', :scope, true),"
            " set_config('gridmap.write', :write, true)"
        ),
        {"role": API_ROLE, "scope": principal.scope_patterns(), "write": "on" if write else "off"},
    )


def leave_scope(conn: Connection) -> None:
    """Back to the connection's own role for the rest of this transaction (or until
    :func:`enter_scope` again): row-level security no longer applies."""
    conn.execute(text("SELECT set_config('role', 'none', true)"))


def create_token(
    conn: Connection,
    name: str,
    role: str,
    areas: Sequence[str] = (),
    expires_at: datetime | None = None,
) -> tuple[int, str]:
    """Create a token; returns its id and the secret (shown once, never stored)."""
    areas = tuple(areas)
    check_grant(role, areas)
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a token needs a name of 1 to 200 characters")
    for code in areas:
        level = area_level(code)
        table = {"grid": "grids", "community": "communities", "street": "streets"}[level]
        found = conn.execute(text(f"SELECT 1 FROM {table} WHERE code = :c"), {"c": code})
        if found.first() is None:
            raise NotFound(f"no {level} with code {code}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(
        text(
            "INSERT INTO api_tokens (name, role, areas, token_hash, expires_at)"
            " VALUES (:name, :role, :areas, :hash, :expires) RETURNING id"
        ),
        {
            "name": name,
            "role": role,
            "areas": list(areas),
            "hash": _hash(secret),
            "expires": expires_at,
        },
    ).scalar_one()
    return token_id, secret


def revoke_token(conn: Connection, ident: str) -> int:
    """Revoke the token with this id or name; returns how many were revoked."""
    by = "id = :i::int" if ident.isdigit() else "name = :i"
    count = conn.execute(
        text(f"UPDATE api_tokens SET revoked_at = now() WHERE {by} AND revoked_at IS NULL"),
        {"i": ident},
    ).rowcount
    if not count:
        raise NotFound(f"no active token with id or name {ident!r}")
    return count


def tokens(conn: Connection) -> Sequence[RowMapping]:
    return (
        conn.execute(
            text(
                "SELECT id, name, role, areas, created_at, expires_at, revoked_at"
                " FROM api_tokens ORDER BY id"
            )
        )
        .mappings()
        .all()
    )


def principal_for(conn: Connection, secret: str) -> Principal:
    """The caller a bearer secret stands for; unknown, revoked or expired tokens are refused."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        raise Unauthenticated("the bearer token is not a gridmap token")
    row = (
        conn.execute(
            text(
                "SELECT id, name, role, areas, revoked_at IS NOT NULL AS revoked,"
                " coalesce(expires_at <= now(), false) AS expired"
                " FROM api_tokens WHERE token_hash = :h"
            ),
            {"h": _hash(secret)},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise Unauthenticated("the bearer token is not recognised")
    if row["revoked"]:
        raise Unauthenticated(f"token {row['name']!r} has been revoked")
    if row["expired"]:
        raise Unauthenticated(f"token {row['name']!r} has expired")
    return Principal(row["role"], tuple(row["areas"]), row["id"], row["name"])


def record(conn: Connection, who: Principal, channel: str, action: str, detail: str) -> None:
    """Append to the audit log (the caller commits)."""
    conn.execute(
        text(
            "INSERT INTO audit_log (token_id, who, role, channel, action, detail)"
            " VALUES (:token, :who, :role, :channel, :action, :detail)"
        ),
        {
            "token": who.token_id,
            "who": who.name,
            "role": who.role,
            "channel": channel,
            "action": action,
            "detail": detail[:2000],
        },
    )


def audit_entries(
    conn: Connection, limit: int, before_id: int | None = None, who: str | None = None
) -> Sequence[RowMapping]:
    """The newest audit entries first (keyset pagination on id)."""
    return (
        conn.execute(
            text(
                "SELECT id, at, token_id, who, role, channel, action, detail FROM audit_log"
                " WHERE (:before IS NULL OR id < :before) AND (:who IS NULL OR who = :who)"
                " ORDER BY id DESC LIMIT :limit"
            ),
            {"before": before_id, "who": who, "limit": limit},
        )
        .mappings()
        .all()
    )
