"""``gridmap locate``: one address or point, or a whole file of them."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from gridmap.cli import app, console, unit
from gridmap.errors import InvalidInput
from gridmap.services import locate as service
from gridmap.services.locate_files import read_queries, write_results


@app.command()
def locate(
    address: str = typer.Argument(None, help="A Chinese address, as messy as it comes."),
    lon: float = typer.Option(None, help="Longitude (or easting for projected CRSs)."),
    lat: float = typer.Option(None, help="Latitude (or northing)."),
    crs: str = typer.Option("WGS84", help="WGS84, GCJ02, BD09, CGCS2000 or EPSG:nnnn."),
    file: Path = typer.Option(None, exists=True, dir_okay=False, help="CSV of addresses/points."),
    out: Path = typer.Option(None, help="Output for --file: .csv or .geojson."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Which street, community, grid and staff serve an address or point."""
    if file is not None:
        _locate_file(file, out)
        return
    if (address is None) == (lon is None or lat is None):
        raise InvalidInput("give an address, or --lon and --lat, or --file")
    with unit() as scope:
        if address is not None:
            result = service.locate_addresses(scope, [address])[0]
        else:
            result = service.locate_points(scope, [service.PointQuery(lon, lat, crs)])[0]
    if as_json:
        data = asdict(result)
        if isinstance(result, service.Located):
            data["place"] = result.place._asdict()  # a named tuple: asdict leaves it one
        typer.echo(
            json.dumps(
                {"type": type(result).__name__, **data},
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        _print(result)
    if not isinstance(result, service.Located):
        raise typer.Exit(2)


def _print(result: service.LocateResult) -> None:
    if isinstance(result, service.AddressNotFound):
        console.print(f"[yellow]not found:[/yellow] {result.query} — {result.reason}")
        for c in result.candidates:
            console.print(f"  candidate {c.score:.2f} {c.address} ({c.level})")
        return
    if isinstance(result, service.OutsideJurisdiction):
        console.print(
            f"[yellow]outside the jurisdiction:[/yellow] {result.query}; nearest grid "
            f"{result.nearest_grid_code} {result.nearest_grid_name} "
            f"at {result.distance_m:,.0f} m"
        )
        return
    p = result.place
    table = Table(title=result.matched_address, show_header=False)
    rows = [
        ("confidence", f"{result.confidence:.2f} ({', '.join(result.matched_parts)})"),
        ("street 街道", f"{p.street_name} {p.street_code}"),
        ("community 社区", f"{p.community_name} {p.community_code}"),
        ("grid 网格", f"{p.grid_name} {p.grid_code} ({p.grid_kind})"),
        ("WGS84", f"{result.lon:.6f}, {result.lat:.6f}"),
        ("GCJ-02", f"{result.gcj02[0]:.6f}, {result.gcj02[1]:.6f}"),
    ]
    rows += [(s.role, f"{s.name} {s.phone or ''}") for s in result.staff]
    if result.central_household:
        ch = result.central_household
        rows.append(("党员中心户", f"{ch.name} {ch.phone or ''} ({ch.address})"))
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)


def _locate_file(file: Path, out: Path | None) -> None:
    queries = read_queries(file)
    out = out or file.with_name(file.stem + "-located.csv")
    results: list[service.LocateResult] = []
    batch = 2000
    with Progress(console=console) as bar, unit() as scope:
        task = bar.add_task(f"locating {len(queries):,} rows", total=len(queries))
        for start in range(0, len(queries), batch):
            chunk = queries[start : start + batch]
            if isinstance(chunk[0], str):
                results += service.locate_addresses(scope, chunk)  # type: ignore[arg-type]
            else:
                results += service.locate_points(scope, chunk)  # type: ignore[arg-type]
            bar.advance(task, len(chunk))
    write_results(out, queries, results)
    missed = [i + 2 for i, r in enumerate(results) if not isinstance(r, service.Located)]
    console.print(f"{len(results) - len(missed):,} of {len(results):,} located → {out}")
    if missed:
        shown = ", ".join(map(str, missed[:20])) + (" …" if len(missed) > 20 else "")
        console.print(
            f"[yellow]{len(missed):,} not located[/yellow] (file rows {shown}); "
            "they are in the output with their reason"
        )
