"""Cursor pagination (Relay-style connections) shared by every list in the API."""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import strawberry

from gridmap.errors import InvalidInput

MAX_PAGE = 500
T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    """The key inside a cursor this API handed out; ``None`` for no cursor."""
    if cursor is None:
        return None
    try:
        key = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        key = ""
    if not key:
        raise InvalidInput(f"cursor {cursor[:40]!r} is not a cursor this API handed out")
    return key


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}, got {first}")


def connection(nodes: list[T], keys: list[str], first: int, total: int) -> Connection[T]:
    """A page from ``first + 1`` fetched rows: the extra row only tells that more exist."""
    edges = [Edge(cursor=encode_cursor(k), node=n) for n, k in zip(nodes, keys, strict=True)]
    page = edges[:first]
    return Connection(
        edges=page,
        page_info=PageInfo(
            has_next_page=len(edges) > first, end_cursor=page[-1].cursor if page else None
        ),
        total_count=total,
    )
