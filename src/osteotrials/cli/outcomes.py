"""``osteotrials outcomes``: outcome measures for bone-metastasis trials and registries.

A thin layer over :mod:`osteotrials.outcomes`. Every command takes ``--json``
for stable machine-readable output (sorted keys); bad input exits non-zero
with a one-line message naming the field, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, cast

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from osteotrials.outcomes import bone_agents, cdk46, ctcae, dose, pain, percist
from osteotrials.outcomes.errors import OutcomesError, RegistryValidationError

console = Console()
err_console = Console(stderr=True)


def _print_json(value: Any) -> None:
    sys.stdout.write(
        json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    )


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into a readable message and a non-zero exit."""
    try:
        yield
    except RegistryValidationError as exc:
        for e in exc.errors:
            err_console.print(f"[red]invalid[/red] {escape(str(e))}", highlight=False)
        raise click.ClickException(
            f"registry is invalid: {len(exc.errors)} error(s); nothing was imported"
        ) from None
    except OutcomesError as exc:
        raise click.ClickException(str(exc)) from None


def _kv_table(rows: list[tuple[str, Any]], title: str | None = None) -> Table:
    table = Table(show_header=False, box=None, title=title, title_justify="left")
    for k, v in rows:
        table.add_row(escape(k), escape(_s(v)))
    return table


def _s(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1000 else f"{v:.1f}"
    if isinstance(v, list | tuple):
        return "; ".join(_s(x) for x in v) or "–"
    return str(v)


@click.group()
def outcomes() -> None:
    """Outcome measures: pain response, CTCAE, NCB, PERCIST, dose, survival, reports.

    \b
    Examples:
      osteotrials outcomes report examples/registry --out report.html
      osteotrials outcomes bed --dose 27 --fractions 3 --alpha-beta 10 --json
      osteotrials outcomes pain-response --baseline-nrs 6 --followup-nrs 3 \\
          --baseline-ome 30 --followup-ome 30
      osteotrials outcomes ctcae --test neutrophils --value 0.8 --unit 10^9/L
      osteotrials outcomes percist --baseline-sulpeak 8.0 --followup-sulpeak 5.0
      osteotrials outcomes za-dose --crcl 45
      osteotrials outcomes mda --lytic sclerotic_rim --bone-scan regression
    """


# ---------------------------------------------------------------- bed
@outcomes.command("bed")
@click.option("--dose", "total", type=float, required=True, help="Total dose in Gy.")
@click.option("--fractions", type=int, required=True, help="Number of fractions.")
@click.option("--alpha-beta", type=float, help="alpha/beta in Gy (e.g. 10 tumour, 3 late, 2 cord).")
@click.option(
    "--structure",
    help="Take alpha/beta from the reference table: tumor, late_responding, bone, spinal_cord.",
)
@click.option(
    "--stereotactic/--not-stereotactic",
    default=False,
    show_default=True,
    help="Whether the course was delivered with stereotactic technique (for the SBRT class).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def bed_cmd(
    total: float,
    fractions: int,
    alpha_beta: float | None,
    structure: str | None,
    stereotactic: bool,
    as_json: bool,
) -> None:
    """BED and EQD2 (LQ model) of a prescription, its regimen class and the LQ flag.

    BED = n*d*(1 + d/(a/b)); EQD2 = BED/(1 + 2/(a/b)). Results above 8 Gy per
    fraction are flagged as LQ extrapolation.

    JSON keys: bed, eqd2 (Gy), dose_per_fraction_gy, alpha_beta_gy,
    regimen_class, lq_extrapolated, warnings, formula.

    \b
    Examples:
      osteotrials outcomes bed --dose 27 --fractions 3 --alpha-beta 10 --json
      osteotrials outcomes bed --dose 8 --fractions 1 --structure spinal_cord
      osteotrials outcomes bed --dose 24 --fractions 2 --alpha-beta 10 --stereotactic
    """
    with _errors():
        if (alpha_beta is None) == (structure is None):
            raise OutcomesError("alpha_beta", "give exactly one of --alpha-beta or --structure")
        ab = alpha_beta if alpha_beta is not None else dose.alpha_beta_for(cast(str, structure))
        r = dose.calculate(total, fractions, ab, stereotactic=stereotactic)
    if as_json:
        _print_json(r.as_dict() | ({"structure": structure} if structure else {}))
        return
    console.print(
        _kv_table(
            [
                (
                    "Prescription",
                    f"{total:g} Gy in {fractions} fx ({r.dose_per_fraction_gy:g} Gy/fx)",
                ),
                ("alpha/beta", f"{ab:g} Gy" + (f" ({structure})" if structure else "")),
                ("BED", f"{r.bed:.1f} Gy"),
                ("EQD2", f"{r.eqd2:.1f} Gy"),
                ("Regimen class", r.regimen_class),
                ("Formula", r.formula),
            ]
        )
    )
    for w in r.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(w)}")


