"""Eligibility-engine commands: ``criteria`` and ``criteria-coverage``."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from osteotrials.cli._common import console, err_console, print_json, store_from
from osteotrials.criteria import PARSER_VERSION, compile_trial, coverage
from osteotrials.model.criteria import CompiledTrial, Constraint, CriterionItem


def _params_text(c: Constraint) -> str:
    parts = []
    for key, value in c.params.items():
        if key in ("canonical_unit",):
            continue
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        parts.append(f"{key}={value}")
    extra = []
    if c.logic.conditions:
        extra.append("if " + "/".join(c.logic.conditions))
    if c.logic.connective == "or":
        extra.append(f"OR-group {c.logic.group}")
    if c.logic.exceptions:
        extra.append("except: " + "; ".join(c.logic.exceptions)[:80])
    if c.time_window is not None:
        extra.append(f"{c.time_window.relation} {c.time_window.value:g} {c.time_window.unit}")
    text = " ".join(parts)
    if extra:
        text += " [" + "; ".join(extra) + "]"
    return text


def _item_rows(item: CriterionItem) -> tuple[str, str]:
    if item.role == "header":
        return "header", ""
    if item.role == "no_condition":
        return "no condition", escape(item.unparsed_reason or "")
    if not item.constraints:
        return "[yellow]unparsed[/yellow]", escape(item.unparsed_reason or "")
    lines = [
        f"[bold]{c.family}[/bold] {c.polarity} {escape(_params_text(c))} ({c.confidence:.2f})"
        for c in item.constraints
    ]
    return "typed", "\n".join(lines)


def _print_compiled(compiled: CompiledTrial) -> None:
    console.print(
        f"[bold]{compiled.nct_id}[/bold]  record {escape(compiled.record_version)}, "
        f"parser {compiled.parser_version}"
    )
    if compiled.tags:
        console.print(
            "Tags: "
            + ", ".join(f"{t.name} ({t.kind}: {escape(t.evidence[:60])})" for t in compiled.tags)
        )
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("kind")
    table.add_column("criterion", max_width=60)
    table.add_column("status")
    table.add_column("constraints / reason", max_width=70)
    for item in compiled.items:
        status, detail = _item_rows(item)
        text = escape(item.text)
        if item.cohort:
            text = f"[dim]{escape(item.cohort)}:[/dim] " + text
        table.add_row(str(item.index), item.kind[:3], text, status, detail)
    console.print(table)


@click.command()
@click.argument("nct_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the items as a JSON list.")
@click.option(
    "--recompile",
    is_flag=True,
    help="Compile again every stored trial whose compiled criteria are missing or "
    "were made by another parser version or for another record version.",
)
@click.option("--force", is_flag=True, help="With --recompile: compile every trial again.")
@click.pass_context
def criteria(
    ctx: click.Context, nct_id: str | None, as_json: bool, recompile: bool, force: bool
) -> None:
    """Show a trial's criteria as typed constraints, or re-compile the database.

    Every item is listed: its text, inclusion/exclusion, and either its typed
    constraints (family, polarity, parameters, logic, time window, confidence)
    or the reason it could not be typed.

    JSON (a list of items): text, kind, role, section, cohort, span, constraints
    (family, polarity, params, logic, time_window, span, text, confidence) and
    unparsed_reason (null when typed).

    \b
    Examples:
      osteotrials criteria NCT00869206
      osteotrials criteria NCT00869206 --json
      osteotrials criteria --recompile
    """
    if recompile:
        if nct_id:
            raise click.UsageError("--recompile works on the whole database; give no NCT id")
        with (
            store_from(ctx, write=True) as store,
            Progress(
                TextColumn("compiling criteria"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as bar,
        ):
            task = bar.add_task("compile", total=None)

            def tick(n: int) -> None:
                bar.update(task, completed=n)

            done = store.recompile(tick, force=force)
        if as_json:
            print_json({"recompiled": done, "parser_version": PARSER_VERSION})
        else:
            console.print(f"Compiled {done} trial(s) with parser {PARSER_VERSION}.")
        return
    if not nct_id:
        raise click.UsageError("give an NCT id (or --recompile)")
    nct = nct_id.strip().upper()
    with store_from(ctx) as store:
        compiled = store.get_compiled(nct)
        if compiled is None:
            trial = store.get_trial(nct)
            if trial is None:
                raise click.ClickException(f"{nct} is not in the trial database")
            compiled = compile_trial(trial)
    if as_json:
        print_json([item.model_dump(mode="json") for item in compiled.items])
        return
    _print_compiled(compiled)


@click.command("criteria-coverage")
@click.option(
    "--source",
    "source",
    metavar="TAG",
    help="Only trials from this provenance source (e.g. nli4ct).",
)
@click.option("--top", default=15, show_default=True, help="How many unparsed patterns to list.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of tables.")
@click.pass_context
def criteria_coverage(ctx: click.Context, source: str | None, top: int, as_json: bool) -> None:
    """Share of criterion items typed, per family, and the commonest unparsed patterns.

    Headers (section and label lines) are not counted; administrative items count
    as typed, unparsed items do not.

    JSON keys: trials, items, typed, unparsed, administrative, typed_share (0-1),
    by_family, unparsed_reasons, top_unparsed_patterns, headers.

    \b
    Examples:
      osteotrials criteria-coverage
      osteotrials criteria-coverage --source nli4ct --json
    """
    with store_from(ctx) as store:
        compiled = [
            c
            for trial, c in store.iter_compiled_trials()
            if source is None or trial.provenance.source == source
        ]
    report = coverage(compiled, top=top)
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    if report.trials == 0:
        raise click.ClickException(
            f"no trials{f' from source {source!r}' if source else ''} in the database"
        )
    console.print(
        f"{report.trials} trials, {report.items} items: {report.typed} typed "
        f"({report.typed_share:.1%}, of which {report.administrative} administrative), "
        f"{report.unparsed} unparsed; {report.headers} header lines not counted."
    )
    fam = Table(title="Items per family")
    fam.add_column("family")
    fam.add_column("items", justify="right")
    for name, n in report.by_family.items():
        fam.add_row(name, str(n))
    console.print(fam)
    pat = Table(title="Most frequent unparsed patterns (first content words)")
    pat.add_column("pattern")
    pat.add_column("items", justify="right")
    for key, n in report.top_unparsed_patterns:
        pat.add_row(escape(key), str(n))
    console.print(pat)
    reasons: dict[str, Any] = report.unparsed_reasons
    console.print("Unparsed reasons: " + ", ".join(f"{escape(k)}: {v}" for k, v in reasons.items()))
