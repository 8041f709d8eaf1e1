"""docs/architecture.md is the newcomer's map: these tests fail when it and the tree drift apart."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "legation"
MAP = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_package_is_on_the_map_and_every_mapped_package_exists() -> None:
    on_disk = {p.parent.name for p in PACKAGE.glob("*/__init__.py")} - {"migrations"}
    mapped = set(re.findall(r"^\| `legation/([a-z_]+)/`", MAP, flags=re.M))
    assert mapped == on_disk


def test_the_top_level_holds_at_most_three_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 3, modules


def test_the_drawn_layers_are_the_checked_layers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    drawing = MAP.split("```")[1].strip().splitlines()
    drawn = [re.split(r"\s{2,}", line.strip())[0] for line in drawing]
    assert drawn == contract["layers"]
