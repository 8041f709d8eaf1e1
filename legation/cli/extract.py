"""Commands that read articles: extract, review and eval-extract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from legation.cli.common import Format, emit_json, err, failures, lazy, out, state, table
from legation.errors import InputError

if TYPE_CHECKING:
    from legation import extraction
    from legation.extraction import articles, evaluation, reviews
else:  # spaCy loads only when a command runs
    articles, evaluation = lazy("legation.extraction.articles"), lazy("legation.extraction.evaluation")
    extraction, reviews = lazy("legation.extraction"), lazy("legation.extraction.reviews")

VERBOSE = frozenset({"passage", "detail", "certainty", "evidence", "consequence_evidence", "reason", "next_role"})
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: a table, or JSON.")]
review_app = typer.Typer(
    help="The review queue: accept, merge or reject what the extractor proposed.", no_args_is_help=False
)


def extract_(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help="Text or HTML files, folders of them, http(s) URLs, or - for stdin.")
    ],
    fmt: FormatOption = Format.table,
    review: Annotated[bool, typer.Option("--review", help="Put the proposals in the review queue.")] = False,
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="With --review: accept every proposal without review.")
    ] = False,
    url: Annotated[
        str | None, typer.Option("--url", help="Where a local file or stdin was published: the proposals' source.")
    ] = None,
    processes: Annotated[
        int, typer.Option("--processes", "-p", min=1, help="Worker processes, each loading the model once.")
    ] = 1,
) -> None:
    """Read articles and propose exits, measures, contacts and postings, each with its evidence.

    Many files, or a folder of .txt/.html files, go through spaCy's nlp.pipe in batches.
    """
    with failures():
        if accept_all and not review:
            raise InputError("--accept-all needs --review", field="--accept-all")
        extraction.pipeline.nlp()  # a missing model is named before any file is read
        store = state(ctx).store()
        paths = articles.expand(sources)
        if url and len(paths) > 1:
            raise InputError("--url names one article's address; give one file with it", field="--url")
        found = [articles.read(source, url=url) for source in paths]
        results = []
        columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal or len(found) < 2) as bar:
            task = bar.add_task("extract", total=len(found))
            texts, dates = [a.text for a in found], [a.published for a in found]
            for article, extracted in zip(
                found, extraction.extract_many(texts, store=store, published=dates, processes=processes), strict=True
            ):
                result: dict[str, Any] = {"source": article.source(), **extracted}
                if review:
                    ids = reviews.queue(store, article, extracted)
                    result["reviews"] = ids
                    if accept_all:
                        result["accepted"] = reviews.accept_all(store, ids)
                results.append(result)
                bar.advance(task)
        if fmt == Format.json:
            emit_json(results[0] if len(results) == 1 else results)
        else:
            for result in results:
                _extract_table(result)


def _extract_table(result: dict[str, Any]) -> None:
    rows = []
    for section in extraction.SECTIONS:
        for item in result[section]:
            who = item.get("person") or item.get("group") or item.get("from") or item.get("actor")
            what = item.get("exit_type") or item.get("measure") or item.get("channel") or item.get("role")
            sending = item.get("sending_state") or item.get("actor") or ""
            states = f"{sending}→{item.get('receiving_state') or item.get('target') or ''}"
            rows.append([section, who, what, states, item.get("year"), item.get("confidence")])
    table(result["source"]["url"], ["section", "who", "what", "states", "year", "confidence"], rows)
    if result.get("reviews"):
        err.print(f"{len(result['reviews'])} proposals queued; see `legation review`", highlight=False)


@review_app.callback(invoke_without_command=True)
def review_list(
    ctx: typer.Context,
    status: Annotated[str, typer.Option("--status", help="pending, accepted, merged, rejected or all.")] = "pending",
    fmt: FormatOption = Format.table,
) -> None:
    """List proposals with their evidence highlighted (pending ones by default)."""
    if ctx.invoked_subcommand:
        return
    with failures():
        if status not in (*reviews.STATUSES, "all"):
            raise InputError(f"expected one of {', '.join(reviews.STATUSES)} or all; got {status!r}", field="--status")
        found = reviews.listing(state(ctx).store(), status=None if status == "all" else status)
        if fmt == Format.json:
            emit_json([r.as_dict() for r in found])
            return
        for review in found:
            out.print(_highlight(review))


def _highlight(review: reviews.Review) -> Text:
    data = review.data
    summary = {k: v for k, v in data.items() if k not in ("evidence", "consequence_evidence") and v not in (None, [])}
    line = Text(f"{review.id} [{review.status}] {review.section}: ", style="bold")
    line.append(json.dumps(summary, ensure_ascii=False))
    evidence = data.get("evidence") or {}
    sentence, words = str(evidence.get("sentence") or ""), str(evidence.get("text") or "")
    body = Text("\n  " + sentence + "\n")
    at = sentence.find(words) if words else -1
    if at >= 0:
        body.stylize("bold reverse", 3 + at, 3 + at + len(words))
    return line + body


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    review_id: Annotated[str, typer.Argument(help="The review id (rv-...).")],
    changes: Annotated[
        list[str] | None, typer.Option("--set", help="Edit a field before accepting: field=value (null clears).")
    ] = None,
) -> None:
    """Accept a proposal, with edits: its records enter the registry with the article as source."""
    with failures():
        ids = reviews.accept(state(ctx).store(), review_id, changes=reviews.edits(changes or []))
        err.print(f"accepted {review_id}: {', '.join(ids)}", highlight=False)


@review_app.command("merge")
def review_merge(
    ctx: typer.Context,
    review_id: Annotated[str, typer.Argument(help="The review id (rv-...).")],
    into: Annotated[str, typer.Option("--into", help="The person or posting id the proposal is about.")],
) -> None:
    """Accept a proposal into an existing person or posting instead of creating new ones."""
    with failures():
        ids = reviews.merge(state(ctx).store(), review_id, into)
        err.print(f"merged {review_id} into {into}: {', '.join(ids)}", highlight=False)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    review_id: Annotated[str, typer.Argument(help="The review id (rv-...).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, kept with the proposal.")] = None,
) -> None:
    """Reject a proposal; it stays in the queue as rejected and writes nothing."""
    with failures():
        reviews.reject(state(ctx).store(), review_id, reason=reason)
        err.print(f"rejected {review_id}", highlight=False)


def eval_extract(
    doc: Annotated[
        Path,
        typer.Argument(help="An article (text or HTML), or a JSON Lines corpus like shared/corpus/passages-dev.jsonl."),
    ],
    gold: Annotated[
        Path | None,
        typer.Argument(help="The article's gold file (the format of shared/corpus/seed-article.gold.json)."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Score the extractor against gold: precision, recall and F1, every miss and false alarm, and
    (for a corpus) precision by confidence band, so a reviewer knows which proposals to trust."""
    with failures():
        if gold is None:
            _eval_corpus(doc, fmt)
            return
        article = articles.read(str(doc))
        try:
            expected = json.loads(gold.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"expected a JSON gold file: {exc}", file=str(gold)) from None
        scores = evaluation.score(expected, extraction.extract(article.text, published=article.published))
        if fmt == Format.json:
            emit_json({s: v.as_dict() for s, v in scores.items()})
            return
        _score_table(scores)


