"""``gridmap token`` and ``gridmap audit``: API tokens and the personal-data audit log."""

from __future__ import annotations

import typer
from rich.table import Table

from gridmap.cli import app, console, out, unit
from gridmap.domain.access import ROLES
from gridmap.services import access as service

token_app = typer.Typer(help="API bearer tokens: roles scoped to areas.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def create(
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option(..., help="Who or what holds the token (shown in the audit log)."),
    area: list[str] = typer.Option(
        [], help="Grid code(s) for grid_worker, a community or street code for admins."
    ),
    expires: str = typer.Option(None, help="30d, 12h or an ISO date; default: never."),
) -> None:
    """Create a token and print its secret (shown this once only)."""
    with unit(write=True) as scope:
        token_id, secret = service.create_token(scope, name, role, area, expires)
    console.print(f"token {token_id} ({role}) created; keep this secret, it is not stored:")
    typer.echo(secret)


@token_app.command("revoke")
def revoke(ident: str = typer.Argument(..., help="Token id or name.")) -> None:
    """Revoke a token: it is refused from the next request on."""
    with unit(write=True) as scope:
        count = service.revoke_token(scope, ident)
    console.print(f"revoked {count} token(s)")


@token_app.command("list")
def list_tokens() -> None:
    """List tokens (never their secrets)."""
    table = Table("id", "name", "role", "areas", "created", "expires", "revoked")
    with unit() as scope:
        found = service.list_tokens(scope)
    for t in found:
        table.add_row(
            str(t["id"]),
            t["name"],
            t["role"],
            ", ".join(t["areas"]),
            f"{t['created_at']:%Y-%m-%d %H:%M}",
            f"{t['expires_at']:%Y-%m-%d %H:%M}" if t["expires_at"] else "",
            f"{t['revoked_at']:%Y-%m-%d %H:%M}" if t["revoked_at"] else "",
        )
    out.print(table)


@app.command()
def audit(
    limit: int = typer.Option(50, help="How many entries, newest first."),
    who: str = typer.Option(None, help="Only this caller (token name or cli:user)."),
) -> None:
    """Who read or changed personal data, when, and through what."""
    table = Table("at", "who", "role", "channel", "action", "detail")
    with unit() as scope:
        entries = service.audit_entries(scope, limit, who=who)
    for e in entries:
        table.add_row(
            f"{e['at']:%Y-%m-%d %H:%M:%S}",
            e["who"],
            e["role"],
            e["channel"],
            e["action"],
            e["detail"] or "",
        )
    out.print(table)
