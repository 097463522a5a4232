"""The ``gridmap`` command line: thin commands that call one service each."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from gridmap.errors import GridmapError

app = typer.Typer(
    name="gridmap",
    help="gridmap: the spatial backbone of community grid governance (网格化治理).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import data files.", no_args_is_help=True)
app.add_typer(import_app, name="import")
console = Console(stderr=True)


def main() -> None:
    """Entry point: run the app; expected failures print one clear line, not a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from gridmap.cli import db, demo, serve  # noqa: F401  (registers commands)

    try:
        app()
    except GridmapError as exc:
        console.print(f"[red]error:[/red] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(1)