def _eval_corpus(path: Path, fmt: Format) -> None:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the corpus: {exc.strerror}", file=str(path)) from None
    passages = evaluation.read_corpus(lines, file=str(path))
    found = list(extraction.extract_many([p.text for p in passages]))
    scores = evaluation.score_passages(passages, found)
    bands = evaluation.bands(passages, found)
    if fmt == Format.json:
        emit_json({"passages": len(passages), **{s: v.as_dict() for s, v in scores.items()}, "bands": bands})
        return
    _score_table(scores, title=f"{path.name}: {len(passages)} passages, micro-averaged")
    rows = [
        [b["band"], b["proposals"], b["correct"], "–" if b["precision"] is None else f"{b['precision']:.2f}"]
        for b in bands
    ]
    table("precision by confidence band", ["confidence", "proposals", "correct", "precision"], rows)


def _score_table(scores: dict[str, evaluation.Score], title: str | None = None) -> None:
    rows = [
        [s, v.matched, v.predicted, v.expected, f"{v.precision:.2f}", f"{v.recall:.2f}", f"{v.f1:.2f}"]
        for s, v in scores.items()
    ]
    table(title, ["section", "matched", "found", "gold", "precision", "recall", "F1"], rows)
    near = [[s, name, count] for s, v in scores.items() for name, count in sorted(v.near.items())]
    if near:
        table("near misses: false alarms one field away from a missed gold record", ["section", "field", "count"], near)
    for section, value in scores.items():
        for label, records in (("miss ", value.misses), ("false", value.false_alarms)):
            for record in records:
                where = f" [{record['passage']}]" if "passage" in record else ""
                brief = {k: v for k, v in record.items() if k not in VERBOSE and v not in (None, [])}
                line = f"{label} {section}{where}: {json.dumps(brief, ensure_ascii=False)}"
                out.print(line, highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_)
    app.command("eval-extract")(eval_extract)
    app.add_typer(review_app, name="review")
