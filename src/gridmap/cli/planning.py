"""``gridmap coverage``, ``gridmap suggest`` and ``gridmap network refresh``."""

from __future__ import annotations

import json
from dataclasses import asdict

import typer
from rich.table import Table

from gridmap.cli import app, console, out, unit
from gridmap.errors import InvalidInput
from gridmap.services import audit, planning, site_selection
from gridmap.services.stations import move_station

network_app = typer.Typer(
    help="The walking caches behind circles and coverage.", no_args_is_help=True
)
app.add_typer(network_app, name="network")


@network_app.command()
def refresh() -> None:
    """Recompute walking reach, household walks and service areas (after data changes)."""
    with unit(write=True) as scope:
        done = planning.refresh_network(scope, lambda step: console.print(f"… {step}"))
    if done.reach is None:
        console.print("no walkable network or no stations yet: nothing to refresh")
        return
    stats = done.reach
    console.print(
        f"{stats.stations:,} stations, {stats.reach_rows:,} reach rows, "
        f"{done.service_areas:,} service areas"
        + (f"; off the network: {stats.off_network}" if stats.off_network else "")
    )


@app.command()
def coverage(
    area: str = typer.Argument(..., help="District, street, community or grid code."),
    minutes: int = typer.Option(15, help="Walking minutes (GB 50180: 5, 10, 15)."),
    kind: list[str] = typer.Option(None, help="Station kind(s); default all."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The coverage audit: who can walk to a station within the time, and who cannot."""
    with unit() as scope:
        found = audit.coverage(scope, area, minutes, kind or None)
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, indent=2, default=str))
        return
    a = found.area
    out.print(
        f"[bold]{a.name} {a.code}[/bold] — {found.minutes} min on foot "
        f"({found.meters:,.0f} m): {a.overall.covered:,} of {a.overall.total:,} "
        f"households covered ({a.overall.ratio:.1%}); off the network: {a.off_network}"
    )
    kinds = Table("kind 类型", "covered", "uncovered", "ratio", "elderly alone uncovered")
    for k in a.by_kind:
        kinds.add_row(
            k.kind,
            f"{k.figures.covered:,}",
            f"{k.figures.uncovered:,}",
            f"{k.figures.ratio:.1%}",
            f"{k.uncovered_elderly_alone:,}",
        )
    out.print(kinds)
    if found.children:
        children = Table(
            "code", "name", "households", "covered", "ratio", *[k for k in found.kinds][:4]
        )
        for c in found.children:
            children.add_row(
                c.code,
                c.name,
                f"{c.overall.total:,}",
                f"{c.overall.covered:,}",
                f"{c.overall.ratio:.1%}",
                *[f"{k.figures.ratio:.0%}" for k in c.by_kind][:4],
            )
        out.print(children)
    if found.uncovered_buildings:
        worst = Table("building", "grid", "households", "elderly alone", "disabled")
        for b in found.uncovered_buildings[:10]:
            worst.add_row(
                f"{b['compound']}{b['number']}栋",
                b["grid_code"],
                str(b["households"]),
                str(b["elderly_alone"]),
                str(b["disabled"]),
            )
        out.print("Uncovered buildings (most households first):", worst)


@app.command()
def suggest(
    area: str = typer.Argument(..., help="District, street, community or grid code."),
    count: int = typer.Option(3, help="How many new stations."),
    kind: str = typer.Option("助餐点", help="Station kind."),
    minutes: int = typer.Option(15, help="Walking minutes."),
    weight: list[str] = typer.Option(None, help="flag=weight, e.g. elderly_alone=2."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Where to put the next stations: greedy maximal coverage."""
    weights = {}
    for item in weight or []:
        flag, _, value = item.partition("=")
        try:
            weights[flag] = float(value)
        except ValueError:
            raise InvalidInput(f"--weight {item!r} is not flag=number") from None
    with unit() as scope:
        found = site_selection.suggest(scope, area, count, minutes, kind, weights)
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, indent=2))
        return
    table = Table(
        "rank",
        "lon",
        "lat",
        "road node",
        "households added",
        "coverage after",
        title=f"{kind} within {minutes} min in {area}: {found.covered_before:,} of "
        f"{found.total:,} covered now; {found.candidates:,} candidate sites",
    )
    for s in found.steps:
        table.add_row(
            str(s.rank),
            f"{s.lon:.6f}",
            f"{s.lat:.6f}",
            str(s.node_id),
            f"{s.households_added:,}",
            f"{s.ratio_after:.1%}",
        )
    out.print(table)


station_app = typer.Typer(help="Service stations.", no_args_is_help=True)
app.add_typer(station_app, name="station")


@station_app.command()
def move(
    station_id: int = typer.Argument(..., help="The station's id."),
    lon: float = typer.Option(..., help="New longitude (or easting)."),
    lat: float = typer.Option(..., help="New latitude (or northing)."),
    crs_name: str = typer.Option("WGS84", "--crs", help="WGS84, GCJ02, BD09, EPSG:nnnn."),
) -> None:
    """Move a station and update its reach, its kind's coverage and its service areas."""
    with unit(write=True) as scope:
        moved = move_station(scope, station_id, lon, lat, crs_name)
    console.print(
        f"station {moved.station_id} moved ({moved.snap_m:.0f} m from its edge): "
        f"{moved.nodes_changed:,} junctions and {moved.households_changed:,} "
        "households re-measured, service areas rebuilt"
    )
