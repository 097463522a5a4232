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
