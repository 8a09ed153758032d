"""Corpus commands: ``data info``, ``ingest``, ``search``, ``show``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from osteotrials.cli._common import console, db_option, err_console, print_json, store_from
from osteotrials.model import Trial
from osteotrials.sources import RecordError, read_paths
from osteotrials.sources.ctgov_json import NCT_ID
from osteotrials.store import UpsertSummary, default_user_db

NO_TITLE = "(no title in the source record)"


@click.group()
def data() -> None:
    """Facts about the trial database in use.

    \b
    Examples:
      osteotrials data info
      osteotrials data info --json
      osteotrials --db my-trials.sqlite data info
    """


@data.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of a table.")
@click.pass_context
def data_info(ctx: click.Context, as_json: bool) -> None:
    """Number of trials, snapshot date, sources and where the database is.

    JSON keys: trials, snapshot_date, sources (per-source counts), statuses,
    db_path, backend, schema_version, read_only.
    """
    with store_from(ctx) as store:
        info = store.info()
    if as_json:
        print_json(info.model_dump(mode="json"))
        return
    table = Table(show_header=False, box=None)
    table.add_row("Database", escape(info.db_path) + (" (read-only)" if info.read_only else ""))
    table.add_row("Backend", f"{info.backend}, schema v{info.schema_version}")
    table.add_row("Trials", str(info.trials))
    table.add_row("Snapshot date", info.snapshot_date or "unknown")
    table.add_row("Sources", ", ".join(f"{escape(k)}: {v}" for k, v in info.sources.items()))
    table.add_row("Statuses", ", ".join(f"{escape(k)}: {v}" for k, v in info.statuses.items()))
    console.print(table)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Skip unreadable records (and list them) instead of stopping with nothing written.",
)
@click.option("--batch-size", default=500, show_default=True, help="Trials per transaction.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], skip_bad: bool, batch_size: int) -> None:
    """Add or update trials from files or folders.

    Reads ClinicalTrials.gov API v2 JSON (one study, a {"studies": [...]} page,
    or a list), JSONL (one study per line), the bulk-download zip, legacy
    <clinical_study> XML, and folders of these. Trials are upserted by NCT id;
    earlier eligibility texts are kept in the criteria history.

    Without --skip-bad the first bad record stops the run and nothing is
    written. Without --db the trials go to your own database in the user-data
    directory, which starts as a copy of the bundled snapshot.

    \b
    Examples:
      osteotrials ingest NCT03377387.json
      osteotrials ingest downloads/ctg-studies.zip --skip-bad
      osteotrials --db trials.sqlite ingest studies.jsonl
    """
    created_user_db = db_option(ctx) is None and not default_user_db().exists()
    skipped: list[RecordError] = []
    summary = UpsertSummary()
    try:
        with (
            store_from(ctx, write=True) as store,
            Progress(
                TextColumn("[bold]Ingesting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("records"),
                TimeElapsedColumn(),
                console=err_console,
                transient=False,
            ) as progress,
        ):
            task = progress.add_task("ingest", total=None)

            def good_trials() -> Any:
                for result in read_paths(paths):
                    progress.advance(task)
                    if result.error is not None:
                        if not skip_bad:
                            raise result.error
                        skipped.append(result.error)
                        continue
                    yield result.trial

            with store.atomic():
                summary = store.upsert_trials(good_trials(), batch_size=batch_size)
            location = store.location
    except RecordError as exc:
        if created_user_db:
            default_user_db().unlink(missing_ok=True)
        raise click.ClickException(
            f"{exc.describe()}\nNothing was written. Fix the record or use --skip-bad."
        ) from None
    console.print(
        f"Ingested into {escape(location)}: [bold]{summary.new}[/] new, "
        f"[bold]{summary.updated}[/] updated, {summary.unchanged} unchanged.",
        soft_wrap=True,
    )
    if skipped:
        err_console.print(f"[yellow]Skipped {len(skipped)} bad record(s):[/]", soft_wrap=True)
        for error in skipped:
            err_console.print(f"  - {escape(error.describe())}", soft_wrap=True)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--status",
    type=click.Choice(["recruiting", "open", "all"]),
    default="all",
    show_default=True,
    help="recruiting: RECRUITING only; open: also not yet recruiting and by invitation.",
)
@click.option("--phase", type=click.Choice(["1", "2", "3", "4"]), help="Only trials of this phase.")
@click.option(
    "--type",
    "study_type",
    type=click.Choice(["interventional", "observational"]),
    help="Only interventional or observational studies.",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    status: str,
    phase: str | None,
    study_type: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search of titles, conditions, interventions, summaries and criteria.

    Words are expanded with medical synonyms (metastases/mets, bone/osseous,
    HER2/ERBB2, drug brand and code names) and ranked by BM25 with field
    weights (title > conditions and keywords > interventions > summary >
    criteria). JSON: a list of objects with nct_id, title, status, phases,
    study_type, score and record_version.

    \b
    Examples:
      osteotrials search bone metastases zoledronic acid every 12 weeks
      osteotrials search "HER2-low trastuzumab deruxtecan" --status recruiting --json
      osteotrials search SBRT palbociclib --phase 2 --limit 5
    """
    text = " ".join(query)
    with store_from(ctx) as store:
        hits = store.search(
            text,
            status=status,  # type: ignore[arg-type]
            phase=phase,
            study_type=study_type,
            limit=limit,
        )
        snapshot = store.get_meta("snapshot_date")
    if as_json:
        print_json([h.model_dump(mode="json") for h in hits])
        return
    if not hits:
        err_console.print(f"No trials match {escape(text)!r} (status filter: {status}).")
        ctx.exit(1)
    table = Table(
        title=f"Trials matching {escape(text)!r}", caption=f"Data snapshot: {snapshot or 'unknown'}"
    )
    for column in ("#", "NCT id", "Title", "Status", "Phases", "Score"):
        table.add_column(column, overflow="fold")
    for i, hit in enumerate(hits, start=1):
        table.add_row(
            str(i),
            hit.nct_id,
            escape(hit.title or NO_TITLE),
            hit.status or "unknown",
            ", ".join(hit.phases) or "-",
            f"{hit.score:.1f}",
        )
    console.print(table)


