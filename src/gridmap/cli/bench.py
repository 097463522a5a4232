"""``gridmap bench``: measure every hot path against a floor measured in the same run."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from gridmap.bench.runner import BENCHMARKS, run
from gridmap.cli import app, console


@app.command()
def bench(
    scale: str = typer.Option("city", help="Demo scale: small, city or large."),
    only: list[str] = typer.Option(None, help=f"Run only these: {', '.join(BENCHMARKS)}."),
    json_file: Path = typer.Option(None, "--json", help="Also write the figures as JSON."),
) -> None:
    """Benchmark locate, batches, service areas, coverage, maps and import."""
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("preparing", total=None)
        report = run(
            scale, only, json_file, progress=lambda step, _n: bar.update(task, description=step)
        )
    table = Table(title=f"gridmap bench --scale {scale} ({report.machine})")
    for column in (
        "benchmark",
        "figure",
        "median",
        "min",
        "max",
        "floor",
        "ratio",
        "target",
        "met",
        "note",
    ):
        table.add_column(
            column,
            justify="right" if column in ("median", "min", "max", "floor", "ratio") else "left",
        )
    for f in report.figures:
        met = "" if f.met is None else ("yes" if f.met else "[red]NO[/red]")
        table.add_row(
            f.bench,
            f"{f.name} ({f.unit})",
            _num(f.median),
            _num(min(f.runs)),
            _num(max(f.runs)),
            _num(f.floor),
            _num(f.ratio, 2),
            f.target or "",
            met,
            f.note,
        )
    Console(width=200).print(table)


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
