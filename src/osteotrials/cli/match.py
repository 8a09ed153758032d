"""Matching commands: ``match``, ``questions`` and ``ask``.

Patient data is printed only to the terminal that asked for it. ``ask`` writes the
patient file only after the user confirms each answer and the final save.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml
from rich.markup import escape
from rich.table import Table

from osteotrials.cli._common import console, err_console, print_json, store_from
from osteotrials.match import MatchIndex, match_patient
from osteotrials.match.washout import describe
from osteotrials.model.patient import Patient
from osteotrials.model.verdict import MatchResult, Question, TrialMatch
from osteotrials.patient import PatientError, load_patient
from osteotrials.store import TrialStore

_VERDICT_TITLE = {
    "eligible": "Eligible: every criterion met from the patient file",
    "possibly_eligible": "Possibly eligible: nothing fails, something is unknown",
    "ineligible": "Not eligible: at least one criterion fails",
}


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _load(path: str, as_of: date | None) -> Patient:
    try:
        loaded = load_patient(Path(path), as_of=as_of)
    except PatientError as exc:
        raise click.ClickException(str(exc)) from None
    for issue in loaded.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(str(issue))}")
    return loaded.patient


def _run(
    ctx: click.Context,
    patient: Patient,
    *,
    as_of: date | None,
    status: str,
    near: str | None,
    radius_km: float | None,
    limit: int | None,
) -> tuple[MatchResult, str | None]:
    with store_from(ctx) as store:
        index = _index(store)
        snapshot = store.get_meta("snapshot_date")
    try:
        result = match_patient(
            patient,
            index,
            as_of=as_of,
            status=status,  # type: ignore[arg-type]
            near=near,
            radius_km=radius_km,
            limit=limit,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    return result, snapshot


_INDEXES: dict[tuple[str, int, str | None], MatchIndex] = {}


def _index(store: TrialStore) -> MatchIndex:
    """The store's match index, built once per process (several commands in one session,
    or tests, reuse it while the store is unchanged)."""
    info = store.info()
    key = (
        info.db_path,
        info.trials,
        store.get_meta("last_sync") or store.get_meta("snapshot_date"),
    )
    if key not in _INDEXES:
        _INDEXES.clear()
        _INDEXES[key] = MatchIndex.from_store(store)
    return _INDEXES[key]


def trial_json(t: TrialMatch) -> dict[str, Any]:
    data = t.model_dump(mode="json")
    data["score_explanation"] = t.score.explain()
    return data


def _print_human(result: MatchResult, snapshot: str | None) -> None:
    console.print(
        f"Trials as of the data snapshot of [bold]{snapshot or 'unknown date'}[/bold]; "
        f"criteria evaluated on {result.as_of.isoformat()}. "
        f"{result.counts.get('eligible', 0)} eligible, "
        f"{result.counts.get('possibly_eligible', 0)} possibly eligible, "
        f"{result.counts.get('ineligible', 0)} not eligible "
        f"(of {result.considered} after filters)."
        + (
            f" {result.after_washout} of the not eligible "
            f"{'is' if result.after_washout == 1 else 'are'} blocked only by a washout "
            "not yet complete (listed first among them, marked ⏳)."
            if result.after_washout
            else ""
        )
    )
    for warning in result.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(warning)}")
    for verdict in ("eligible", "possibly_eligible", "ineligible"):
        rows = [t for t in result.trials if t.verdict == verdict]
        if not rows:
            continue
        table = Table(title=_VERDICT_TITLE[verdict], show_lines=True, title_justify="left")
        table.add_column("trial", no_wrap=True)
        table.add_column("title")
        table.add_column("score", justify="right")
        table.add_column("why" if verdict != "eligible" else "criteria")
        table.add_column("nearest site")
        for t in rows:
            if verdict == "ineligible":
                why = "\n".join(f"✗ {c.text[:90]} — {c.evidence[:80]}" for c in t.blocking[:3])
                if t.after_washout is not None:
                    why = f"⏳ {describe(t.after_washout)}\n{why}"
                if len(t.blocking) > 3:
                    why += f"\n(+{len(t.blocking) - 3} more)"
            elif verdict == "possibly_eligible":
                why = "\n".join(f"? {m.label}" for m in t.missing[:5])
                if len(t.missing) > 5:
                    why += f"\n(+{len(t.missing) - 5} more)"
            else:
                why = f"{t.counts.get('met', 0)} met"
            site = t.nearest_site
            where = "—"
            if site is not None:
                place = ", ".join(x for x in (site.city, site.state) if x) or (site.facility or "")
                dist = f" ({site.distance_km:.0f} km)" if site.distance_km is not None else ""
                where = f"{place}{dist}"
            table.add_row(
                f"{t.nct_id}\n[dim]{t.record_version}[/dim]",
                escape(t.title),
                f"{t.score.total:.1f}",
                escape(why),
                escape(where),
            )
        console.print(table)
    if result.questions:
        q = result.questions[0]
        console.print(
            f"Next best question ({q.trials} possibly-eligible trials): {escape(q.patient_text)}"
        )


@click.command("match")
@click.argument("patient_file", metavar="PATIENT", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (a list of trial results).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N trials.")
@click.option(
    "--status",
    type=click.Choice(["recruiting", "open", "all"]),
    default="all",
    show_default=True,
    help="recruiting: RECRUITING only; open: also not yet recruiting / by invitation.",
)
@click.option("--near", metavar="ZIP", help="Measure distances from this US ZIP code.")
@click.option(
    "--radius-km", type=click.FloatRange(min=0), help="Only trials with an open site within N km."
)
@click.option(
    "--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Evaluate on this date (default today)."
)
@click.pass_context
def match(
    ctx: click.Context,
    patient_file: str,
    as_json: bool,
    limit: int | None,
    status: str,
    near: str | None,
    radius_km: float | None,
    as_of: date | None,
) -> None:
    """Match a patient file against every trial: eligible, possibly eligible, not eligible.

    Each trial lists every criterion in its own words with met / not met /
    unknown / not applicable and the patient fact used. Missing patient data is
    unknown, never assumed normal.

    \b
    Examples:
      osteotrials match examples/patients/hr-her2low-bone-only-post-cdk46.yaml --limit 10
      osteotrials match patient.yaml --status recruiting --near 02115 --radius-km 300
      osteotrials match patient.yaml --json --as-of 2026-01-05 | jq '.[0].blocking'
    """
    if radius_km is not None and near is None:
        patient_preview = _load(patient_file, as_of)
        if not patient_preview.postal_code:
            raise click.UsageError(
                "--radius-km needs --near ZIP or a postal_code in the patient file"
            )
    patient = _load(patient_file, as_of)
    result, snapshot = _run(
        ctx, patient, as_of=as_of, status=status, near=near, radius_km=radius_km, limit=limit
    )
    if as_json:
        print_json([trial_json(t) for t in result.trials])
        return
    _print_human(result, snapshot)


def _question_json(q: Question) -> dict[str, Any]:
    return q.model_dump(mode="json")


@click.command("questions")
@click.argument("patient_file", metavar="PATIENT", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Evaluate on this date.")
@click.pass_context
def questions(
    ctx: click.Context, patient_file: str, as_json: bool, limit: int, as_of: date | None
) -> None:
    """The unknown facts that would settle the most possibly-eligible trials.

    Each question is given in plain language (patient) and in clinical terms
    (coordinator), with its allowed answers and the patient-file field it fills.

    \b
    Examples:
      osteotrials questions examples/patients/tnbc-germline-brca1.yaml
      osteotrials questions patient.yaml --json | jq '.[0].patient_text'
    """
    patient = _load(patient_file, as_of)
    with store_from(ctx) as store:
        index = _index(store)
    result = match_patient(patient, index, as_of=as_of, limit=0, questions=limit)
    if as_json:
        print_json([_question_json(q) for q in result.questions])
        return
    table = Table(title="Next best questions", show_lines=True, title_justify="left")
    for col in ("#", "for the patient", "for the coordinator", "answers", "trials", "field"):
        table.add_column(col)
    for n, q in enumerate(result.questions, 1):
        answers = ", ".join(a.label for a in q.answers) or "free answer"
        table.add_row(
            str(n),
            escape(q.patient_text),
            escape(q.coordinator_text),
            escape(answers + ", I don't know"),
            f"{q.trials} ({q.weight:.2f})",
            escape(q.field or "(not in the patient file)"),
        )
    console.print(table)


# --------------------------------------------------------------------------- ask


def set_field(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``a.b.c`` in a nested dict, creating the intermediate mappings."""
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _parse_answer(q: Question, raw: str) -> tuple[bool, Any]:
    """(answered, value). Numbered choices, a choice label, or a free value."""
    text = raw.strip()
    if text.lower() in ("", "?", "i don't know", "dont know", "don't know", "unknown", "skip"):
        return False, None
    if q.answers:
        if text.isdigit() and 1 <= int(text) <= len(q.answers):
            return True, q.answers[int(text) - 1].value
        for a in q.answers:
            if text.lower() in (a.label.lower(), str(a.value).lower()):
                return True, a.value
    try:
        return True, yaml.safe_load(text)
    except yaml.YAMLError:
        return True, text


