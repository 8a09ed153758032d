"""Patient commands: ``patient-schema`` and ``patient check``.

Patient data is only ever printed to the terminal that asked for it; nothing
is logged or written to a file.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from osteotrials.model.patient import Patient
from osteotrials.patient import DerivedFacts, LineCount, PatientError, derive, load_patient

_console = Console()
_err = Console(stderr=True)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


@click.command("patient-schema")
def patient_schema() -> None:
    """Print the JSON Schema of the patient file format.

    Every field is optional: a missing field means "unknown", never "normal".
    YAML and JSON patient files follow this schema; see docs/patient.md.

    \b
    Examples:
      osteotrials patient-schema > patient.schema.json
      osteotrials patient-schema | jq '.properties | keys'
    """
    _print_json(Patient.model_json_schema())


@click.group()
def patient() -> None:
    """Read and check patient files (YAML, JSON or FHIR mCODE bundles).

    \b
    Examples:
      osteotrials patient check examples/patients/hr-her2low-bone-only-post-cdk46.yaml
      osteotrials patient check my-bundle.json --json
    """


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _lines(count: LineCount) -> str:
    if count.count is not None:
        return str(count.count)
    if count.maximum is None:
        return f"at least {count.minimum} (history unknown)"
    return f"{count.minimum}-{count.maximum} (uncertain)"


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return _yes_no(value)
    return str(value)


def _facts_table(facts: DerivedFacts) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    age = (
        f"{facts.age_years} ({'from birth date' if facts.age_basis == 'birth_date' else 'stated'})"
        if facts.age_years is not None
        else "unknown"
    )
    rows: list[tuple[str, str]] = [
        ("As of", facts.as_of.isoformat()),
        ("Age", age),
        ("Sex", _show(facts.sex)),
        (
            "Menopausal status",
            _show(facts.menopausal_status)
            + (f" ({facts.menopausal_basis})" if facts.menopausal_basis else ""),
        ),
        (
            "ER",
            _show(facts.er_category)
            if facts.er_category
            else ("positive" if facts.er_positive else _show(facts.er_positive)),
        ),
        ("ER-low (1-10 %)", _yes_no(facts.er_low)),
        ("PR positive", _yes_no(facts.pr_positive)),
        ("HER2", _show(facts.her2_category)),
        ("Triple-negative", _yes_no(facts.triple_negative)),
        ("Bone metastases", _yes_no(facts.bone_metastases)),
        ("Bone-only", _yes_no(facts.bone_only)),
        ("Bone-dominant", _yes_no(facts.bone_dominant)),
        ("Visceral metastases", _yes_no(facts.visceral_metastases)),
        ("CNS", _show(facts.cns_status)),
        (
            "Measurable (RECIST 1.1)",
            _yes_no(facts.measurable_disease)
            + (f" ({facts.measurable_basis})" if facts.measurable_basis else "")
            + (": " + "; ".join(facts.measurable_lesions) if facts.measurable_lesions else ""),
        ),
        ("Metastatic lines: endocrine", _lines(facts.lines.endocrine)),
        ("Metastatic lines: chemotherapy", _lines(facts.lines.chemotherapy)),
        ("Metastatic lines: targeted/ADC", _lines(facts.lines.targeted)),
        ("Metastatic lines: total", _lines(facts.lines.total)),
        (
            "Relapse <=12 mo of adjuvant ET",
            _yes_no(facts.relapse_within_adjuvant_endocrine_window),
        ),
        ("Prior drug classes", ", ".join(sorted(facts.prior_classes)) or "none known"),
        ("Current drugs", ", ".join(facts.current_drugs) or "none known"),
        ("ECOG", _show(facts.ecog) + (f" ({facts.ecog_basis})" if facts.ecog_basis else "")),
        (
            "CrCl (Cockcroft-Gault)",
            f"{facts.creatinine_clearance_ml_min:g} mL/min"
            if facts.creatinine_clearance_ml_min is not None
            else "unknown",
        ),
    ]
    for label, value in rows:
        table.add_row(escape(label), escape(value))
    for line in facts.lines.lines:
        flag = "" if line.certain else " (may belong to the previous line)"
        table.add_row(
            escape(f"  line {line.number}"),
            escape(", ".join(line.drugs) + f" [{', '.join(line.types) or 'no type'}]" + flag),
        )
    return table


@patient.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--as-of",
    "as_of",
    callback=_as_of,
    metavar="YYYY-MM-DD",
    help="Reference date for ages, time windows and 'not in the future' checks (default today).",
)
def check(file: Path, as_json: bool, as_of: date | None) -> None:
    """Load FILE, validate it and print the derived facts and any warnings.

    FILE is a patient in YAML or JSON (see `osteotrials patient-schema`) or a
    FHIR R4 mCODE Bundle (.json). Exits with status 1 and a message naming the
    file and each bad field (or FHIR resource) when the patient cannot be used.

    JSON keys: ok, source, kind, warnings, patient, derived (or ok, source,
    errors, warnings on failure).

    \b
    Examples:
      osteotrials patient check examples/patients/tnbc-germline-brca1.yaml
      osteotrials patient check bundle.json --json --as-of 2026-01-15
    """
    try:
        loaded = load_patient(file, as_of=as_of)
    except PatientError as exc:
        if as_json:
            _print_json(
                {
                    "ok": False,
                    "source": str(file),
                    "errors": [i.model_dump() for i in exc.issues if i.severity == "error"],
                    "warnings": [i.model_dump() for i in exc.issues if i.severity == "warning"],
                }
            )
            sys.exit(1)
        raise click.ClickException(str(exc)) from None
    facts = derive(loaded.patient, as_of=as_of)
    if as_json:
        _print_json(
            {
                "ok": True,
                "source": loaded.source,
                "kind": loaded.kind,
                "warnings": [i.model_dump() for i in loaded.warnings],
                "patient": loaded.patient.model_dump(mode="json", exclude_none=True),
                "derived": facts.model_dump(mode="json"),
            }
        )
        return
    _console.print(f"[green]OK[/green] {escape(str(file))} ({loaded.kind})")
    _console.print(_facts_table(facts))
    if facts.notes:
        _console.print("[bold]Notes[/bold]")
        for note in facts.notes:
            _console.print(f"  - {escape(note)}")
    if loaded.warnings:
        _err.print(f"[yellow]{len(loaded.warnings)} warning(s)[/yellow]")
        for issue in loaded.warnings:
            _err.print(f"  - {escape(str(issue))}")
