"""The dataset shipped inside the package, loaded by `legation init --bundled`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def path() -> Path:
    return Path(str(resources.files("legation") / "data" / "bundled"))


def files() -> list[str]:
    """The bundled JSONL files; the seed essay's records first, then the rest by name."""
    found = sorted(path().glob("*.jsonl"), key=lambda p: (p.name != "seed.jsonl", p.name))
    return [str(p) for p in found]


def registries() -> list[tuple[str, str]]:
    """(name, file) of each registry's records (POCOM): loaded after the curated files, through the
    persons matching, so that a registry's person and a curated one become one person."""
    return [(p.stem, str(p)) for p in sorted((path() / "registries").glob("*.jsonl"))]