# ---------------------------------------------------------------- pain
@outcomes.command("pain-response")
@click.option(
    "--baseline-nrs", type=float, required=True, help="Worst index-site pain at baseline (0-10)."
)
@click.option(
    "--followup-nrs", type=float, required=True, help="Worst index-site pain at follow-up (0-10)."
)
@click.option("--baseline-ome", type=float, help="Oral morphine equivalent at baseline (mg/day).")
@click.option("--followup-ome", type=float, help="Oral morphine equivalent at follow-up (mg/day).")
@click.option(
    "--baseline-opioids",
    help="Instead of --baseline-ome: 'none' or 'drug amount unit; ...' (needs --ome-profile).",
)
@click.option("--followup-opioids", help="Instead of --followup-ome (same format).")
@click.option(
    "--ome-profile",
    type=click.Choice(sorted(pain.ome_profiles())),
    help="OME conversion profile for --*-opioids.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def pain_cmd(
    baseline_nrs: float,
    followup_nrs: float,
    baseline_ome: float | None,
    followup_ome: float | None,
    baseline_opioids: str | None,
    followup_opioids: str | None,
    ome_profile: str | None,
    as_json: bool,
) -> None:
    """International Consensus pain response (Chow 2012) for one patient.

    Categories: complete, partial, indeterminate, progression (and
    not_evaluable when baseline NRS < 2). A missing OME gives indeterminate.

    JSON keys: category, responder, nrs_change, ome_change_fraction, reason,
    baseline_band, followup_band, baseline_ome, followup_ome, ome_profile.

    \b
    Examples:
      osteotrials outcomes pain-response --baseline-nrs 6 --followup-nrs 3 \\
          --baseline-ome 30 --followup-ome 30 --json
      osteotrials outcomes pain-response --baseline-nrs 5 --followup-nrs 5 \\
          --baseline-opioids "oxycodone_oral 40 mg/day" \\
          --followup-opioids "oxycodone_oral 20 mg/day" --ome-profile cdc_2022
    """
    from osteotrials.outcomes.registry import parse_opioids

    with _errors():

        def ome(value: float | None, text: str | None, field: str) -> float | None:
            if text is None:
                return value
            if value is not None:
                raise OutcomesError(field, "give the OME or the opioid list, not both")
            if ome_profile is None:
                raise OutcomesError(
                    "ome_profile", "is required with an opioid list (sources disagree)"
                )
            try:
                items = parse_opioids(text)
            except ValueError as exc:
                raise OutcomesError(field, str(exc)) from None
            return pain.total_ome(items, profile=ome_profile)

        b = ome(baseline_ome, baseline_opioids, "baseline_opioids")
        f = ome(followup_ome, followup_opioids, "followup_opioids")
        r = pain.pain_response(baseline_nrs, followup_nrs, b, f)
        bands = (pain.nrs_band(round(baseline_nrs)), pain.nrs_band(round(followup_nrs)))
    out = r.as_dict() | {
        "baseline_band": bands[0],
        "followup_band": bands[1],
        "ome_profile": ome_profile,
    }
    if as_json:
        _print_json(out)
        return
    console.print(
        _kv_table(
            [
                ("Category", r.category),
                ("Responder (CR/PR)", "yes" if r.responder else "no"),
                ("NRS", f"{baseline_nrs:g} ({bands[0]}) -> {followup_nrs:g} ({bands[1]})"),
                (
                    "OME mg/day",
                    f"{_s(b)} -> {_s(f)}" + (f" [{ome_profile}]" if ome_profile else ""),
                ),
                ("Why", r.reason),
                ("Definition", r.definition),
            ]
        )
    )


