"""The import fuzzer: hypothesis strategies for hostile interchange files, and the invariant.

The invariant (issue 12): whatever the file, `legation import` ends with one clean line, an
error naming the file or a success, never a traceback; and when it refuses the file, the store's
SQLite file is unchanged byte for byte. An accepted file must not break `check` or `export`.

`tests/test_fuzz.py` runs a bounded number of examples in the normal suite; `make fuzz` runs the
same test with the `fuzz` profile (3,000 inputs) and prints the counts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from typer.testing import CliRunner

from legation.cli import app
from legation.registry import checks, exports
from legation.registry.store import Store
from tests.conftest import SOURCE, rec, rurarz, rurarz_posting

SEED = [
    rurarz(birth="1930"),
    rurarz_posting(start="1977"),
    rec("consequence", "con-1", posting="pos-rurarz-jpn-1981", type="sentenced_to_death_in_absentia", date="1982"),
    rec("measure", "m-1", type="expulsion", actor="RUS", target="USA", date="2018-03-26", count=60),
    rec("measure", "m-2", type="expulsion", actor="USA", target="RUS", date="2018-03", reciprocal_of="m-1"),
    rec(
        "contact",
        "c-1",
        **{"from": "p-zdzislaw-rurarz", "to": "Foreign Ministry"},
        channel="meeting_request",
        outcome="declined",
        date="1981-12",
        count=2,
    ),
    {"kind": "source", "id": "s-1", "url": "https://example.org/s", "title": "A page"},
]
NEST = "__nested__"
FIELDS = sorted({k for r in SEED for k in r} | {"birth", "end", "exit_type", "group", "aliases", "persons", "notes"})
COUNTS: Counter[str] = Counter()  # what the runs saw, for `make fuzz` to report

# --- values -----------------------------------------------------------------------------------

DIGITS = st.sampled_from(["0", "1", "9", "٣", "３", "۷", "𝟘", "²"])
DATES = st.one_of(
    st.sampled_from(["0000", "1981", "9999", "10000", "2023-02-30", "2024-02-29", "1981-13", "1981-00-10", "1981-1-1"]),
    st.builds(lambda *d: "".join(d) + "-0" + d[0], DIGITS, DIGITS, DIGITS, DIGITS),
    st.dates().map(str),
    st.integers(-10, 20_000),
)
URLS = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "data:text/html,<b>",
            "file:///etc/passwd",
            "https://",
            "http://ok.example/a b",
            "ftp://x.example",
            "//x.example",
            "https://ok.example/\u0000",
            "https://ok.example/path?q=1",
        ]
    ),
    st.text(max_size=30).map(lambda t: "https://example.org/" + t),
)
BIG = st.one_of(st.integers(), st.sampled_from([2**63, 2**63 - 1, -(2**63) - 1, 2**200, 10**4300 // 10**4299]))
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=10),
    st.sampled_from(["\u0000", "a\u001bb", "\ud7ff", "line\nbreak", " ", "\u202e", "x" * 300]),
)
SCALARS = st.one_of(st.none(), st.booleans(), BIG, st.floats(allow_nan=True), TEXT, DATES, URLS)
JSON = st.recursive(
    SCALARS, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TEXT, kids, max_size=4), max_leaves=12
)


@st.composite
def mutated_records(draw: st.DrawFn) -> list[Any]:
    """The seed records with a few fields replaced, dropped, added or duplicated."""
    items: list[Any] = [dict(r) for r in draw(st.lists(st.sampled_from(SEED), min_size=1, max_size=6))]
    for _ in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from([i for i in items if isinstance(i, dict)] or [{}]))
        key = draw(st.sampled_from([*FIELDS, "kind", "id", "sources", "date", "count", "url"]))
        action = draw(st.sampled_from(["set", "drop", "date", "url", "count", "nest", "item"]))
        if action == "drop":
            target.pop(key, None)
        elif action == "date":
            target[draw(st.sampled_from(["date", "start", "end", "birth"]))] = draw(DATES)
        elif action == "url":
            target["sources"] = [{**SOURCE, "url": draw(URLS)}]
        elif action == "count":
            target["count"] = draw(st.one_of(BIG, st.booleans(), st.floats(), st.sampled_from(["3", "٣", "1e3"])))
        elif action == "nest":  # too deep to build in Python: `files` writes it into the text
            target[key] = NEST
        elif action == "item":
            items.append(draw(JSON))
        else:
            target[key] = draw(JSON)
    return items


# --- files ------------------------------------------------------------------------------------


def _jsonl(items: list[Any]) -> bytes:
    return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items).encode("utf-8", "surrogatepass")


def _yaml(items: list[Any]) -> bytes:
    return yaml.safe_dump(items, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


def _csv(items: list[Any]) -> bytes:
    rows = [i for i in items if isinstance(i, dict)] or [{"kind": "person"}]
    fields = sorted({str(k) for r in rows for k in r})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([v if isinstance(v, str) else json.dumps(v) for v in (row.get(f, "") for f in fields)])
    return out.getvalue().encode("utf-8", "surrogatepass")


def _bomb(depth: int) -> bytes:
    layers = ["x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    layers += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]" for i in range(1, depth)]
    return ("- kind: person\n  id: p-lol\n  name: Lol\n  notes:\n" + "".join(f"    {x}\n" for x in layers)).encode()


RAW = st.one_of(
    st.binary(max_size=300),
    st.integers(2, 9).map(_bomb),
    st.integers(500, 20_000).map(lambda n: b"[" * n),
    st.integers(500, 20_000).map(lambda n: b"- " + b"[" * n + b"]" * n),
    st.integers(130_000, 1_200_000).map(lambda n: b"kind,id,name\nperson,p-x," + b"a" * n + b"\n"),
    st.sampled_from([b"", b"\n\n", b"{}", b"[]", b"---\n...", b"- 2023-02-30\n", b"\xef\xbb\xbf[]", b"kind\n\xff\n"]),
)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes): a serialised mutation, maybe cut or corrupted, or raw hostile bytes."""
    suffix = draw(st.sampled_from([".jsonl", ".yaml", ".csv", ".json", ".txt"]))
    if draw(st.integers(0, 5)) == 0:
        return "input" + suffix, draw(RAW)
    items = draw(mutated_records())
    writer = {".yaml": _yaml, ".csv": _csv}.get(suffix, _jsonl)
    data = writer(items)
    depth = draw(st.integers(50, 5000))
    data = data.replace(f'"{NEST}"'.encode(), NEST.encode()).replace(NEST.encode(), b"[" * depth + b"]" * depth)
    cut = draw(st.sampled_from(["keep", "keep", "keep", "truncate", "corrupt", "unquote"]))
    if cut == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif cut == "corrupt" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + 1 :]
    elif cut == "unquote":  # YAML that reads `2023-02-30` or `0x1F` as a date or a number
        data = data.replace(b"'", b"").replace(b'"', b"")
    return ("persons" if suffix == ".csv" and draw(st.booleans()) else "input") + suffix, data


