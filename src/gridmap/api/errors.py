"""Every GraphQL error carries a machine-readable code in ``extensions.code``.

gridmap's own errors carry theirs (``NOT_FOUND``, ``FORBIDDEN``, ``INVALID_INPUT``,
``TIMEOUT``…, see :mod:`gridmap.errors`); a query that does not parse or validate gets
``GRAPHQL_VALIDATION_FAILED``; anything unexpected, already masked as "internal error",
gets ``INTERNAL_ERROR``.  Clients branch on the code, never on the message.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gridmap.errors import GridmapError

VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INTERNAL = "INTERNAL_ERROR"


def code_of(error: GraphQLError) -> str:
    """The code a client gets for ``error``."""
    original = error.original_error
    if isinstance(original, GridmapError):
        return original.code
    if original is None and error.path is None:
        return VALIDATION_FAILED
    return INTERNAL


class ErrorCodes(SchemaExtension):
    """Put each error's code in its ``extensions`` (after masking: listed before MaskErrors)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            error.extensions = {**(error.extensions or {}), "code": code_of(error)}
