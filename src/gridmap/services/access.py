"""Tokens, callers and the audit log: the services behind ``gridmap token`` and API auth."""

from __future__ import annotations

import getpass
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import RowMapping

from gridmap.db import access as db
from gridmap.domain.access import ADMIN, ANONYMOUS, Principal
from gridmap.errors import InvalidInput
from gridmap.services.scope import Scope

_DURATION = re.compile(r"(\d{1,5})([dh])")


def parse_expiry(value: str | None, now: datetime | None = None) -> datetime | None:
    """``30d``, ``12h`` or an ISO date/time (UTC unless given) → an absolute expiry."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    match = _DURATION.fullmatch(value.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return now + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"expiry {value!r} is neither a duration like 30d / 12h nor an ISO date"
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= now:
        raise InvalidInput(f"expiry {value} is in the past")
    return when


def create_token(
    scope: Scope, name: str, role: str, areas: Sequence[str], expires: str | None
) -> tuple[int, str]:
    scope.principal.require_admin("managing tokens")
    with scope.unscoped() as conn:
        return db.create_token(conn, name, role, areas, parse_expiry(expires))


def revoke_token(scope: Scope, ident: str) -> int:
    scope.principal.require_admin("managing tokens")
    with scope.unscoped() as conn:
        return db.revoke_token(conn, ident)


def list_tokens(scope: Scope) -> Sequence[RowMapping]:
    scope.principal.require_admin("listing tokens")
    with scope.unscoped() as conn:
        return db.tokens(conn)


def authenticate(scope: Scope, authorization: str | None) -> Principal:
    """The caller behind an ``Authorization`` header; no header is the public role."""
    if not authorization:
        return ANONYMOUS
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise InvalidInput("Authorization must be 'Bearer <token>'")
    with scope.unscoped() as conn:
        return db.principal_for(conn, secret.strip())


def operator() -> Principal:
    """Whoever runs the CLI on this machine: they hold the database, so they are admin."""
    return Principal(ADMIN, name=f"cli:{getpass.getuser()}")


def audit_entries(
    scope: Scope, limit: int = 50, before_id: int | None = None, who: str | None = None
) -> Sequence[RowMapping]:
    scope.principal.require_admin("the audit log")
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit must be between 1 and 1000")
    with scope.unscoped() as conn:
        return db.audit_entries(conn, limit, before_id, who)
