"""``gridmap import roads FILE``: replace the walkable network with an OpenStreetMap file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

from gridmap.cli import console, import_app, out, unit
from gridmap.services import database
from gridmap.services.roads import RoadImport, import_roads
from gridmap.settings import get_settings


@import_app.command("roads")
def roads(
    file: Path = typer.Argument(..., help="An OpenStreetMap file: .osm (XML) or .osm.pbf."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Replace the walkable road network with the ways of an OSM file, then recompute the
    walking reach, household walks and service areas (one transaction)."""
    database.check()
    with console.status("importing roads") as status, unit(write=True) as scope:
        report = import_roads(scope, file, progress=lambda step: status.update(f"… {step}"))
    if as_json:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str))
        return
    for line in report_lines(report):
        out.print(line, highlight=False, soft_wrap=True)


def report_lines(r: RoadImport) -> list[str]:
    """The import report, a few readable lines."""
    dropped = ", ".join(f"{n:,} {reason}" for reason, n in r.dropped.items()) or "none"
    lines = [
        f"[bold]{r.path}[/bold] imported in {r.seconds:.1f} s",
        f"ways: {r.highway_ways:,} highway ways read, {r.ways_kept:,} kept; dropped: {dropped}",
        f"network: {r.nodes:,} nodes, {r.edges:,} edges, {r.total_km:,.1f} km; "
        f"{r.components:,} connected component(s), the largest with "
        f"{r.largest_component_edges:,} edges",
    ]
    if r.edges_in_extent < r.edges:
        lines.append(f"  {r.edges - r.edges_in_extent:,} edges lie outside the district's extent")
    if r.missing_nodes:
        lines.append(f"  {r.missing_nodes:,} node references had no location in the file")
    max_snap = get_settings().max_snap_m
    lines.append(
        f"stations: {r.stations_attached:,} of {r.stations:,} attached"
        + (
            f"; {len(r.stations_off_network):,} further than {max_snap:.0f} m from any "
            f"walkable edge: {_ids(r.stations_off_network)}"
            if r.stations_off_network
            else ""
        )
    )
    if r.stations_off_main:
        lines.append(
            f"  {len(r.stations_off_main):,} on a piece of road cut off from the largest "
            f"component: {_ids(r.stations_off_main)}"
        )
    lines.append(
        f"households: {r.households - r.households_off_network:,} of {r.households:,} on the "
        f"network; {r.households_off_network:,} further than {max_snap:.0f} m from any "
        "walkable edge (reported, not snapped)"
    )
    for h in r.household_examples:
        lines.append(
            f"  household {h['id']} {h['address']} (grid {h['grid_code']}): "
            f"{h['snap_m']:,.0f} m from the nearest edge at {h['lon']:.6f}, {h['lat']:.6f}"
        )
    return lines


def _ids(ids: list[int], shown: int = 10) -> str:
    more = f" … ({len(ids) - shown:,} more)" if len(ids) > shown else ""
    return ", ".join(str(i) for i in ids[:shown]) + more
