"""Documentation that cannot drift from the code."""

import re
from pathlib import Path

from gridmap.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `(GRIDMAP_[A-Z_]+)` \|", README, flags=re.MULTILINE))
    expected = {f"GRIDMAP_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_every_setting_has_a_description():
    assert all(field.description for field in Settings.model_fields.values())


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


def test_every_command_is_in_the_readme_table():
    """Each ``gridmap`` command, and each command of a group, has a row in the CLI table."""
    import importlib

    from gridmap.cli import COMMAND_MODULES, app

    for module in COMMAND_MODULES:
        importlib.import_module(f"gridmap.cli.{module}")
    rows = [line for line in README.splitlines() if line.startswith("| `gridmap ")]
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert any(row.startswith(f"| `gridmap {name}") for row in rows), name
    for group in app.registered_groups:
        for command in group.typer_instance.registered_commands:
            name = command.name or command.callback.__name__
            assert any(
                row.startswith(f"| `gridmap {group.name} ") and name in row.split("`")[1]
                for row in rows
            ), f"{group.name} {name}"
