"""The gate in front of /graphql: body size, bearer token, per-caller rate limit.

Refusals are GraphQL-shaped JSON with the HTTP status of the error (401, 411, 413, 429);
the caller that passes is put in the request's state for the GraphQL context.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from gridmap.domain.access import ANONYMOUS, Principal
from gridmap.errors import GridmapError, RateLimited
from gridmap.services.access import authenticate
from gridmap.services.scope import Scope
from gridmap.settings import Settings


class _Refused(GridmapError):
    """A request refused before it reaches GraphQL (length required, too large)."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.code, self.status = code, status


@dataclass
class RateLimiter:
    """A token bucket per caller: ``per_minute`` sustained, bursts of a tenth of it."""

    per_minute: int
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def check(self, key: str, now: float | None = None) -> None:
        if self.per_minute <= 0:
            return
        now = time.monotonic() if now is None else now
        capacity = max(10.0, self.per_minute / 10)
        tokens, last = self.buckets.get(key, (capacity, now))
        tokens = min(capacity, tokens + (now - last) * self.per_minute / 60)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            wait = (1 - tokens) * 60 / self.per_minute
            raise RateLimited(
                f"rate limit of {self.per_minute} requests per minute exceeded;"
                f" retry in {wait:.1f} s"
            )
        self.buckets[key] = (tokens - 1, now)
        if len(self.buckets) > 100_000:  # forget idle callers rather than grow without bound
            self.buckets.clear()


class Gate:
    """ASGI wrapper of the GraphQL app that admits, identifies and rate-limits callers."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.timeout_ms = settings.statement_timeout_ms
        self.max_body = settings.max_body_bytes
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        try:
            self._check_size(request)
            authorization = request.headers.get("authorization")
            principal = (
                await to_thread.run_sync(self._authenticate, authorization)
                if authorization
                else ANONYMOUS
            )
            client = request.client.host if request.client else "unknown"
            self.limiter.check(f"token:{principal.token_id}" if principal.token_id else client)
        except GridmapError as exc:
            body = {
                "data": None,
                "errors": [{"message": exc.message, "extensions": {"code": exc.code}}],
            }
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            await JSONResponse(body, exc.status, headers)(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    def _authenticate(self, authorization: str) -> Principal:
        with Scope.open(channel="graphql", statement_timeout_ms=self.timeout_ms) as scope:
            return authenticate(scope, authorization)

    def _check_size(self, request: Request) -> None:
        if request.method != "POST":
            return
        length = request.headers.get("content-length")
        if length is None:
            raise _Refused("send a Content-Length with the request body", "LENGTH_REQUIRED", 411)
        if not length.isdigit() or int(length) > self.max_body:
            raise _Refused(
                f"request body of {length} bytes is larger than the {self.max_body} allowed",
                "TOO_LARGE",
                413,
            )
