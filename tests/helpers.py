"""Helpers shared by the tests (test modules import from here, never from each other)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from gridmap.domain.access import ADMIN, Principal
from gridmap.services.scope import Scope

T = TypeVar("T")
ADMIN_CALLER = Principal(ADMIN, name="test")


def as_caller(
    target: Engine | Connection, caller: Principal, fn: Callable[..., T], *args: Any, **kw: Any
) -> T:
    """Run the service ``fn(scope, *args, **kw)`` in a write unit of work of ``caller`` over
    ``target``: an engine (committed when it returns) or a test's connection (joined: the test's
    transaction decides, and the row scope is left again afterwards)."""
    with Scope(target, caller, write=True, channel="test") as scope:
        return fn(scope, *args, **kw)


def as_admin(target: Engine | Connection, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """:func:`as_caller` for an admin (who holds the whole district)."""
    return as_caller(target, ADMIN_CALLER, fn, *args, **kw)


def assert_error(body: dict, code: str, words: str) -> None:
    """The response failed with one error of ``code`` whose message says ``words``."""
    assert body.get("data") is None or any(v is None for v in body["data"].values()), body
    error = body["errors"][0]
    assert error["extensions"]["code"] == code, error
    assert words.lower() in error["message"].lower(), error
    assert "Traceback" not in str(body)
