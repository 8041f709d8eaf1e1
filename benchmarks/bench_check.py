"""`legation check` over 200,000 records, half of them persons with many shared and near-shared
names (the case that ran 15 minutes at 6.5 GB). Goal: under 10 s and 500 MB peak memory; the
duplicate search is blocked by folded surname, so it grows with the records, not their square."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.measure import measure

N = 200_000
FIRST = ["Anna", "Boris", "Chen", "Dmitri", "Elena", "Farid", "Grace", "Hassan", "Ivan", "Jana", "Kim", "Lena"]
SURNAMES = 3000  # few enough that many persons share a surname, and some a whole name


def _name(rng: random.Random) -> str:
    surname = f"Surname{rng.randrange(SURNAMES)}"
    first = rng.choice(FIRST) + rng.choice(["", "", "a", "o"])  # near-identical spellings
    return f"{first} {surname}"


def records(rng: random.Random) -> list[dict[str, Any]]:
    source = [{"url": "https://news.example.org/report", "title": "Report", "published": "2001"}]
    persons = N // 2
    out: list[dict[str, Any]] = [
        {"kind": "person", "id": f"p-{i}", "name": _name(rng), "certainty": "reported", "sources": source}
        for i in range(persons)
    ]
    for i in range(N - persons):
        out.append(
            {
                "kind": "posting",
                "id": f"pos-{i}",
                "person": f"p-{i % persons}",
                "role": "ambassador",
                "sending": rng.choice(["RUS", "USA", "POL", "CHN"]),
                "receiving": rng.choice(["GBR", "FRA", "JPN"]),
                "start": str(1950 + i % 60),
                "end": str(1953 + i % 60),
                "exit_type": "expelled",
                "certainty": "confirmed",
                "sources": source,
            }
        )
    return out


def run() -> None:
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "records.jsonl"
        data.write_text("".join(json.dumps(r) + "\n" for r in records(rng)), encoding="utf-8")
        legation = str(Path(sys.executable).parent / "legation")
        db = f"{tmp}/check.db"
        measure([legation, "--db", db, "import", str(data)])
        table = measure([legation, "--db", db, "check"], allow_failure=True)
        as_json = measure([legation, "--db", db, "check", "--format", "json"], allow_failure=True)
    print(f"{N:,} records ({N // 2:,} persons over {SURNAMES:,} surnames)")
    print(f"{'':30}{'seconds':>9}{'cpu s':>9}{'peak MB':>9}")
    for name, m in (("legation check (table)", table), ("legation check --format json", as_json)):
        print(f"{name:30}{m['seconds']:9.2f}{m['cpu']:9.2f}{m['peak_mb']:9.0f}")
    worst = max(table["seconds"], as_json["seconds"]), max(table["peak_mb"], as_json["peak_mb"])
    cpu = max(table["cpu"], as_json["cpu"])
    met = worst[0] < 10 and worst[1] < 500
    print(
        f"check at 200k records: {worst[0]:.1f} s ({cpu:.1f} s of CPU; goal < 10 s), {worst[1]:.0f} MB peak "
        f"(goal < 500 MB): {'met' if met else 'MISSED'}; load {Path('/proc/loadavg').read_text().split()[0]}"
    )
