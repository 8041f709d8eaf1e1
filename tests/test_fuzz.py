"""The import fuzzer (tests/fuzzing.py): a bounded run here, 3,000 inputs under `make fuzz`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import fuzzing


@pytest.fixture(scope="module")
def seed() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield fuzzing.seed_store(Path(folder))


@given(file=fuzzing.files(), keep_going=st.booleans())
def test_any_file_gives_one_clean_line_and_a_refusal_leaves_the_store_as_it_was(
    seed: Path, file: tuple[str, bytes], keep_going: bool
) -> None:
    with tempfile.TemporaryDirectory() as work:
        fuzzing.check(seed, Path(work), *file, keep_going)


def test_fuzz_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the counts (`make fuzz` shows them); runs after the property above in this module."""
    with capsys.disabled():
        print("\n" + fuzzing.summary())
    broken = ("tracebacks", "changed stores", "unclean messages", "readers broken", "oversized reject files")
    assert os.environ.get("LEGATION_FUZZ_TALLY") or not any(fuzzing.COUNTS[k] for k in broken)
