"""One exception hierarchy for gridmap.

Every expected failure is a :class:`GridmapError` carrying a short machine-readable
``code`` and a human message that says what is wrong and where.  The API, the CLI and
the map server turn these into clear answers; anything else is a bug and is logged,
never shown to a client.
"""

from __future__ import annotations


class GridmapError(Exception):
    """Base class for expected, user-facing failures."""

    code = "ERROR"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(GridmapError):
    """The caller sent something malformed: bad coordinates, an unknown CRS, a bad code."""

    code = "INVALID_INPUT"


class NotFound(GridmapError):
    """A code, id or name that does not exist."""

    code = "NOT_FOUND"
    status = 404


class ConfigError(GridmapError):
    """A setting is missing or wrong."""

    code = "CONFIG_ERROR"
    status = 500


class DatabaseUnavailable(GridmapError):
    """The database cannot be reached or is not set up."""

    code = "DATABASE_UNAVAILABLE"
    status = 503


class PermissionDenied(GridmapError):
    """The caller's role or area does not allow this."""

    code = "FORBIDDEN"
    status = 403


class Unauthenticated(GridmapError):
    """A bearer token that is unknown, revoked or expired (no token at all is the public role)."""

    code = "UNAUTHENTICATED"
    status = 401


class RateLimited(GridmapError):
    """Too many requests from one caller; retry after a moment."""

    code = "RATE_LIMITED"
    status = 429


class TooSlow(GridmapError):
    """A statement ran past the statement timeout: the request asked for too much at once."""

    code = "TIMEOUT"
    status = 503
