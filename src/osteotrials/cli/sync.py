"""Registry commands: ``sync`` (ClinicalTrials.gov API v2), ``import-aact``, ``import-bulk``."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from osteotrials.cli._common import console, err_console, print_json, store_from
from osteotrials.sources.ctgov_api import (
    DEFAULT_BASE_URL,
    DEFAULT_REQUESTS_PER_MINUTE,
    CtgovClient,
    CtgovError,
    RetryPolicy,
    StudyQuery,
    status_tuple,
)
from osteotrials.sync import SyncError, SyncProgress, run_sync
from osteotrials.sync.run import Reconciliation

if TYPE_CHECKING:
    from osteotrials.sync.imports import ImportSummary


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _print_import_summary(
    summary: ImportSummary,
    location: str,
    *,
    as_json: bool,
    unit: str = "",
    always_skipped: bool = False,
) -> None:
    """The outcome of ``import-aact`` / ``import-bulk``: JSON, or a table and the skips."""
    if as_json:
        print_json(summary.to_dict() | {"db_path": location})
        return
    table = Table(show_header=False, box=None)
    table.add_row("Database", escape(location))
    table.add_row("Source", escape(summary.source))
    table.add_row("Studies", f"{summary.studies} of {summary.total}{unit}")
    table.add_row("New", str(summary.new))
    table.add_row("Updated", str(summary.updated))
    table.add_row("Unchanged", str(summary.unchanged))
    if summary.skipped or always_skipped:
        table.add_row("Skipped (bad records)", str(summary.skipped))
    table.add_row("Time", f"{summary.seconds:.1f} s")
    if summary.resumed:
        table.add_row("Note", "resumed an interrupted import")
    console.print(table)
    for example in summary.skipped_examples:
        err_console.print(f"[yellow]skipped:[/] {escape(example)}")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal and os.environ.get("OSTEOTRIALS_PROGRESS") != "1",
    )


def _reconciliation_table(rec: Reconciliation) -> Table:
    table = Table(title="Reconciliation with the registry (count per status)")
    table.add_column("status")
    table.add_column("in database", justify="right")
    table.add_column("registry totalCount", justify="right")
    table.add_column("")
    for row in rec.rows:
        table.add_row(
            row.status, str(row.local), str(row.server), "ok" if row.ok else "[red]MISMATCH[/]"
        )
    table.add_row(
        "all",
        str(rec.local_total),
        str(rec.server_total),
        "ok" if rec.local_total == rec.server_total else "[red]MISMATCH[/]",
    )
    return table


@click.command()
@click.option("--condition", help='Condition query (API v2 query.cond), e.g. "breast cancer".')
@click.option("--term", help="Other terms (API v2 query.term).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Overall status filter, repeatable or comma-separated (recruiting, not_yet_recruiting, "
    "active_not_recruiting, completed, ...).",
)
@click.option("--since", help="Only records whose last update was posted on or after YYYY-MM-DD.")
@click.option("--full", is_flag=True, help="Fetch every record of the query, not only updates.")
@click.option(
    "--base-url",
    envvar="OSTEOTRIALS_CTGOV_URL",
    default=DEFAULT_BASE_URL,
    show_default=True,
    help="API root (a mirror, or a test server); env OSTEOTRIALS_CTGOV_URL.",
)
@click.option(
    "--page-size",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Studies per page (one transaction per page).",
)
@click.option(
    "--rate-limit",
    default=DEFAULT_REQUESTS_PER_MINUTE,
    show_default=True,
    type=float,
    help="At most this many requests per minute (0 = no limit, for local mirrors only).",
)
@click.option(
    "--retries",
    default=6,
    show_default=True,
    type=click.IntRange(1, 50),
    help="Attempts per request before giving up.",
)
@click.option("--timeout", default=30.0, show_default=True, help="Seconds per request.")
@click.option("--no-reconcile", is_flag=True, help="Skip the per-status count check at the end.")
@click.option(
    "--no-compile",
    is_flag=True,
    help="Do not compile eligibility criteria now (compiled on first use instead).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def sync(
    ctx: click.Context,
    condition: str | None,
    term: str | None,
    statuses: tuple[str, ...],
    since: str | None,
    full: bool,
    base_url: str,
    page_size: int,
    rate_limit: float,
    retries: int,
    timeout: float,
    no_reconcile: bool,
    no_compile: bool,
    as_json: bool,
) -> None:
    """Fetch trials from ClinicalTrials.gov (API v2) into the database, resumably.

    Each page is stored in one transaction with a checkpoint, so an interrupted
    sync (network loss, Ctrl-C, a killed process) continues where it stopped
    when the same command is run again. Without --since or --full, only records
    updated since the last completed sync of the same query are fetched (all of
    them the first time). Changed records keep their earlier eligibility text
    in the criteria history and have their criteria compiled again.

    With --db naming a new file, that database holds the synced trials alone.
    Without --db the trials go to your own database in the user-data directory.

    \b
    Examples:
      osteotrials --db breast.sqlite sync --condition "breast cancer" --status recruiting
      osteotrials --db breast.sqlite sync --condition "breast cancer"    # later: updates only
      osteotrials --db postgresql://localhost/trials sync --term "bone metastases" --full
      osteotrials sync --condition "breast cancer" --since 2026-01-01 --json
    """
    if full and since:
        raise click.UsageError("give either --since or --full, not both")
    since_date = _date(since)
    try:
        status_list = status_tuple(",".join(statuses)) if statuses else ()
        query = StudyQuery(condition=condition, term=term, statuses=status_list)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--status") from None
    client = CtgovClient(
        base_url,
        requests_per_minute=rate_limit or None,
        retry=RetryPolicy(max_attempts=retries),
        timeout=timeout,
        on_retry=lambda n, why, delay: err_console.print(
            f"[yellow]retry {n}[/] after {escape(why)}; waiting {delay:.1f} s"
        ),
    )
    with client:
        # Reach the registry before touching the database: offline, nothing is
        # opened or created.
        try:
            client.count(query)
        except CtgovError as exc:
            err_console.print(f"[red]Cannot reach ClinicalTrials.gov:[/] {escape(str(exc))}")
            err_console.print("Nothing was written: the database is unchanged.")
            sys.exit(2)
        with store_from(ctx, write=True) as store, _progress() as bar:
            task: TaskID = bar.add_task("sync", total=None, counts="")

            def show(p: SyncProgress) -> None:
                bar.update(
                    task,
                    completed=p.studies + p.skipped,
                    total=p.total,
                    counts=f"new {p.new} · updated {p.updated} · unchanged {p.unchanged}",
                )

            try:
                summary = run_sync(
                    store,
                    client,
                    condition=condition,
                    term=term,
                    status=status_list,
                    since=since_date,
                    full=full,
                    progress=show,
                    page_size=page_size,
                    compile_criteria=not no_compile,
                    reconcile_counts=not no_reconcile,
                )
            except SyncError as exc:
                bar.stop()
                err_console.print(f"[red]Sync stopped:[/] {escape(str(exc))}")
                sys.exit(1)
            location = store.location
    if as_json:
        print_json(summary.to_dict() | {"db_path": location})
        return
    table = Table(show_header=False, box=None)
    table.add_row("Database", escape(location))
    table.add_row("Query", escape(_describe(summary.query, summary.since)))
    table.add_row(
        "Studies",
        f"{summary.studies} in {summary.pages} pages"
        + (
            f" (registry totalCount {summary.total_count})"
            if summary.total_count is not None
            else ""
        ),
    )
    table.add_row("New", str(summary.new))
    table.add_row("Updated", str(summary.updated))
    table.add_row("Unchanged", str(summary.unchanged))
    table.add_row("Withdrawn", str(summary.withdrawn))
    if summary.skipped:
        table.add_row("Skipped (bad records)", str(summary.skipped))
    table.add_row("Requests", f"{summary.requests} in {summary.seconds:.1f} s")
    for note in summary.notes:
        table.add_row("Note", escape(note))
    console.print(table)
    for example in summary.skipped_examples:
        err_console.print(f"[yellow]skipped:[/] {escape(example)}")
    rec = summary.reconciliation
    if rec is not None:
        console.print(_reconciliation_table(rec))
        if rec.note:
            console.print(f"[yellow]Note:[/] {escape(rec.note)}")
        if rec.ok:
            console.print("Counts match the registry.")
        else:
            differing = ", ".join(r.status for r in rec.mismatches) or "the total"
            console.print(f"[red]Counts differ from the registry[/] for: {escape(differing)}")


def _describe(query: dict[str, Any], since: str | None) -> str:
    parts = [f"{k}={v!r}" for k, v in query.items() if v]
    parts.append(f"since {since}" if since else "all records")
    return ", ".join(parts)


@click.command("import-aact")
@click.option("--dsn", help="AACT PostgreSQL connection string (postgresql://user@host/aact).")
@click.option("--schema", default="ctgov", show_default=True, help="AACT schema name.")
@click.option(
    "--flat",
    "flat",
    type=click.Path(exists=True, path_type=Path),
    help="AACT pipe-delimited flat-file export: a folder of .txt files or the zip.",
)
@click.option("--since", help="Only studies whose last update was posted on or after YYYY-MM-DD.")
@click.option("--batch-size", default=500, show_default=True, help="Studies per transaction.")
@click.option("--no-compile", is_flag=True, help="Do not compile eligibility criteria now.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_aact(
    ctx: click.Context,
    dsn: str | None,
    schema: str,
    flat: Path | None,
    since: str | None,
    batch_size: int,
    no_compile: bool,
    as_json: bool,
) -> None:
    """Import trials from AACT (CTTI's PostgreSQL copy of ClinicalTrials.gov).

    Reads studies, summaries, conditions, keywords, interventions (and other
    names), arms, outcomes, design, eligibility, facilities (status and
    coordinates when present), sponsors and calculated values, from the AACT
    database or its flat-file export. Batches are committed with a checkpoint:
    an interrupted import resumes when run again with the same source.

    \b
    Examples:
      osteotrials --db trials.sqlite import-aact --dsn "$AACT_DSN"
      osteotrials --db trials.sqlite import-aact --flat ~/Downloads/aact-export.zip
      osteotrials --db postgresql://localhost/trials import-aact --dsn "$AACT_DSN" \\
          --since 2026-01-01
    """
    from osteotrials.sources.aact import AactError, FlatFileAact, PostgresAact, RowSource
    from osteotrials.sync.imports import import_aact as run_import

    if (dsn is None) == (flat is None):
        raise click.UsageError("give exactly one of --dsn or --flat")
    since_date = _date(since)
    source: PostgresAact | FlatFileAact
    try:
        if dsn is not None:
            source = PostgresAact(dsn, schema=schema)
            origin, label = source.origin, "aact"
        else:
            assert flat is not None
            err_console.print("Staging the flat files (one pass over each table)...")
            source = FlatFileAact(flat)
            origin, label = str(flat.resolve()), "aact-flat"
    except AactError as exc:
        raise click.ClickException(str(exc)) from None
    with source, store_from(ctx, write=True) as store, _progress() as bar:
        task = bar.add_task("import", total=None, counts="")
        row_source: RowSource = source
        try:
            summary = run_import(
                store,
                row_source,
                origin=origin,
                label=label,
                since=since_date,
                batch_size=batch_size,
                compile_criteria=not no_compile,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except AactError as exc:
            raise click.ClickException(str(exc)) from None
        location = store.location
    _print_import_summary(summary, location, as_json=as_json)


@click.command("import-bulk")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-size", default=1000, show_default=True, help="Studies per transaction.")
@click.option("--no-compile", is_flag=True, help="Do not compile eligibility criteria now.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_bulk(
    ctx: click.Context, path: Path, batch_size: int, no_compile: bool, as_json: bool
) -> None:
    """Import the full ClinicalTrials.gov download (ctg-studies.zip, one JSON per study).

    Streams the zip with bounded memory and commits every --batch-size studies
    with a checkpoint: an interrupted import (Ctrl-C, a killed process) resumes
    where it stopped when run again on the same file. Bad members are skipped
    and listed. (`osteotrials ingest` reads the same zip in one transaction.)

    \b
    Examples:
      osteotrials --db all-trials.sqlite import-bulk ~/Downloads/ctg-studies.zip
      osteotrials --db postgresql://localhost/trials import-bulk ctg-studies.zip --no-compile
    """
    from osteotrials.sync.imports import import_bulk as run_import

    with store_from(ctx, write=True) as store, _progress() as bar:
        task = bar.add_task("import", total=None, counts="")
        try:
            summary = run_import(
                store,
                path,
                batch_size=batch_size,
                compile_criteria=not no_compile,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        location = store.location
    _print_import_summary(summary, location, as_json=as_json, unit=" files", always_skipped=True)