# ---------------------------------------------------------------- ctcae
@outcomes.command("ctcae")
@click.option(
    "--test",
    required=True,
    help=(
        "neutrophils, platelets, hemoglobin, alt, ast, bilirubin, creatinine, qtc, "
        "calcium_corrected."
    ),
)
@click.option("--value", type=float, required=True, help="The measured value.")
@click.option(
    "--unit", required=True, help="Unit, e.g. 10^9/L, /uL, g/dL, g/L, mmol/L, U/L, mg/dL, ms."
)
@click.option("--lln", type=float, help="Laboratory lower limit of normal (same unit).")
@click.option("--uln", type=float, help="Laboratory upper limit of normal (same unit).")
@click.option(
    "--baseline",
    type=float,
    help="Baseline value (ALT/AST abnormal-baseline rule, creatinine, QTc).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def ctcae_cmd(
    test: str,
    value: float,
    unit: str,
    lln: float | None,
    uln: float | None,
    baseline: float | None,
    as_json: bool,
) -> None:
    """CTCAE v5.0 grade of one laboratory value.

    Without --lln/--uln a typical adult reference limit is used and reported
    in notes; pass your laboratory's limits for real grading.

    JSON keys: grade, term, test, value, unit, lln, uln, baseline, rule,
    notes, ctcae_version.

    \b
    Examples:
      osteotrials outcomes ctcae --test neutrophils --value 0.8 --unit 10^9/L --json
      osteotrials outcomes ctcae --test alt --value 200 --unit U/L --uln 40 --baseline 60
      osteotrials outcomes ctcae --test qtc --value 485 --unit ms
    """
    with _errors():
        r = ctcae.grade_lab(test, value, unit, lln=lln, uln=uln, baseline=baseline)
    if as_json:
        _print_json(r.as_dict())
        return
    console.print(
        _kv_table(
            [
                ("Term", r.term),
                ("Grade", r.grade),
                ("Value", f"{r.value:g} {r.unit}"),
                ("Rule", r.rule),
                ("Notes", list(r.notes)),
                ("Version", f"CTCAE v{r.ctcae_version}"),
            ]
        )
    )


