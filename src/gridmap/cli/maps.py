"""``gridmap map``: write a planner map of an area to ``maps/``."""

from __future__ import annotations

import typer

from gridmap.cli import app, console, unit
from gridmap.domain.hierarchy import LEVELS, area_level
from gridmap.errors import InvalidInput
from gridmap.services.browse import default_district
from gridmap.services.mapping import make_map


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
    if level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}")
    with unit() as scope:
        if code is None:
            if level != "district":
                raise InvalidInput(f"give the {level} code")
            code = default_district(scope)
            if code is None:
                raise InvalidInput("the database holds no district yet")
        if area_level(code) != level:
            raise InvalidInput(f"{code!r} is a {area_level(code)} code, not a {level} code")
        path = make_map(scope, code, audience, basemap, minutes, suggest)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
