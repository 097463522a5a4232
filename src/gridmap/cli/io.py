"""``gridmap import LAYER FILE``, ``gridmap export LAYER`` and ``gridmap check``."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gridmap.cli import app, console, import_app, unit
from gridmap.cli import out as results
from gridmap.services.io import checking, exporting, importing
from gridmap.services.io.fields import LAYERS

SHOWN = 50  # rejected rows and findings printed; --json gives them all


def _import_command(layer: str) -> None:
    def command(
        file: Path = typer.Argument(
            ..., help="GeoJSON, CSV, Shapefile (.shp + .prj), GeoPackage or Esri JSON."
        ),
        crs: str = typer.Option(
            None,
            help="The file's CRS when it does not say (or says "
            "wrongly): WGS84, CGCS2000, GCJ02, BD09, EPSG:nnnn or a PROJ "
            "string (+proj=tmerc …).",
        ),
        map_fields: str = typer.Option(
            None, "--map-fields", help="Columns with other names: source=field,…"
        ),
        dry_run: bool = typer.Option(
            False, "--dry-run", help="Validate and report; write nothing."
        ),
        strict: bool = typer.Option(False, help="Reject the whole file if any row is bad."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"importing {file.name}", total=None)

            def step(what: str, done: int, total: int) -> None:
                bar.update(task, description=what, completed=done, total=total or None)

            with unit(write=True) as scope:
                report = importing.import_file(
                    scope,
                    layer,
                    file,
                    crs=crs,
                    map_fields=map_fields,
                    strict=strict,
                    dry_run=dry_run,
                    progress=step,
                )
                if layer == "households" and not dry_run and (report.inserted or report.updated):
                    scope.audit(
                        "imported households",
                        f"{report.inserted:,} new, {report.updated:,} updated from {file}",
                    )
        _print_import(report, as_json)
        if report.rejected:
            raise typer.Exit(2)

    command.__doc__ = f"Import {layer} from a file (one transaction; see --strict, --dry-run)."
    import_app.command(name=layer)(command)


for _layer in LAYERS:
    _import_command(_layer)


def _print_import(report: importing.ImportReport, as_json: bool) -> None:
    if as_json:
        data = {
            "file": str(report.path),
            "layer": report.layer,
            "crs": report.crs,
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "dry_run": report.dry_run,
            "refreshed": report.refreshed,
            "rejected": [asdict(r) for r in report.rejected],
            "repaired": [asdict(r) for r in report.repaired],
            "findings": [asdict(f) for f in report.findings],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    verb = "would import" if report.dry_run else "imported"
    console.print(
        f"{report.path.name}: {report.rows:,} rows read ({report.crs[:40]}); {verb} "
        f"{report.inserted:,} new and {report.updated:,} updated {report.layer}; "
        f"{len(report.rejected):,} rejected"
        + ("; nothing written (--dry-run)" if report.dry_run else "")
    )
    for item in report.repaired[:SHOWN]:
        console.print(f"[cyan]repaired[/cyan] {report.where(item)}: {item.reason}")
    for item in report.rejected[:SHOWN]:
        console.print(
            f"[yellow]rejected[/yellow] {report.where(item)}: {item.reason}", highlight=False
        )
    if len(report.rejected) > SHOWN:
        console.print(f"… and {len(report.rejected) - SHOWN:,} more rejected (--json lists all)")
    _print_findings(report.findings)


def _print_findings(findings: list) -> None:  # type: ignore[type-arg]
    for f in findings[:SHOWN]:
        colour = "red" if f.severity == "error" else "yellow"
        console.print(f"[{colour}]{f.severity}[/{colour}] {f.check}: {f.message}", highlight=False)
    if len(findings) > SHOWN:
        console.print(f"… and {len(findings) - SHOWN:,} more findings (--json lists all)")


@app.command()
def export(
    layer: str = typer.Argument(..., help=f"One of: {', '.join(LAYERS)}."),
    fmt: str = typer.Option("geojson", "--format", help="geojson or csv."),
    area: str = typer.Option(None, help="Only this district, street, community or grid code."),
    audience: str = typer.Option(
        "public", help="public (no names, phones or blue flags) or staff."
    ),
    out: Path = typer.Option(None, "-o", "--out", help="Output file; '-' for standard output."),
) -> None:
    """Export a layer as GeoJSON or CSV, with the column names import reads."""
    path = out or exporting.default_path(layer, fmt, area, audience)
    with unit() as scope:
        if str(path) == "-":
            n = exporting.export_layer(scope, layer, sys.stdout, fmt, area, audience)
        else:
            with path.open("w", encoding="utf-8", newline="") as handle:
                n = exporting.export_layer(scope, layer, handle, fmt, area, audience)
    console.print(f"{n:,} {layer} → {path} ({audience})")


@app.command()
def check(
    area: str = typer.Option(None, help="Only this district, street or community code."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """The integrity report: geometry, codes, full one-to-one coverage, points in grids,
    stations in their community, and counts and areas per level."""
    with unit() as scope:
        report = checking.check(scope, area)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"gridmap check {area or ''}".strip())
        for column in (
            "level",
            "code",
            "name",
            "area km²",
            "communities",
            "grids",
            "grid km²",
            "buildings",
            "households",
            "stations",
        ):
            table.add_column(
                column, justify="left" if column in ("level", "code", "name") else "right"
            )
        for v in report.levels:
            table.add_row(
                v.level,
                v.code,
                v.name,
                f"{v.area_m2 / 1e6:,.3f}",
                f"{v.communities:,}",
                f"{v.grids:,}",
                f"{v.grid_area_m2 / 1e6:,.3f}",
                f"{v.buildings:,}",
                f"{v.households:,}",
                f"{v.stations:,}",
            )
        results.print(table)
        _print_findings(report.findings)
        console.print(f"{report.errors:,} errors, {report.warnings:,} warnings")
    if report.errors:
        raise typer.Exit(2)
