"""``gridmap demo``: load the synthetic demo district."""

from __future__ import annotations

import typer
from rich.progress import Progress

from gridmap.cli import app, console, unit
from gridmap.demo.generate import SCALES
from gridmap.errors import InvalidInput
from gridmap.services import database
from gridmap.services.demo import load_demo


@app.command()
def demo(
    scale: str = typer.Option("city", help=f"One of: {', '.join(SCALES)}."),
    seed: int = typer.Option(42, help="Random seed; the same seed gives the same district."),
) -> None:
    """Replace the database's content with the demo district (京口区, 镇江市)."""
    if scale not in SCALES:
        raise InvalidInput(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    database.upgrade()
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"generating the {scale} demo", total=None)

        def step(table: str, rows: int) -> None:
            bar.update(task, description=f"loaded {rows:,} {table}")

        with unit(write=True) as scope:
            counts = load_demo(scope, scale, seed, progress=step)
    summary = ", ".join(f"{n:,} {t}" for t, n in counts.items() if n)
    console.print(f"demo district loaded ({scale}, seed {seed}): {summary}")
