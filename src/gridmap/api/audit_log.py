"""The audit log of personal-data access, for admins."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from gridmap.api.context import Context
from gridmap.api.types import parse_id
from gridmap.services import access


@strawberry.type(description="One read or change of personal data.")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    token_id: int | None
    who: str
    role: str
    channel: str = strawberry.field(description="graphql or cli.")
    action: str
    detail: str | None


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Newest first; admins only.  `before` pages back by id.")
    async def audit_log(
        self,
        info: Info[Context, None],
        first: int = 50,
        before: strawberry.ID | None = None,
        who: str | None = None,
    ) -> list[AuditEntry]:
        before_id = parse_id(before, "audit entry id") if before is not None else None
        rows = await info.context.run(
            lambda scope: access.audit_entries(scope, first, before_id, who)
        )
        return [AuditEntry(**{**r, "id": strawberry.ID(str(r["id"]))}) for r in rows]