# ---------------------------------------------------------------- percist
@outcomes.command("percist")
@click.option(
    "--baseline-sulpeak", type=float, required=True, help="Hottest lesion SULpeak at baseline."
)
@click.option(
    "--followup-sulpeak", type=float, required=True, help="Hottest lesion SULpeak at follow-up."
)
@click.option("--baseline-tlg", type=float, help="Total lesion glycolysis at baseline.")
@click.option("--followup-tlg", type=float, help="Total lesion glycolysis at follow-up.")
@click.option("--liver-mean", type=float, help="Baseline liver SULmean (measurability threshold).")
@click.option("--liver-sd", type=float, help="Baseline liver SUL standard deviation.")
@click.option(
    "--followup-liver-mean", type=float, help="Follow-up liver SULmean (CMR, comparability)."
)
@click.option(
    "--new-lesions", is_flag=True, help="A new FDG-avid lesion typical of cancer appeared."
)
@click.option(
    "--strict", is_flag=True, help="Use '>' instead of '>=' for the response thresholds too."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def percist_cmd(
    baseline_sulpeak: float,
    followup_sulpeak: float,
    baseline_tlg: float | None,
    followup_tlg: float | None,
    liver_mean: float | None,
    liver_sd: float | None,
    followup_liver_mean: float | None,
    new_lesions: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """PERCIST 1.0 category (CMR / PMR / SMD / PMD, or NE) for a scan pair.

    PMR: SULpeak falls >= 30% and >= 0.8 SUL; PMD: rises > 30% and > 0.8 SUL,
    TLG rises > 75%, or a new lesion.

    JSON keys: category, sul_change, sul_change_fraction, tlg_change_fraction,
    measurable, measurability_threshold, reason, warnings, strict_inequalities.

    \b
    Examples:
      osteotrials outcomes percist --baseline-sulpeak 8.0 --followup-sulpeak 5.0 --json
      osteotrials outcomes percist --baseline-sulpeak 4 --followup-sulpeak 2.8 --strict
      osteotrials outcomes percist --baseline-sulpeak 6 --followup-sulpeak 6.1 \\
          --baseline-tlg 100 --followup-tlg 180
    """
    with _errors():
        base = percist.PetScan(
            sulpeak=baseline_sulpeak,
            liver_sul_mean=liver_mean,
            liver_sul_sd=liver_sd,
            tlg=baseline_tlg,
        )
        fu = percist.PetScan(
            sulpeak=followup_sulpeak,
            liver_sul_mean=followup_liver_mean,
            tlg=followup_tlg,
            new_lesions=new_lesions,
        )
        r = percist.classify(base, fu, strict_inequalities=strict)
    if as_json:
        _print_json(r.as_dict())
        return
    frac = r.sul_change_fraction
    console.print(
        _kv_table(
            [
                ("Category", r.category),
                (
                    "SULpeak",
                    f"{baseline_sulpeak:g} -> {followup_sulpeak:g} ({r.sul_change:+.2f} SUL"
                    + (f", {frac:+.1%})" if frac is not None else ")"),
                ),
                ("Why", r.reason),
                ("Criteria", r.criteria),
            ]
        )
    )
    for w in r.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(w)}")


# ---------------------------------------------------------------- mda
@outcomes.command("mda")
@click.option(
    "--lytic",
    type=click.Choice(
        ["complete_fill_in", "partial_fill_in", "sclerotic_rim", "unchanged", "increased"]
    ),
    help="Lytic lesions on XR/CT.",
)
@click.option(
    "--blastic",
    type=click.Choice(["normalized", "decreased", "unchanged", "increased"]),
    help="Blastic lesions on XR/CT.",
)
@click.option(
    "--bone-scan",
    type=click.Choice(["disappeared", "regression", "unchanged", "increased"]),
    help="Skeletal scintigraphy.",
)
@click.option("--size-change-pct", type=float, help="Change of the bidimensional product (%).")
@click.option("--new-lesion", is_flag=True, help="A new bone lesion appeared.")
@click.option("--flare-not-excluded", is_flag=True, help="Bone-scan flare has not been excluded.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def mda_cmd(
    lytic: str | None,
    blastic: str | None,
    bone_scan: str | None,
    size_change_pct: float | None,
    new_lesion: bool,
    flare_not_excluded: bool,
    as_json: bool,
) -> None:
    """MD Anderson bone response category (CR / PR / SD / PD) from a structured read.

    PD: new lesion, size +25% or more, or increase on any modality; CR: complete
    fill-in / normalisation / disappearance on every modality read; PR: partial
    fill-in, sclerotic rim, decrease, regression or size -50% or less; SD: rest.

    JSON keys: category, reasons, warnings, criteria.

    \b
    Examples:
      osteotrials outcomes mda --lytic sclerotic_rim --bone-scan regression --json
      osteotrials outcomes mda --size-change-pct 30
    """
    from osteotrials.outcomes.bone_response import MDABoneRead, mda_category

    with _errors():
        read = MDABoneRead(
            lytic=cast(Any, lytic),
            blastic=cast(Any, blastic),
            bone_scan=cast(Any, bone_scan),
            size_change_pct=size_change_pct,
            new_lesion=new_lesion,
            flare_excluded=not flare_not_excluded,
        )
        r = mda_category(read)
    if as_json:
        _print_json(r.as_dict())
        return
    console.print(
        _kv_table([("Category", r.category), ("Why", list(r.reasons)), ("Criteria", r.criteria)])
    )
    for w in r.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(w)}")


