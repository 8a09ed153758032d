"""Prior systemic therapy: drugs, classes, ADC payloads, setting, number of lines,
progression on it, washout / recency windows (domain.md §1.7-1.8).

The condition a constraint describes is "the patient received <therapy> (in
<setting>) (within the window)"; line caps compare with the derived
``LineCount`` ranges, unknown when a range straddles the cap.
"""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.match.families._therapy import (
    exposure_matches,
    in_window,
    last_day,
    specific_classes,
)
from osteotrials.model.criteria import Constraint
from osteotrials.patient.derive import DrugExposure, LineCount

_FIELDS = ("regimens",)
_EARLY = {"adjuvant", "neoadjuvant", "early"}
_NOT_ANTICANCER = {"bone_modifying_agent", "supportive", "growth_factor"}


def _setting_ok(e: DrugExposure, settings: list[str]) -> bool | None:
    if not settings:
        return True
    if e.setting in settings:
        return True
    if e.setting == "early" and _EARLY & set(settings):
        return True if {"adjuvant", "neoadjuvant"} <= set(settings) else None
    if e.setting == "unknown":
        return None
    return False


def _line_count(c: Constraint, ctx: Context, classes: frozenset[str]) -> tuple[LineCount, str]:
    lines = ctx.facts.lines
    if classes and classes <= {
        "chemotherapy",
        "taxane",
        "anthracycline",
        "platinum",
        "antimetabolite",
        "alkylating",
        "vinca_eribulin",
    }:
        return lines.chemotherapy, "chemotherapy"
    if classes and classes <= {
        "endocrine",
        "aromatase_inhibitor",
        "serd",
        "serm",
        "ovarian_suppression",
        "other_endocrine",
    }:
        return lines.endocrine, "endocrine"
    return lines.total, "systemic"


def _lines(c: Constraint, ctx: Context, classes: frozenset[str]) -> Truth:
    count, label = _line_count(c, ctx, classes)
    lo, hi = c.params.get("min_lines"), c.params.get("max_lines")
    rng = (
        f"{count.minimum}"
        if count.maximum == count.minimum
        else f"{count.minimum}-{'?' if count.maximum is None else count.maximum}"
    )
    fact = f"{rng} prior {label} line(s) for metastatic disease"
    results: list[bool | None] = []
    if lo is not None:
        if count.minimum >= lo:
            results.append(True)
        elif count.maximum is not None and count.maximum < lo:
            results.append(False)
        else:
            results.append(None)
    if hi is not None:
        if count.maximum is not None and count.maximum <= hi:
            results.append(True)
        elif count.minimum > hi:
            results.append(False)
        else:
            results.append(None)
    limits = " ".join(
        x
        for x in (f">= {lo:g}" if lo is not None else "", f"<= {hi:g}" if hi is not None else "")
        if x
    )
    fact = f"{fact} (limit {limits})"
    if False in results:
        return Truth(False, fact, fields=_FIELDS)
    if None in results:
        key = f"lines_{label}" if label != "systemic" else "lines_total"
        return unknown(fact + "; the range straddles the limit", key, fields=_FIELDS)
    return Truth(True, fact, fields=_FIELDS)


def _progressed(matched: list[DrugExposure]) -> bool | None:
    if any(e.stop_reason == "progression" for e in matched):
        return True
    if all(e.stop_reason is not None and e.stop_reason != "progression" for e in matched):
        return False
    return None


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    if ctx.patient.regimens is None:
        return unknown("treatment history not recorded", "treatment_history", fields=_FIELDS)
    wanted_drugs = frozenset(str(d).lower() for d in p.get("drugs", []))
    classes = specific_classes(p.get("classes", []))
    payloads = frozenset(p.get("payload_classes", []))
    if p.get("min_lines") is not None or p.get("max_lines") is not None:
        return _lines(c, ctx, classes)
    any_anticancer = bool(p.get("any_anticancer")) or not (wanted_drugs or classes or payloads)
    if any_anticancer:
        matched = ctx.memo(
            "anticancer_exposures",
            lambda: [e for e in ctx.exposures if not _NOT_ANTICANCER & set(e.classes)],
        )
        what = "systemic anticancer therapy"
    else:
        matched = ctx.memo(
            f"exposures:{sorted(wanted_drugs)}:{sorted(classes)}:{sorted(payloads)}",
            lambda: [
                e for e in ctx.exposures if exposure_matches(e, wanted_drugs, classes, payloads)
            ],
        )
        what = ", ".join(sorted(wanted_drugs | classes | payloads))
    settings = [str(s) for s in p.get("setting", [])]
    setting_unknown = False
    kept: list[DrugExposure] = []
    for e in matched:
        ok = _setting_ok(e, settings)
        if ok is None:
            setting_unknown = True
        elif ok:
            kept.append(e)
    where = f" ({'/'.join(settings)})" if settings else ""
    window = c.time_window
    names = ", ".join(sorted({e.canonical or e.name for e in kept}))
    if window is not None and window.relation in ("within", "less_than"):
        inside = [in_window(e, window, ctx.as_of) for e in kept]
        if any(x is True for x in inside):
            names = ", ".join(
                sorted({e.canonical or e.name for e, x in zip(kept, inside, strict=True) if x})
            )
            return Truth(
                True, f"{names}{where} within the last {window.days:g} days", fields=_FIELDS
            )
        if any(x is None for x in inside) or setting_unknown:
            return unknown(f"{what}{where}: dates not recorded", "treatment_dates", fields=_FIELDS)
        return Truth(False, f"no {what}{where} in the last {window.days:g} days", fields=_FIELDS)
    if window is not None:  # washout: at least N days since the last dose
        recent = []
        for e in kept:
            last = last_day(e, ctx.as_of)
            if last is None:
                return unknown(f"{what}: stop date not recorded", "treatment_dates", fields=_FIELDS)
            if last > ctx.as_of - timedelta(days=window.days):
                recent.append(e)
        if setting_unknown:
            return unknown(f"{what}: setting not recorded", "treatment_setting", fields=_FIELDS)
        if recent:
            return Truth(
                False,
                f"{names} less than {window.days:g} days ago",
                fields=_FIELDS,
                note="washout not complete",
            )
        return Truth(True, f"washout of {window.days:g} days complete for {what}", fields=_FIELDS)
    if p.get("progression") or p.get("resistance"):
        if not kept:
            if setting_unknown:
                return unknown(f"{what}: setting not recorded", "treatment_setting", fields=_FIELDS)
            return Truth(False, f"no prior {what}{where}", fields=_FIELDS)
        prog = _progressed(kept)
        if prog is None:
            return unknown(
                f"{names}: whether the disease progressed on it is not recorded",
                "stop_reason",
                fields=_FIELDS,
            )
        return Truth(
            prog,
            f"{names}: {'progressed on it' if prog else 'no progression on it'}",
            fields=_FIELDS,
        )
    if kept:
        return Truth(True, f"prior {names}{where}", fields=_FIELDS)
    if setting_unknown:
        return unknown(f"{what}: setting not recorded", "treatment_setting", fields=_FIELDS)
    unknown_drugs = ctx.facts.unknown_drugs
    if unknown_drugs and not any_anticancer:
        return unknown(
            f"no {what}{where} among known drugs; not recognised: {', '.join(unknown_drugs)}",
            "unrecognised_drugs",
            fields=_FIELDS,
        )
    return Truth(False, f"no prior {what}{where}", fields=_FIELDS)
