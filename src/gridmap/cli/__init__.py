"""The ``gridmap`` command line: thin commands that call one service each."""

from __future__ import annotations

import importlib
import logging
import sys

import typer
from rich.console import Console

from gridmap.errors import GridmapError
from gridmap.services.access import operator
from gridmap.services.scope import Scope

app = typer.Typer(
    name="gridmap",
    help="gridmap: the spatial backbone of community grid governance (网格化治理).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import data files.", no_args_is_help=True)
app.add_typer(import_app, name="import")
console = Console(stderr=True)  # messages and progress
out = Console(width=160)  # results: tables a user may pipe or save

# Each module registers its commands on `app` (or `import_app`) when imported.
COMMAND_MODULES = (
    "db",
    "demo",
    "serve",
    "locate",
    "planning",
    "maps",
    "bench",
    "access",
    "roads",
    "io",
)


def unit(write: bool = False) -> Scope:
    """A unit of work for the operator at this machine (admin, in the row scope; audited)."""
    return Scope.open(operator(), write=write, channel="cli")


def main() -> None:
    """Entry point: run the app; expected failures print one clear line, not a traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for module in COMMAND_MODULES:
        importlib.import_module(f"gridmap.cli.{module}")

    try:
        app()
    except GridmapError as exc:
        console.print(f"[red]error:[/red] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(1)
