"""The layer contract of pyproject.toml (import-linter) holds, and can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(source: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def test_the_code_keeps_every_contract(tmp_path):
    done = _lint(ROOT / "src", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("api/gate.py", "from gridmap.db import engine", "One door"),
        ("cli/maps.py", "import gridmap.db.layers", "One door"),
        ("domain/address.py", "import sqlalchemy", "Pure modules"),
        ("db/areas.py", "from gridmap.services import browse", "Layers"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, line, contract):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "gridmap", copy / "gridmap")
    target = copy / "gridmap" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    done = _lint(copy, tmp_path)
    assert done.returncode != 0
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout, done.stdout