@click.command("ask")
@click.argument("patient_file", metavar="PATIENT", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="Evaluate on this date.")
@click.option("--max-questions", type=click.IntRange(min=1), default=5, show_default=True)
@click.pass_context
def ask(ctx: click.Context, patient_file: str, as_of: date | None, max_questions: int) -> None:
    """Ask the next best questions one at a time and update the patient file.

    "I don't know" (or an empty answer) is always allowed and changes nothing.
    The file is written only after you confirm; the trial counts before and after
    are shown. Only YAML / JSON patient files can be updated.

    \b
    Examples:
      osteotrials ask my-patient.yaml
      osteotrials ask my-patient.yaml --max-questions 3
    """
    path = Path(patient_file)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise click.ClickException("ask can update YAML or JSON patient files only")
    patient = _load(patient_file, as_of)
    with store_from(ctx) as store:
        index = _index(store)
    before = match_patient(patient, index, as_of=as_of, limit=0, questions=20)
    data: dict[str, Any] = patient.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    asked = 0
    changed: list[str] = []
    for q in before.questions:
        if asked >= max_questions:
            break
        if q.field is None:
            continue
        asked += 1
        console.print(
            f"\n[bold]{escape(q.patient_text)}[/bold]\n[dim]{escape(q.coordinator_text)}[/dim]"
        )
        for n, a in enumerate(q.answers, 1):
            console.print(f"  {n}. {escape(a.label)}")
        raw = click.prompt("Answer (empty = I don't know)", default="", show_default=False)
        answered, value = _parse_answer(q, raw)
        if not answered:
            continue
        trial = dict(data)
        set_field(trial, q.field, value)
        try:
            Patient.model_validate(trial, context={"as_of": as_of or date.today()})
        except ValueError as exc:
            err_console.print(f"[red]not recorded[/red]: {escape(str(exc).splitlines()[0])}")
            continue
        data = trial
        changed.append(f"{q.field} = {value!r}")
    if not changed:
        console.print("Nothing changed.")
        return
    new_patient = Patient.model_validate(data, context={"as_of": as_of or date.today()})
    after = match_patient(new_patient, index, as_of=as_of, limit=0, questions=0)
    console.print("\nChanges:\n  " + "\n  ".join(escape(c) for c in changed))
    for v in ("eligible", "possibly_eligible", "ineligible"):
        console.print(f"  {v}: {before.counts.get(v, 0)} -> {after.counts.get(v, 0)}")
    if not click.confirm(f"Write these answers to {path}?", default=False):
        console.print("Not written.")
        return
    if path.suffix.lower() == ".json":
        import json

        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    console.print(f"Written to {path}.")
