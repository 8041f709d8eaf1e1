"""The extractor: its scores on the development corpus and the seed essay, then its speed in words
per second on one process, reading articles from disk, next to spaCy's own pipeline (`nlp.pipe`
with the same components on the same paragraphs, no rules): the ceiling, which the rules should
cost at most 30% over. Goal: 5,000 words/s per process (issue 11).

The articles are the dev passages and the seed essay (../shared/corpus), or the hand-written
development texts when ../shared is missing, copied into files until about WORDS words.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from legation.extraction import evaluation, extract_many, pipeline

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEV = ROOT / "tests" / "extraction" / "dev"
WORDS = 40_000  # short: the machine is shared
ROUNDS = 3  # each timed this many times, in turns; the best run counts
GOAL = 5_000
OVERHEAD = 0.30


def _articles() -> tuple[list[str], str]:
    if CORPUS.exists():
        passages = evaluation.read_corpus((CORPUS / "passages-dev.jsonl").read_text("utf-8").splitlines(), file="dev")
        return [p.text for p in passages] + [
            (CORPUS / "seed-article.txt").read_text("utf-8")
        ], "dev passages + seed essay"
    return [p.read_text("utf-8") for p in sorted(DEV.glob("*.txt"))], "hand-written development texts"


def _scores() -> None:
    if not CORPUS.exists():
        print("../shared is missing: no corpus scores")
        return
    lines = (CORPUS / "passages-dev.jsonl").read_text("utf-8").splitlines()
    passages = evaluation.read_corpus(lines, file="passages-dev.jsonl")
    found = list(extract_many([p.text for p in passages]))
    dev = evaluation.score_passages(passages, found)
    seed_gold = json.loads((CORPUS / "seed-article.gold.json").read_text("utf-8"))
    seed = evaluation.score(seed_gold, next(extract_many([(CORPUS / "seed-article.txt").read_text("utf-8")])))
    print(f"{'text':<22}{'section':<10}{'matched':>8}{'found':>7}{'gold':>6}{'P':>7}{'R':>7}{'F1':>7}")
    for name, scores in (("dev passages (20)", dev), ("seed essay", seed)):
        for section in ("exits", "measures"):
            v = scores[section]
            row = f"{name:<22}{section:<10}{v.matched:>8}{v.predicted:>7}{v.expected:>6}"
            print(f"{row}{v.precision:>7.2f}{v.recall:>7.2f}{v.f1:>7.2f}")
    print("precision by confidence band (dev passages):")
    for band in evaluation.bands(passages, found):
        precision = "–" if band["precision"] is None else f"{band['precision']:.2f}"
        print(
            f"  {band['band']:<10}{band['proposals']:>4} proposals, {band['correct']:>3} correct, precision {precision}"
        )


def _timed(paths: list[Path], run: Callable[[list[str]], object]) -> tuple[float, float]:
    """CPU seconds of this process (what one process costs, whatever else the machine runs) and wall seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    run([p.read_text("utf-8") for p in paths])
    return time.process_time() - cpu, time.perf_counter() - wall


def _bare(texts: list[str]) -> None:
    """spaCy alone, as the model ships (its own attribute_ruler and lemmatizer): the same trained
    components over the same paragraphs, in the same batches."""
    chunks = [c for t in texts for _, c in pipeline.paragraphs(t) if c.strip()]
    for _ in pipeline.trained().pipe(chunks, batch_size=pipeline.BATCH):
        pass


def _ours(texts: list[str]) -> None:
    for _ in extract_many(texts):
        pass


def run() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _scores()
    base, name = _articles()
    copies = max(1, WORDS // sum(len(t.split()) for t in base))
    texts = base * copies
    words = sum(len(t.split()) for t in texts)
    _ours(base[:2])  # load the model and the lexicon once, outside the timing
    _bare(base[:2])
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"article-{i:04}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        runs: dict[str, list[tuple[float, float]]] = {"bare": [], "ours": []}
        for _ in range(ROUNDS):  # in turns, so that a change in the machine's load falls on both
            runs["bare"].append(_timed(paths, _bare))
            runs["ours"].append(_timed(paths, _ours))
        ceiling, ceiling_wall = min(runs["bare"])
        ours, ours_wall = min(runs["ours"])
    rate, top = words / ours, words / ceiling
    cost = ours / ceiling - 1
    paragraphs = sum(1 for t in texts for _, c in pipeline.paragraphs(t) if c.strip())
    print(f"\ncorpus: {name} x{copies} = {len(texts)} articles, {words:,} words, one process, best of {ROUNDS}")
    print(f"paragraphs parsed: {paragraphs:,} of {paragraphs:,} by both (load average {os.getloadavg()[0]:.1f})")
    print(f"ceiling components: {', '.join(pipeline.trained().pipe_names)} (left out: {', '.join(pipeline.UNUSED)})")
    print(f"extractor components: {', '.join(pipeline.nlp().pipe_names)}", end="")
    if "attributes" in pipeline.nlp().pipe_names:
        print(" (attributes: attribute_ruler + lemmatizer as look-ups, the same values token by token)")
    else:
        print()
    print(f"{'':<34}{'CPU s':>8}{'words/s':>10}{'wall s':>9}{'words/s':>10}")
    for label, cpu, wall in (
        ("spaCy nlp.pipe, no rules (ceiling)", ceiling, ceiling_wall),
        ("legation extractor", ours, ours_wall),
    ):
        print(f"{label:<34}{cpu:>8.2f}{words / cpu:>10,.0f}{wall:>9.2f}{words / wall:>10,.0f}")
    verdict = "met" if cost <= OVERHEAD else "NOT met"
    print(f"rules cost {cost:+.0%} over the ceiling (goal at most +{OVERHEAD:.0%}: {verdict})")
    reached = "met" if rate >= GOAL else "NOT met"
    print(f"goal {GOAL:,} words/s per process (CPU): {reached} ({rate / top:.2f} of the ceiling)")


if __name__ == "__main__":
    run()
