"""Small hand-built stores for the analysis tests; the right answers are worked out in each test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legation.registry import imports
from legation.registry.store import Store
from tests.conftest import rec, write_jsonl


def load(store: Store, tmp_path: Path, items: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "analysis.jsonl", items)
    imports.import_records(store, imports.read_paths([str(path)]), actor="tester")


def person(pid: str, name: str, **fields: Any) -> dict[str, Any]:
    return rec("person", pid, name=name, **fields)


def posting(pid: str, person_id: str | None, sending: str, receiving: str | None, **fields: Any) -> dict[str, Any]:
    return rec(
        "posting",
        pid,
        person=person_id,
        role=fields.pop("role", "ambassador"),
        sending=sending,
        receiving=receiving,
        **fields,
    )


def contact(cid: str, sender: str, outcome: str, date: str | None, count: int = 1, **fields: Any) -> dict[str, Any]:
    return rec(
        "contact",
        cid,
        **{"from": sender},
        to=fields.pop("to", "a ministry"),
        channel="call",
        outcome=outcome,
        date=date,
        count=count,
        **fields,
    )


def consequence(posting_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return rec("consequence", f"con-{posting_id}-{kind}", posting=posting_id, type=kind, **fields)


def measure(mid: str, kind: str, actor: str, target: str, date: str | None, **fields: Any) -> dict[str, Any]:
    return rec("measure", mid, type=kind, actor=actor, target=target, date=date, **fields)