# ---------------------------------------------------------------- za-dose
@outcomes.command("za-dose")
@click.option("--crcl", type=float, help="Creatinine clearance (mL/min, Cockcroft-Gault).")
@click.option("--age", type=float, help="Age in years (to compute CrCl).")
@click.option("--weight", type=float, help="Body weight in kg (to compute CrCl).")
@click.option("--creatinine", type=float, help="Serum creatinine (to compute CrCl).")
@click.option(
    "--creatinine-unit", type=click.Choice(["mg/dL", "umol/L"]), default="mg/dL", show_default=True
)
@click.option("--sex", type=click.Choice(["F", "M"]), help="Sex (to compute CrCl).")
@click.option(
    "--weight-basis",
    type=click.Choice(["actual", "ideal", "adjusted"]),
    default="actual",
    show_default=True,
    help="Weight used in Cockcroft-Gault (ideal/adjusted need --height).",
)
@click.option("--height", type=float, help="Height in cm (for ideal/adjusted weight).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def za_cmd(
    crcl: float | None,
    age: float | None,
    weight: float | None,
    creatinine: float | None,
    creatinine_unit: str,
    sex: str | None,
    weight_basis: str,
    height: float | None,
    as_json: bool,
) -> None:
    """Zoledronic-acid dose (label renal table) for a creatinine clearance.

    >60 mL/min 4.0 mg; 50-60 3.5 mg; 40-49 3.3 mg; 30-39 3.0 mg; <30 not
    recommended. Give --crcl, or --age, --weight, --creatinine and --sex to
    compute it by Cockcroft-Gault (actual body weight unless --weight-basis).

    JSON keys: dose_mg (null when not recommended), recommended, band,
    crcl_ml_min, source.

    \b
    Examples:
      osteotrials outcomes za-dose --crcl 45 --json
      osteotrials outcomes za-dose --age 70 --weight 60 --creatinine 1.3 --sex F
      osteotrials outcomes za-dose --age 70 --weight 95 --creatinine 115 \\
          --creatinine-unit umol/L --sex F --weight-basis adjusted --height 160
    """
    with _errors():
        if crcl is None:
            missing = [
                n
                for n, v in (
                    ("age", age),
                    ("weight", weight),
                    ("creatinine", creatinine),
                    ("sex", sex),
                )
                if v is None
            ]
            if missing:
                raise OutcomesError(
                    "crcl",
                    "give --crcl, or all of --age, --weight, --creatinine, --sex "
                    f"(missing: {', '.join(missing)})",
                )
            crcl = bone_agents.cockcroft_gault(
                cast(float, age),
                cast(float, weight),
                cast(float, creatinine),
                cast(Literal["F", "M"], sex),
                creatinine_unit=cast(Literal["mg/dL", "umol/L"], creatinine_unit),
                weight_basis=cast(Literal["actual", "ideal", "adjusted"], weight_basis),
                height_cm=height,
            )
        r = bone_agents.zoledronic_acid_dose(crcl)
    if as_json:
        _print_json(r.as_dict())
        return
    console.print(
        _kv_table(
            [
                ("CrCl", f"{r.crcl_ml_min:.1f} mL/min"),
                ("Band", r.band),
                ("Dose", "not recommended" if r.dose_mg is None else f"{r.dose_mg:g} mg"),
                ("Source", r.source),
            ]
        )
    )


