"""Run one command in a child process and report its wall time and peak memory (max RSS)."""

from __future__ import annotations

import compileall
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from legation.registry.store import Store

PACKAGE = Path(__file__).resolve().parents[1] / "legation"


def as_installed() -> None:
    """Compile Legation's sources to bytecode, as `pip install` does: the peers in site-packages
    were compiled when they were installed, and with PYTHONDONTWRITEBYTECODE set (as on the dev
    machines) a checkout would otherwise compile every module again in every run, about 0.15 s."""
    compileall.compile_dir(PACKAGE, quiet=1)


def curated_store(db: str) -> Store:
    """A store at `db` holding the bundled curated records (not the registries), as the page and
    analysis benchmarks measure them. Imported here, not at the top: the timing wrapper below runs
    this module too and should not load Legation."""
    from legation.registry import bundled, imports
    from legation.registry.store import Store

    store = Store.open(db)
    imports.import_records(store, imports.read_paths(bundled.files()), actor="bench")
    return store


def measure(cmd: list[str], *, allow_failure: bool = False) -> dict[str, float]:
    """Time `cmd` in a fresh wrapper process, so each peak RSS belongs to that command alone.
    With `allow_failure`, a non-zero exit (`check` finding errors) still counts as a run."""
    wrapper = [sys.executable, "-m", "benchmarks.measure", *(["--allow-failure"] if allow_failure else []), *cmd]
    done = subprocess.run(wrapper, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    allowed = sys.argv[1] == "--allow-failure"
    start = time.perf_counter()
    subprocess.run(sys.argv[1 + allowed :], check=not allowed, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime  # barely moves with the load of a shared machine
    print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "cpu": cpu}))