# --- the invariant ----------------------------------------------------------------------------


def seed_store(folder: Path) -> Path:
    """A store holding the seed records, checkpointed so that its file is the whole store."""
    db = folder / "seed.db"
    path = folder / "seed.jsonl"
    path.write_bytes(_jsonl(SEED))
    result = CliRunner().invoke(app, ["--db", str(db), "import", str(path)])
    assert result.exit_code == 0, result.output
    _checkpoint(db)
    return db


def _checkpoint(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def check(seed: Path, work: Path, name: str, data: bytes, keep_going: bool) -> None:
    """Import one file into a copy of the seed store and assert the invariant; with
    LEGATION_FUZZ_TALLY set, count what breaks it instead (to measure an older Legation)."""
    problem = _run(seed, work, name, data, keep_going)
    if problem:
        COUNTS[problem[0]] += 1
        if not os.environ.get("LEGATION_FUZZ_TALLY"):
            raise AssertionError(f"{problem[0]} on {name} ({len(data)} bytes, keep_going={keep_going}): "
                                 f"{problem[1]}; the file began {data[:300]!r}")  # fmt: skip


def _run(seed: Path, work: Path, name: str, data: bytes, keep_going: bool) -> tuple[str, str] | None:
    db = work / "store.db"
    for stale in (db, work / "store.db-wal", work / "store.db-shm", work / "rejects.jsonl"):
        stale.unlink(missing_ok=True)
    shutil.copyfile(seed, db)
    before = db.read_bytes()
    path = work / name
    path.write_bytes(data)
    rejects = work / "rejects.jsonl"
    args = ["--db", str(db), "import", str(path), *(["--keep-going", "--reject", str(rejects)] * keep_going)]
    result = CliRunner().invoke(app, args)
    COUNTS["inputs"] += 1
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return "tracebacks", repr(result.exception)[:500]
    lines = [line for line in result.output.splitlines() if line.strip()]
    if result.exit_code != 0:
        _checkpoint(db)
        if db.read_bytes() != before:
            return "changed stores", "a refused import changed the store"
        COUNTS["refused"] += 1
        clean = len(lines) == 1 and lines[0].startswith(f"error: {path}") and len(lines[0]) < 1000
        return None if clean and result.exit_code == 2 else ("unclean messages", result.output[:500])
    if rejects.exists() and rejects.stat().st_size > 20 * len(data) + 1_000_000:
        return "oversized reject files", f"{rejects.stat().st_size} bytes"
    store = Store.open(str(db))
    try:  # what was accepted must not break the readers
        checks.run(store)
        exports.export(store, "jsonl", out=io.StringIO())
    except Exception as exc:
        return "readers broken", repr(exc)[:500]
    finally:
        store.close()
    COUNTS["accepted"] += 1
    return None


def summary() -> str:
    keys = ("inputs", "accepted", "refused", "tracebacks", "changed stores", "unclean messages", "readers broken")
    return (
        "fuzz: "
        + ", ".join(f"{COUNTS[k]:,} {k}" for k in keys)
        + (f", {COUNTS['oversized reject files']:,} oversized reject files" if COUNTS["oversized reject files"] else "")
    )
