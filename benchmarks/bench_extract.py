"""The extractor's speed in words per second on one core, reading from disk, next to spaCy's bare
tokenizer on the same text (the ceiling: no rule can be faster than tokenizing), and the ratio.

The text is the seed essay (shared/corpus) repeated to about 200,000 words, or the development
set when ../shared is missing. Goal: 20,000 words/s or more (issue 6).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import spacy

from legation.extraction import extract, pipeline

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "seed-article.txt"
DEV = ROOT / "tests" / "extraction" / "dev"
WORDS = 200_000
GOAL = 20_000


def _corpus() -> tuple[str, str]:
    if SEED.exists():
        return SEED.read_text("utf-8"), "seed essay"
    return "\n\n".join(p.read_text("utf-8") for p in sorted(DEV.glob("*.txt"))), "development set"


def _timed(path: Path, run: object) -> float:
    start = time.perf_counter()
    text = path.read_text("utf-8")
    run(text)  # type: ignore[operator]
    return time.perf_counter() - start


def _tokenize(text: str) -> None:
    nlp = spacy.blank("en")
    for _, chunk in pipeline.paragraphs(text):
        nlp.make_doc(chunk)


def run() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    base, name = _corpus()
    copies = max(1, WORDS // len(base.split()))
    text = "\n\n".join([base] * copies)
    words = len(text.split())
    extract(base)  # load the pipeline and lexicon once, outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        path.write_text(text, encoding="utf-8")
        ceiling = min(_timed(path, _tokenize) for _ in range(2))
        ours = min(_timed(path, extract) for _ in range(2))
    rate, top = words / ours, words / ceiling
    print(f"corpus: {name} x{copies} = {words:,} words, one process, best of 2")
    print(f"{'':<28}{'seconds':>10}{'words/s':>12}")
    print(f"{'spaCy bare tokenizer':<28}{ceiling:>10.2f}{top:>12,.0f}")
    print(f"{'legation extractor':<28}{ours:>10.2f}{rate:>12,.0f}")
    print(f"ratio extractor/tokenizer: {rate / top:.2f}; goal {GOAL:,} words/s: {'met' if rate >= GOAL else 'NOT met'}")


if __name__ == "__main__":
    run()
