"""GDELT import against its peer (pandas read_csv, as gdeltPyR loads a file) and its limit (a bare DuckDB scan).

The real 15-minute GDELT 2.0 file in ../shared is tiled to 1M, 2M and 20M rows (each tile's
GLOBALEVENTIDs shifted so the events stay distinct, as in real data). The tiles are written once into
a cache folder outside the repository (`$LEGATION_BENCH_CACHE`, default ~/.cache/legation/bench) and
reused by later runs; `LEGATION_BENCH_GDELT_ROWS=1000000,2000000` picks other sizes.

Each figure is a fresh process, timed from its start, with its own peak memory (ru_maxrss, os.wait4):

- legation: `legation gdelt import FILE --format json` into a store that is already migrated (as a
  user's store is after `legation init`): read, every check, dedup, aggregates, writes, ledger;
- peer: `pandas.read_csv(FILE, delimiter='\\t', header=None)` of the whole file (gdeltPyR's loader), at
  1M and 2M rows only (it needs about 1.3 GB per million rows: 20M would take 26 GB);
- limit: a bare DuckDB process that reads the same file with the same reader options and column types
  (61 VARCHAR columns), keeps the rows whose EventCode the import keeps and groups them by actor
  country, target country, month and code (count, mentions, Goldstein tenths), as the import's
  aggregate does; no checks, no dedup, no store.

Runs at up to 2M rows are repeated (ROUNDS, interleaved) and the fastest is kept, as load on a shared
machine only slows a run; 20M rows run once. CPU seconds (user + system) are printed too. Ratios are
peer seconds / legation seconds from the same run. Spark (local[2], `LEGATION_BENCH_SPARK=1`) is left
out by default: it takes half a minute per 2M rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import as_installed

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "data/gdelt/arekziobrowski_gdelt-big-data/20191024143000.export.CSV"
SIZES = (1_000_000, 2_000_000, 20_000_000)
PANDAS_UP_TO = 2_000_000
ROUNDS = 2
VENV_BIN = Path(sys.executable).parent

PANDAS = """
import sys, pandas as pd
frame = pd.read_csv(sys.argv[1], delimiter='\\t', header=None)
print(len(frame))
"""
DUCKDB = """
import sys, duckdb
path, codes = sys.argv[1], sys.argv[2].split(',')
columns = ', '.join(f"'c{i}': 'VARCHAR'" for i in range(61))
sql = f'''
    SELECT c7 AS actor, c17 AS target, substr(c1, 1, 6) AS month, c26 AS code, count(*) AS events,
           sum(CAST(c31 AS INTEGER)) AS mentions, sum(CAST(round(CAST(c30 AS DOUBLE) * 10) AS INTEGER)) AS tenths
    FROM read_csv(?, columns={{{columns}}}, delim='\\t', header=false, quote='', escape='', auto_detect=false,
                  max_line_size=1048576, buffer_size=4194304)
    WHERE c26 IN (SELECT unnest(?::VARCHAR[]))
    GROUP BY ALL
'''
print(len(duckdb.connect().execute(sql, [path, codes]).fetchall()))
"""
SPARK = """
import sys
from legation.events import spark
session = spark.session('local[2]', partitions=4)
print(len(spark.dyad_months(session, [sys.argv[1]])))
session.stop()
"""
STORE = """
import sys
from legation.registry.store import Store
Store.open(sys.argv[1]).close()
"""


def cache_dir() -> Path:
    base = os.environ.get("LEGATION_BENCH_CACHE") or Path.home() / ".cache" / "legation" / "bench"
    return Path(base)


def sizes() -> tuple[int, ...]:
    chosen = os.environ.get("LEGATION_BENCH_GDELT_ROWS")
    return tuple(int(n) for n in chosen.split(",")) if chosen else SIZES


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


def tiled(rows: int) -> Path:
    """The tile of `rows` rows in the cache, written on first use (GDELT's name, so it reads as an events file)."""
    folder = cache_dir() / f"gdelt-{rows}"
    target, done = folder / REAL.name, folder / ".complete"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tile(target, rows)
        done.touch()
    return target


def measure(args: list[str]) -> tuple[float, float, float]:
    """Seconds, peak MB and CPU seconds (user + system, all threads) of one child process. CPU time
    is shown beside the wall time because it barely moves with the load of a shared machine."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode(errors="replace")
    if status != 0:
        raise RuntimeError(f"{args[:4]} failed: {text[-800:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def legation_import(folder: Path, path: Path, n: int) -> tuple[float, float, float]:
    db = folder / f"store-{n}.db"
    subprocess.run([sys.executable, "-c", STORE, str(db)], check=True)  # migrated before the clock starts
    try:
        return measure([str(VENV_BIN / "legation"), "--db", str(db), "gdelt", "import", str(path), "--format", "json"])
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def python(code: str, *args: str) -> tuple[float, float, float]:
    return measure([sys.executable, "-c", code, *args])


def _codes() -> str:
    from legation.events import layout

    return ",".join(layout.signals())


def run() -> None:
    if not REAL.exists():
        print("skipped: ../shared is missing")
        return
    as_installed()
    codes = _codes()
    results: dict[tuple[int, str], tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-gdelt-") as name:
        folder = Path(name)
        for rows in sizes():
            path = tiled(rows)
            peers = ["legation", "duckdb"] + (["pandas"] if rows <= PANDAS_UP_TO else [])
            for n in range(ROUNDS if rows <= PANDAS_UP_TO else 1):
                for who in peers:
                    if who == "legation":
                        got = legation_import(folder, path, n)
                    elif who == "duckdb":
                        got = python(DUCKDB, str(path), codes)
                    else:
                        got = python(PANDAS, str(path))
                    best = results.get((rows, who))
                    results[(rows, who)] = got if best is None or got[0] < best[0] else best
            if os.environ.get("LEGATION_BENCH_SPARK") and rows <= PANDAS_UP_TO:
                try:
                    results[(rows, "spark")] = python(SPARK, str(path))
                except (RuntimeError, OSError) as exc:
                    print(f"spark: not measured ({exc})")
    _print(results)


LABELS = {
    "legation": "legation gdelt import",
    "pandas": "pandas read_csv (peer)",
    "duckdb": "bare DuckDB scan (limit)",
    "spark": "Spark local[2]",
}


def _print(results: dict[tuple[int, str], tuple[float, float, float]]) -> None:
    print(f"{'rows':>11} {'run':28} {'seconds':>8} {'rows/s':>11} {'peak MB':>8} {'CPU s':>7}")
    for (rows, who), (seconds, peak, cpu) in results.items():
        print(f"{rows:>11,} {LABELS[who]:28} {seconds:>8.2f} {rows / seconds:>11,.0f} {peak:>8.0f} {cpu:>7.2f}")
    for rows in sorted({r for r, _ in results}):
        ours = results[(rows, "legation")][0]
        line = f"{rows:>11,} rows: {results[(rows, 'duckdb')][0] / ours:.2f}x the bare DuckDB scan (goal >= 0.7x)"
        if (rows, "pandas") in results:
            line += f", {results[(rows, 'pandas')][0] / ours:.1f}x pandas (goal >= 10x)"
        print(line)
    peaks = {rows: peak for (rows, who), (_, peak, _) in results.items() if who == "legation"}
    if 2_000_000 in peaks and 20_000_000 in peaks:
        growth = peaks[20_000_000] / peaks[2_000_000] - 1
        print(
            f"peak memory: {peaks[2_000_000]:.0f} MB at 2M rows, {peaks[20_000_000]:.0f} MB at 20M rows "
            f"({growth:+.0%}; goal within 10%)"
        )


if __name__ == "__main__":
    run()
