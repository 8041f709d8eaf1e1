"""The news desk on the command line: `watch` feeds into the review queue, and list `changes`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from legation.cli.common import Format, emit_json, err, failures, lazy, out, state, table
from legation.errors import InputError

if TYPE_CHECKING:
    from legation.importers import feeds, watch
    from legation.registry import changes as changes_core
else:  # spaCy, feedparser and the records (pydantic) load only when the command runs
    feeds, watch = lazy("legation.importers.feeds"), lazy("legation.importers.watch")
    changes_core = lazy("legation.registry.changes")


def watch_(
    ctx: typer.Context,
    urls: Annotated[list[str] | None, typer.Argument(help="RSS or Atom feed addresses.", show_default=False)] = None,
    feeds_file: Annotated[
        str | None, typer.Option("--feeds", help="A YAML feeds file: a list of {url, name, keywords}.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Make one pass and exit (for cron).")] = False,
    every: Annotated[str, typer.Option("--every", help="How often to poll without --once: 30s, 15m, 2h, 1d.")] = "15m",
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a server.", min=0.1)] = 15.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries after a failed download.", min=0)] = 2,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="The summary: a table, or JSON.")] = Format.table,
) -> None:
    """Read news feeds; queue each new article's proposals for review, with the article as source.

    Entries already seen (by canonical address or by text) are skipped, so a second run adds
    nothing. With --once, the exit code is 1 when a feed or an article could not be read."""
    with failures():
        chosen = feeds.from_arguments(urls or []) + (feeds.load(feeds_file) if feeds_file else [])
        if not chosen:
            raise InputError("name at least one feed address, or a feeds file with --feeds", field="FEED")
        period = watch.parse_every(every)
        store = state(ctx).store()
        fetcher = feeds.Fetcher(timeout=timeout, retries=retries)
        try:
            if once:
                summary = _pass(store, chosen, fetcher, fmt)
                raise typer.Exit(1 if summary.errors else 0)
            _poll(store, chosen, fetcher, fmt, period)
        except KeyboardInterrupt:  # Ctrl-C between or during passes: every committed entry stays noted
            err.print("stopped", highlight=False)
        finally:
            fetcher.close()


def _poll(store: object, chosen: list[feeds.Feed], fetcher: feeds.Fetcher, fmt: Format, period: float) -> None:
    """Read each feed when it is due, for ever; a failing feed waits longer each time (Schedule)."""
    schedule = watch.Schedule(chosen, period)
    while True:
        due = schedule.ready(time.monotonic())
        if due:
            summary = _pass(store, due, fetcher, fmt)
            for report in summary.feeds:
                schedule.done(report, time.monotonic())
        time.sleep(max(1.0, schedule.next_due() - time.monotonic()))


def _pass(store: object, chosen: list[feeds.Feed], fetcher: feeds.Fetcher, fmt: Format) -> watch.Summary:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} entries"))
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("reading feeds", total=None)

        def step(feed: feeds.Feed, entry: feeds.Entry | None) -> None:
            bar.update(task, advance=1, description=f"{feed.name}: {(entry.title if entry else '') or ''}"[:70])

        summary = watch.run(store, chosen, fetcher=fetcher, progress=step)  # type: ignore[arg-type]
    _report(summary, fmt)
    return summary


def _report(summary: watch.Summary, fmt: Format) -> None:
    if fmt == Format.json:
        emit_json(summary.as_dict())
        return
    rows = [[f.name, f.entries, f.new, f.proposals, f.error or f.warning or ""] for f in summary.feeds]
    table(None, ["feed", "entries", "new", "proposals", "problem"], rows)
    for report in summary.feeds:
        if report.error:
            err.print(f"feed {report.name} ({report.url}): {report.error}", highlight=False, markup=False)
        for failed in report.failed_articles:
            err.print(f"feed {report.name}: article {failed}", highlight=False, markup=False)
    t = summary.totals()
    err.print(
        f"{t['feeds_read']} of {len(summary.feeds)} feeds read, {t['entries_new']} new entries, "
        f"{t['proposals_queued']} proposals queued, {t['errors']} errors in {t['seconds']:.1f} s"
        + ("; see `legation review` or /review" if t["proposals_queued"] else ""),
        highlight=False,
    )


def changes_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Only versions written on or after this date.")] = None,
    state_code: Annotated[
        str | None, typer.Option("--state", help="Only records about this state or body (RUS, UN).")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind: person, posting, measure…")] = None,
    limit: Annotated[int, typer.Option("--limit", help="The most versions to list.")] = 50,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output: a table, or JSON.")] = Format.table,
) -> None:
    """List the latest versions of records, newest first, with who made them and what changed."""
    with failures():
        found = changes_core.latest(state(ctx).store(), since=since, state=state_code, kind=kind, limit=limit)
        if fmt == Format.json:
            emit_json(found)
            return
        rows = [
            [c["changed_at"], c["changed_by"], c["kind"], c["record_id"], f"v{c['version']} {c['change']}", _diff(c)]
            for c in found
        ]
        table(None, ["when", "who", "kind", "record", "version", "what changed"], rows)
        if not found:
            out.print("no changes", highlight=False)


def _diff(change: dict[str, object]) -> str:
    diff = change["diff"]
    assert isinstance(diff, list)
    if change["change"] == "create":
        return "new: " + ", ".join(d["field"] for d in diff)
    return "; ".join(f"{d['field']}: {d['before'] or '—'} → {d['after'] or '—'}" for d in diff)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch_)
    app.command("changes")(changes_)
