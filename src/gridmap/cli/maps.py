"""``gridmap map``: write a planner map of an area to ``maps/``."""

from __future__ import annotations

import typer

from gridmap.cli import app, console
from gridmap.db.engine import get_engine
from gridmap.errors import InvalidInput
from gridmap.services import access
from gridmap.services.mapping import make_map

LEVEL_LENGTHS = {"district": 6, "street": 9, "community": 12, "grid": 15}


@app.command(name="map")
def map_command(
    level: str = typer.Argument(..., help="district, street, community or grid."),
    code: str = typer.Argument(None, help="The area code (not needed for the district)."),
    audience: str = typer.Option("public", help="public (no personal data) or staff."),
    basemap: str = typer.Option("osm", help="osm, or amap (高德, coordinates in GCJ-02)."),
    minutes: int = typer.Option(15, help="Walking minutes of the service areas."),
    suggest: int = typer.Option(0, help="Also show this many suggested new 助餐点 sites."),
) -> None:
    """Write a self-contained HTML map of an area to maps/."""
    if level not in LEVEL_LENGTHS:
        raise InvalidInput(f"level must be one of {', '.join(LEVEL_LENGTHS)}")
    engine = get_engine()
    if code is None:
        if level != "district":
            raise InvalidInput(f"give the {level} code")
        from sqlalchemy import text

        with engine.connect() as conn:
            code = conn.execute(text("SELECT min(code) FROM districts")).scalar()
        if code is None:
            raise InvalidInput("the database holds no district yet")
    if len(code) != LEVEL_LENGTHS[level]:
        raise InvalidInput(f"{code!r} is not a {level} code ({LEVEL_LENGTHS[level]} digits)")
    path = make_map(engine, code, audience, basemap, minutes, suggest)
    if audience == "staff":
        access.record(engine, access.operator(), "cli", {"wrote staff map": str(path)})
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
