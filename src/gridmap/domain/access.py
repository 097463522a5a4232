"""Who may see what: API roles, their areas, and the scope of personal data they may read.

Pure rules, no database: the database enforces the same scope with row-level security
(``gridmap_api`` role, ``gridmap.scope`` setting; see migration 0008), fed by
:meth:`Principal.scope_patterns`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridmap.domain.hierarchy import area_level
from gridmap.errors import InvalidInput, PermissionDenied

PUBLIC = "public"
GRID_WORKER = "grid_worker"
COMMUNITY_ADMIN = "community_admin"
STREET_ADMIN = "street_admin"
PLANNER = "planner"
ADMIN = "admin"

ROLES = (PUBLIC, GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN, PLANNER, ADMIN)

# The area level a scoped role's token names; roles absent here carry no area.
AREA_LEVEL = {GRID_WORKER: "grid", COMMUNITY_ADMIN: "community", STREET_ADMIN: "street"}
WRITERS = frozenset({COMMUNITY_ADMIN, STREET_ADMIN, ADMIN})
# A count of a sensitive flag (elderly alone, disabled) in one building below this could point
# at a household: callers who may not see that building's households get no figure.
SMALL_COUNT = 3


def check_grant(role: str, areas: tuple[str, ...]) -> None:
    """Refuse a token whose role and areas do not fit together."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    level = AREA_LEVEL.get(role)
    if level is None:
        if areas:
            raise InvalidInput(f"role {role} is district-wide and takes no --area")
        return
    if not areas:
        raise InvalidInput(f"role {role} needs --area with a {level} code")
    for code in areas:
        if area_level(code) != level:
            raise InvalidInput(f"role {role} needs {level} codes; {code} is a {area_level(code)}")


@dataclass(frozen=True)
class Principal:
    """The caller of one request: a role and, for scoped roles, the areas it covers."""

    role: str = PUBLIC
    areas: tuple[str, ...] = ()
    token_id: int | None = None
    name: str = "anonymous"

    @property
    def personal_scope(self) -> tuple[str, ...]:
        """Area-code prefixes whose personal data this caller may read ("" = all)."""
        if self.role == ADMIN:
            return ("",)
        if self.role in AREA_LEVEL:
            return self.areas
        return ()

    def scope_patterns(self) -> str:
        """The scope as comma-separated SQL LIKE patterns (the ``gridmap.scope`` setting)."""
        return ",".join(f"{prefix}%" for prefix in self.personal_scope)

    def sees_personal(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.personal_scope)

    def disclosed(self, count: int, code: str) -> int | None:
        """A building's count of a sensitive flag, or None where it is small enough to point
        at a household and area ``code`` is outside this caller's personal scope."""
        if count == 0 or count >= SMALL_COUNT or self.sees_personal(code):
            return count
        return None

    @property
    def reads_personal(self) -> bool:
        return bool(self.personal_scope)

    def require_personal(self, what: str) -> None:
        if not self.reads_personal:
            raise PermissionDenied(
                f"{what} are personal data; role {self.role} sees aggregate counts only"
            )

    def require_admin(self, what: str) -> None:
        if self.role != ADMIN:
            raise PermissionDenied(f"{what} is for the admin role only")

    def require_writer(self, what: str) -> None:
        if self.role not in WRITERS:
            raise PermissionDenied(f"role {self.role} may not change {what}")

    def require_write(self, code: str, what: str) -> None:
        self.require_writer(what)
        if not self.sees_personal(code):
            raise PermissionDenied(f"{what} in area {code or 'unknown'} are outside your area")


ANONYMOUS = Principal()