def trial_json(trial: Trial, *, include_raw: bool = False) -> dict[str, Any]:
    """The ``show --json`` object: the trial model plus convenience keys."""
    out = trial.model_dump(mode="json", exclude=set() if include_raw else {"raw"})
    out["title"] = trial.title
    out["status"] = trial.overall_status
    out["eligibility_criteria"] = trial.eligibility.criteria
    return out


@click.command()
@click.argument("nct_id")
@click.option("--json", "as_json", is_flag=True, help="Print the trial as a JSON object.")
@click.option("--raw", is_flag=True, help="With --json, include the source record as read.")
@click.option("--history", is_flag=True, help="Also list earlier eligibility texts.")
@click.pass_context
def show(ctx: click.Context, nct_id: str, as_json: bool, raw: bool, history: bool) -> None:
    """One trial: status, design, eligibility criteria, sites and record version.

    JSON keys include nct_id, title, status, phases, eligibility_criteria,
    record_version (and record_version_basis), locations and provenance.

    \b
    Examples:
      osteotrials show NCT03377387
      osteotrials show nct00869206 --json
    """
    nct = nct_id.strip().upper()
    if not NCT_ID.match(nct):
        raise click.BadParameter(f"{nct_id!r} is not an NCT id (NCT followed by 8 digits)")
    with store_from(ctx) as store:
        trial = store.get_trial(nct)
        versions = store.criteria_history(nct) if history else []
        snapshot = store.get_meta("snapshot_date")
        location = store.location
    if trial is None:
        raise click.ClickException(f"No trial {nct} in {location}.")
    if as_json:
        out = trial_json(trial, include_raw=raw)
        if history:
            out["criteria_history"] = [v.model_dump(mode="json") for v in versions]
        print_json(out)
        return
    _print_trial(trial, snapshot)
    if history:
        console.rule("Eligibility text history")
        for version in versions:
            console.print(
                f"[bold]{version.first_seen}[/] (record version {escape(version.record_version)})"
            )


def _print_trial(trial: Trial, snapshot: str | None) -> None:
    console.rule(f"[bold]{trial.nct_id}[/]")
    console.print(f"[bold]{escape(trial.title or NO_TITLE)}[/]")
    if trial.official_title and trial.official_title != trial.title:
        console.print(escape(trial.official_title))
    facts = Table(show_header=False, box=None)
    facts.add_row("Status", escape(trial.overall_status or "unknown"))
    facts.add_row("Phases", escape(", ".join(trial.phases) or "unknown"))
    facts.add_row("Type", escape(trial.study_type or "unknown"))
    if trial.lead_sponsor:
        facts.add_row("Sponsor", escape(trial.lead_sponsor))
    if trial.conditions:
        facts.add_row("Conditions", escape("; ".join(trial.conditions)))
    if trial.interventions:
        facts.add_row("Interventions", escape("; ".join(i.name for i in trial.interventions)))
    facts.add_row(
        "Record version",
        f"{escape(trial.record_version)} ({trial.record_version_basis.replace('_', ' ')})",
    )
    facts.add_row("Source", escape(trial.provenance.source or "unknown"))
    facts.add_row("Data snapshot", snapshot or "unknown")
    console.print(facts)
    console.rule("Eligibility criteria")
    console.print(escape(trial.eligibility.criteria or "(the source record has no criteria text)"))
    if trial.locations:
        console.rule(f"Sites ({len(trial.locations)})")
        sites = Table()
        for column in ("Facility", "City", "State", "ZIP", "Country", "Site status"):
            sites.add_column(column)
        for loc in trial.locations[:25]:
            sites.add_row(
                *(
                    escape(v or "")
                    for v in (loc.facility, loc.city, loc.state, loc.zip, loc.country, loc.status)
                )
            )
        console.print(sites)
        if len(trial.locations) > 25:
            console.print(f"... and {len(trial.locations) - 25} more (use --json for all).")


__all__ = ["data", "ingest", "search", "show"]
