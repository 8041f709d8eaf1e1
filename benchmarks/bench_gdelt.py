"""GDELT import against its peer (pandas read_csv, as the `gdelt` package loads files) and its ceiling.

The real 15-minute GDELT 2.0 file in ../shared is tiled to 2,000,000 rows (each tile's GLOBALEVENTIDs
shifted so the events stay distinct, as in real data), written plain and zipped in a temp folder.
Each figure runs in its own process; peak memory is that process's ru_maxrss (os.wait4).

- legation: `legation gdelt import FILE` into a fresh SQLite store (scan, checks, dedup, writes),
  and the same through the library call `legation.events.import_files` (without the CLI's start-up);
- peer: `pandas.read_csv(..., delimiter='\\t', header=None)` of the whole file (gdeltPyR's loader);
- ceiling: `SELECT count(*) FROM read_csv(FILE, delim='\\t', ...)` in DuckDB, nothing else;
- memory at 200,000 vs 2,000,000 rows shows that the import's memory does not follow file size;
- Spark: legation.events.spark in local mode (local[2]) over the plain file, session start included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "data/gdelt/arekziobrowski_gdelt-big-data/20191024143000.export.CSV"
ROWS = 2_000_000
SMALL = 200_000
VENV_BIN = Path(sys.executable).parent

PANDAS = """
import io, sys, zipfile, pandas as pd
path = sys.argv[1]
if path.endswith('.zip'):
    with zipfile.ZipFile(path) as z:
        data = z.read(z.namelist()[0])
    frame = pd.read_csv(io.BytesIO(data), delimiter='\\t', header=None)
else:
    frame = pd.read_csv(path, delimiter='\\t', header=None)
print(len(frame))
"""
DUCKDB = """
import sys, duckdb
sql = ("SELECT count(*) FROM read_csv(?, delim='\\t', header=false, quote='', escape='', "
       "all_varchar=true, null_padding=true)")
print(duckdb.connect().execute(sql, [sys.argv[1]]).fetchone()[0])
"""
LIBRARY = """
import sys
from legation.events import import_files
from legation.registry.store import Store
print(import_files(Store.open(sys.argv[1] + '.db'), [sys.argv[1]])[0].rows_kept)
"""
SPARK = """
import sys
from legation.events import spark
session = spark.session('local[2]', partitions=4)
print(len(spark.dyad_months(session, [sys.argv[1]])))
session.stop()
"""


def tile(target: Path, rows: int) -> None:
    """Repeat the real file up to `rows` rows, shifting GLOBALEVENTID by tile so ids stay unique."""
    lines = REAL.read_bytes().splitlines(keepends=True)
    parts = [line.split(b"\t", 1) for line in lines]
    written = 0
    with target.open("wb") as out:
        shift = 0
        while written < rows:
            take = parts[: rows - written]
            out.write(b"".join(str(int(gid) + shift).encode() + b"\t" + rest for gid, rest in take))
            written += len(take)
            shift += 10_000_000


def zipped(plain: Path) -> Path:
    target = plain.with_name(plain.name + ".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.write(plain, plain.name)
    return target


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Seconds, peak MB and stdout of one child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if status != 0:
        raise RuntimeError(f"{args[:3]} failed: {text[-500:]}")
    return seconds, usage.ru_maxrss / 1024, text


def legation_import(folder: Path, path: Path) -> tuple[float, float, str]:
    db = folder / f"store-{path.name}.db"
    return measure([str(VENV_BIN / "legation"), "--db", str(db), "gdelt", "import", str(path), "--format", "json"])


def python(code: str, path: Path) -> tuple[float, float, str]:
    return measure([sys.executable, "-c", code, str(path)])


def run() -> None:
    if not REAL.exists():
        print("skipped: ../shared is missing")
        return
    with tempfile.TemporaryDirectory(prefix="bench-gdelt-") as name:
        folder = Path(name)
        plain, small = folder / "20191024143000.export.CSV", folder / "20191024144500.export.CSV"
        tile(plain, ROWS)
        tile(small, SMALL)
        archive = zipped(plain)
        results = {
            "legation import (plain)": legation_import(folder, plain),
            "legation import (zip)": legation_import(folder, archive),
            "legation import (200k rows)": legation_import(folder, small),
            "library import_files (plain)": python(LIBRARY, plain),
            "pandas read_csv (plain)": python(PANDAS, plain),
            "pandas read_csv (zip)": python(PANDAS, archive),
            "duckdb count (plain)": python(DUCKDB, plain),
        }
        try:
            results["spark local[2] (plain)"] = python(SPARK, plain)
        except (RuntimeError, OSError) as exc:
            print(f"spark: not measured ({exc})")
        _print(results)


def _print(results: dict[str, tuple[float, float, str]]) -> None:
    print(f"{'run':32} {'rows':>10} {'seconds':>8} {'rows/s':>11} {'peak MB':>8}")
    for label, (seconds, peak, _) in results.items():
        rows = SMALL if "200k" in label else ROWS
        print(f"{label:32} {rows:>10,} {seconds:>8.2f} {rows / seconds:>11,.0f} {peak:>8.0f}")
    ours, peer, ceiling = (
        results[k][0] for k in ("legation import (plain)", "pandas read_csv (plain)", "duckdb count (plain)")
    )
    ours_zip, peer_zip = results["legation import (zip)"][0], results["pandas read_csv (zip)"][0]
    print(f"speed vs pandas: {peer / ours:.1f}x plain, {peer_zip / ours_zip:.1f}x zip (goal >= 10x)")
    print(f"speed vs bare DuckDB count: {ceiling / ours:.2f}x (goal >= 0.7x)")
    big, tenth = results["legation import (plain)"][1], results["legation import (200k rows)"][1]
    print(f"peak memory: {big:.0f} MB at 2M rows, {tenth:.0f} MB at 200k rows (goal < 1024 MB, not growing)")


if __name__ == "__main__":
    run()