# ---------------------------------------------------------------- cdk46
@outcomes.command("cdk46-levels")
@click.argument("drug", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cdk46_cmd(drug: str | None, as_json: bool) -> None:
    """CDK4/6-inhibitor label dose levels and modification steps (reference data).

    \b
    Examples:
      osteotrials outcomes cdk46-levels
      osteotrials outcomes cdk46-levels ribociclib --json
    """
    with _errors():
        levels = [cdk46.dose_levels(d) for d in ([drug] if drug else cdk46.drugs())]
    if as_json:
        _print_json([lv.as_dict() for lv in levels])
        return
    for lv in levels:
        table = Table(
            title=(
                f"{lv.drug} ({lv.brand}): {' -> '.join(map(str, lv.levels_mg))} "
                f"{lv.unit}; {lv.schedule}"
            ),
            title_justify="left",
        )
        table.add_column("Toxicity")
        table.add_column("Label action")
        for t, a in lv.modifications:
            table.add_row(escape(t), escape(a))
        console.print(table)
        console.print(f"[dim]{escape(lv.source)}[/dim]\n")


# ---------------------------------------------------------------- registry
@outcomes.command("validate")
@click.argument("registry_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {valid, errors[]} as JSON.")
def validate_cmd(registry_dir: Path, as_json: bool) -> None:
    """Check a registry directory; list every row-level error (exit 1 if any).

    \b
    Examples:
      osteotrials outcomes validate examples/registry
      osteotrials outcomes validate my_registry --json
    """
    from osteotrials.outcomes.registry import load_registry

    try:
        reg = load_registry(registry_dir)
    except RegistryValidationError as exc:
        if as_json:
            _print_json(
                {
                    "valid": False,
                    "errors": [
                        {"file": e.file, "row": e.row, "column": e.column, "message": e.message}
                        for e in exc.errors
                    ],
                }
            )
            sys.exit(1)
        with _errors():
            raise
        return  # pragma: no cover
    except OutcomesError as exc:
        raise click.ClickException(str(exc)) from None
    summary = {
        "valid": True,
        "patients": len(reg.patients),
        "lesions": len(reg.lesions),
        "rt_courses": len(reg.rt_courses),
        "pain_assessments": len(reg.pain_assessments),
        "adverse_events": len(reg.adverse_events),
        "labs": len(reg.labs),
        "pet_scans": len(reg.pet_scans),
        "events": len(reg.events),
        "systemic_therapy": len(reg.systemic_therapy),
    }
    if as_json:
        _print_json(summary | {"errors": []})
        return
    console.print(_kv_table([(k, v) for k, v in summary.items()], title="Registry is valid"))


def _ncb_attr(value: str) -> frozenset[str] | None:
    from osteotrials.outcomes.ncb import RELATED

    return None if value == "any" else RELATED


@outcomes.command("report")
@click.argument("registry_dir", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write the HTML report here.")
@click.option("--json", "as_json", is_flag=True, help="Print the report figures as JSON on stdout.")
@click.option("--timepoint", default="3m", show_default=True, help="Pain/NCB time point label.")
@click.option(
    "--ome-profile",
    type=click.Choice(sorted(pain.ome_profiles())),
    default="cdc_2022",
    show_default=True,
    help="Opioid conversion profile (printed in the report).",
)
@click.option(
    "--ncb-attribution",
    type=click.Choice(["related", "any"]),
    default="related",
    show_default=True,
    help="Count toxicity attributed to RT/CDK4/6i only, or any attribution.",
)
@click.option(
    "--ncb-systemic-change/--no-ncb-systemic-change",
    default=False,
    show_default=True,
    help="Also require no CDK4/6i dose reduction/interruption >= 7 d/stop for toxicity.",
)
@click.option(
    "--ncb-labs/--no-ncb-labs",
    default=True,
    show_default=True,
    help="Count lab values graded by CTCAE v5.0 as toxicity in the NCB.",
)
@click.option(
    "--ncb-max-grade",
    type=click.IntRange(1, 5),
    default=3,
    show_default=True,
    help="Toxicity at or above this grade removes the benefit.",
)
@click.option("--percist-strict", is_flag=True, help="Strict '>' for PERCIST response thresholds.")
@click.option(
    "--sbrt-max-fractions",
    type=int,
    default=None,
    help="SBRT definition: max fractions (default 5).",
)
@click.option(
    "--sbrt-min-dose-per-fraction",
    type=float,
    default=None,
    help="SBRT definition: min Gy/fx (default 5).",
)
@click.option(
    "--sbrt-technique-required/--sbrt-technique-not-required",
    default=None,
    help="SBRT definition: require the stereotactic technique flag (default: required).",
)
@click.option("--sre-hypercalcemia", is_flag=True, help="Count hypercalcemia as an SRE.")
@click.option(
    "--plots-dir", type=click.Path(path_type=Path), help="Also write the KM plots as files here."
)
@click.option("--plot-format", type=click.Choice(["png", "svg"]), default="png", show_default=True)
@click.option("--title", help="Report title (e.g. to label a synthetic or pilot registry).")
def report_cmd(
    registry_dir: Path,
    out: Path | None,
    as_json: bool,
    timepoint: str,
    ome_profile: str,
    ncb_attribution: str,
    ncb_systemic_change: bool,
    ncb_labs: bool,
    ncb_max_grade: int,
    percist_strict: bool,
    sbrt_max_fractions: int | None,
    sbrt_min_dose_per_fraction: float | None,
    sbrt_technique_required: bool | None,
    sre_hypercalcemia: bool,
    plots_dir: Path | None,
    plot_format: str,
    title: str | None,
) -> None:
    """Outcomes report for a registry directory (HTML with --out, JSON with --json).

    Cohort, NRS baseline -> follow-up (paired t-test, 95% CI), pain response
    rates (ITT and assessable, Wilson 95% CI), toxicity by CDK4/6 inhibitor,
    net clinical benefit, PERCIST distribution, bone agents / SRE and
    Kaplan-Meier curves with log-rank tests. The active definitions are
    printed in every output. An invalid registry stops with row-level errors.

    \b
    Examples:
      osteotrials outcomes report examples/registry --out report.html \\
          --title "SYNTHETIC example registry"
      osteotrials outcomes report examples/registry --json > report.json
      osteotrials outcomes report examples/registry --out r.html \\
          --ncb-systemic-change --ome-profile eapc_palliative --plots-dir plots
    """
    from osteotrials.outcomes.analysis import AnalysisConfig, analyse
    from osteotrials.outcomes.ncb import NCBDefinition
    from osteotrials.outcomes.registry import load_registry
    from osteotrials.report import outcomes_report

    fmt = cast(Literal["png", "svg"], plot_format)
    with _errors():
        reg = load_registry(registry_dir)
        default_sbrt = dose.SBRTDefinition.default()
        sbrt = dose.SBRTDefinition(
            max_fractions=sbrt_max_fractions
            if sbrt_max_fractions is not None
            else default_sbrt.max_fractions,
            min_dose_per_fraction_gy=(
                sbrt_min_dose_per_fraction
                if sbrt_min_dose_per_fraction is not None
                else default_sbrt.min_dose_per_fraction_gy
            ),
            require_stereotactic_technique=(
                sbrt_technique_required
                if sbrt_technique_required is not None
                else default_sbrt.require_stereotactic_technique
            ),
        )
        cfg = AnalysisConfig(
            ncb=NCBDefinition(
                timepoint=timepoint.strip().lower(),
                toxicity_grade_threshold=ncb_max_grade,
                attributions=_ncb_attr(ncb_attribution),
                include_lab_toxicity=ncb_labs,
                require_no_systemic_change=ncb_systemic_change,
            ),
            ome_profile=ome_profile,
            sbrt=sbrt,
            percist_strict=percist_strict or None,
            include_hypercalcemia_sre=sre_hypercalcemia,
        )
        analysis = analyse(reg, cfg)
        if title:
            analysis.data["title"] = title
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(outcomes_report.render_html(analysis, fmt), encoding="utf-8")
        if plots_dir is not None:
            outcomes_report.write_plots(analysis, plots_dir, fmt)
    if as_json:
        sys.stdout.write(outcomes_report.to_json(analysis))
        return
    _print_summary(analysis.data)
    if out is not None:
        err_console.print(f"report written to {escape(str(out))}")


def _print_summary(d: dict[str, Any]) -> None:
    c, n, p, b = d["cohort"], d["nrs"], d["pain_response"], d["net_clinical_benefit"]

    def prop(x: dict[str, Any]) -> str:
        if x["estimate"] is None:
            return f"{x['events']}/{x['n']}"
        ci = f"95% CI {x['ci_low']:.1%}-{x['ci_high']:.1%}"
        return f"{x['events']}/{x['n']} = {x['estimate']:.1%} ({ci})"

    rows: list[tuple[str, Any]] = [
        ("Patients / lesions", f"{c['patients']} / {c['lesions']} (SBRT {c['lesions_sbrt']})"),
        (
            "CDK4/6 inhibitors",
            ", ".join(f"{k} {v['n']}" for k, v in c["cdk46_inhibitor"].items()),
        ),
    ]
    if n["paired"]:
        t = n["paired"]
        rows.append(
            (
                f"NRS baseline -> {n['timepoint']}",
                f"{t['mean_before']:.2f} -> {t['mean_after']:.2f} "
                f"(diff {t['mean_difference']:.2f}, "
                f"95% CI {t['ci_low']:.2f} to {t['ci_high']:.2f}, "
                f"p={_s(t['p_value'])}, n={t['n']})",
            )
        )
    rows += [
        ("Pain response ITT", prop(p["itt"])),
        ("Pain response assessable", prop(p["assessable"])),
        ("NCB ITT", prop(b["itt"])),
        ("NCB assessable", prop(b["assessable"])),
        ("PERCIST", ", ".join(f"{k} {v}" for k, v in d["pet"]["distribution"].items())),
    ]
    console.print(_kv_table(rows, title="Outcomes report"))
    console.print(f"[bold]NCB definition:[/bold] {escape(b['definition']['text'])}")


_: Callable[..., Any] = outcomes  # the click group is the module's public surface
