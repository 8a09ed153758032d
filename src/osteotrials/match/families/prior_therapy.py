"""Prior systemic therapy: drugs, classes, ADC payloads, setting, number of lines,
progression on it, washout / recency windows (domain.md §1.7-1.8).

The condition a constraint describes is "the patient received <therapy> (in
<setting>) (within the window)"; line caps compare with the derived
``LineCount`` ranges, unknown when a range straddles the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    unknown,
)
from osteotrials.match.families._therapy import (
    exposure_matches,
    exposures_wait,
    in_window,
    in_window_days,
    in_window_since,
    last_day,
    lasting,
    min_duration,
    specific_classes,
)
from osteotrials.model.criteria import RECURRENCE_ANCHOR, Constraint
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


_CHEMO = frozenset(
    {"chemotherapy", "taxane", "anthracycline", "platinum", "antimetabolite", "alkylating"}
    | {"vinca_eribulin", "nitrosourea"}
)
_ENDOCRINE = frozenset(
    {"endocrine", "aromatase_inhibitor", "serd", "serm", "ovarian_suppression", "other_endocrine"}
    | {"steroidal_aromatase_inhibitor", "nonsteroidal_aromatase_inhibitor"}
)


class _Labels(dict[frozenset[str], str]):
    """Line type of a non-empty set of classes (``_line_count`` and ``prepare``)."""

    def __missing__(self, classes: frozenset[str]) -> str:
        label = (
            "chemotherapy"
            if classes <= _CHEMO
            else "endocrine"
            if classes <= _ENDOCRINE
            else "systemic"
        )
        self[classes] = label
        return label


_LINE_LABELS = _Labels()


def _line_count(c: Constraint, ctx: Context, classes: frozenset[str]) -> tuple[LineCount, str]:
    lines = ctx.facts.lines
    label = _LINE_LABELS[classes] if classes else "systemic"
    count = {"chemotherapy": lines.chemotherapy, "endocrine": lines.endocrine}.get(label)
    return (lines.total if count is None else count), label


def line_bounds(count: LineCount, lo: float | None, hi: float | None) -> list[bool | None]:
    """The stated minimum and maximum number of lines against the patient's count range:
    each bound met (True), failed (False) or unknown (None, the range straddles it)."""
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
    return results


#: bone-agent classes below ``bone_modifying_agent`` (an exception may name them alone)
_BONE_SUBCLASSES = frozenset({"bisphosphonate", "oral_bisphosphonate", "rank_ligand_inhibitor"})


def _excepted_count(
    c: Constraint, ctx: Context, count: LineCount, label: str
) -> tuple[LineCount, str, bool]:
    """The count a line limit with exceptions compares with ("no more than 2 prior regimens
    other than endocrine therapy"), its label, and whether it is exact: when the excepted
    agents cannot be taken out of the derived counts, the count is only an upper bound."""
    rules = ctx.facts.lines.rules
    # classes that never make a line under the patient's line rules change no count
    never = _NOT_ANTICANCER | _BONE_SUBCLASSES | rules.never_line_classes
    if not rules.ovarian_suppression_alone_is_line:
        never = never | {"ovarian_suppression"}
    exc = frozenset(c.params.get("except_classes", [])) - never
    if not exc:
        return count, label, True
    # a named drug ("other than tamoxifen") brings its classes along: only a class-wide
    # exception can be taken out of the class counts
    by_class = not c.params.get("except_drugs")
    if by_class and label == "systemic" and "endocrine" in exc and exc <= _ENDOCRINE:
        return ctx.facts.lines.non_endocrine, "non-endocrine", True
    if label == "chemotherapy" and not exc & _CHEMO:
        return count, label, True  # "chemotherapy regimens; hormonal therapy does not count"
    if label == "endocrine" and not exc & _ENDOCRINE:
        return count, label, True
    return count, f"{label} (counting {', '.join(sorted(exc))} too)", False


def _lines(c: Constraint, ctx: Context, classes: frozenset[str]) -> Truth:
    count, base_label = _line_count(c, ctx, classes)
    count, label, exact = _excepted_count(c, ctx, count, base_label)
    lo, hi = c.params.get("min_lines"), c.params.get("max_lines")
    rng = (
        f"{count.minimum}"
        if count.maximum == count.minimum
        else f"{count.minimum}-{'?' if count.maximum is None else count.maximum}"
    )
    fact = f"{rng} prior {label} line(s) for metastatic disease"
    if exact:
        results = line_bounds(count, lo, hi)
    else:
        # the excepted lines are inside the count: the true count is between 0 and it
        results = line_bounds(LineCount(minimum=0, maximum=count.maximum), lo, hi)
    limits = " ".join(
        x
        for x in (f">= {lo:g}" if lo is not None else "", f"<= {hi:g}" if hi is not None else "")
        if x
    )
    fact = f"{fact} (limit {limits})"
    if False in results:
        return Truth(False, fact, fields=_FIELDS)
    if None in results:
        key = f"lines_{base_label}" if base_label != "systemic" else "lines_total"
        why = "the range straddles the limit" if exact else "the excepted lines are not known"
        return unknown(f"{fact}; {why}", key, fields=_FIELDS)
    return Truth(True, fact, fields=_FIELDS)


def _progressed(matched: list[DrugExposure]) -> bool | None:
    if any(e.stop_reason == "progression" for e in matched):
        return True
    if all(e.stop_reason is not None and e.stop_reason != "progression" for e in matched):
        return False
    return None


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    if p.get("planned"):
        # "candidates for chemotherapy": a treatment to come, which no history settles
        return unknown(
            "a treatment the trial plans or asks to be indicated, not a past one; "
            "ask the oncologist",
            "planned_therapy",
            fields=_FIELDS,
        )
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
    except_drugs = frozenset(str(d).lower() for d in p.get("except_drugs", []))
    except_classes = frozenset(p.get("except_classes", []))
    if except_drugs or except_classes:
        # "anticancer therapy other than endocrine therapy": the excepted agents do not count
        matched = [
            e for e in matched if not exposure_matches(e, except_drugs, except_classes, frozenset())
        ]
        what += " other than " + ", ".join(sorted(except_drugs | except_classes))
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
    least = min_duration(p)
    if least is not None:
        # "adjuvant tamoxifen for at least 12 months": only exposures that lasted so long
        kept, undated = lasting(kept, least, ctx.as_of)
        where += f" for {least:g} days or more"
        if not kept and undated:
            return unknown(
                f"{what}{where}: start or stop date not recorded", "treatment_dates", fields=_FIELDS
            )
    window = c.time_window
    names = ", ".join(sorted({e.canonical or e.name for e in kept}))
    if p.get("dose_limit"):
        # a cap on the cumulative dose: no exposure, no excess; an exposure's dose is not
        # in the history
        if kept:
            return unknown(
                f"{names}{where} received; the cumulative dose is not recorded",
                "cumulative_dose",
                fields=_FIELDS,
            )
        if setting_unknown:
            return unknown(f"{what}: setting not recorded", "treatment_setting", fields=_FIELDS)
        return Truth(False, f"no {what}{where}, so no cumulative dose", fields=_FIELDS)
    if window is not None and window.anchor == RECURRENCE_ANCHOR:
        return _before_recurrence(kept, window.days, ctx, f"{what}{where}", setting_unknown)
    if window is not None and window.relation in ("within", "less_than"):
        inside = [in_window(e, window, ctx.as_of) for e in kept]
        if any(x is True for x in inside):
            names = ", ".join(
                sorted({e.canonical or e.name for e, x in zip(kept, inside, strict=True) if x})
            )
            hits = [e for e, x in zip(kept, inside, strict=True) if x]
            return Truth(
                True,
                f"{names}{where} within the last {window.days:g} days",
                fields=_FIELDS,
                wait=exposures_wait(hits, window.days, ctx.as_of, inclusive=True),
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
            # the agents given too recently, not every matching one ever given
            late = ", ".join(sorted({e.canonical or e.name for e in recent}))
            return Truth(
                False,
                f"{late} less than {window.days:g} days ago",
                fields=_FIELDS,
                note="washout not complete",
                wait=exposures_wait(recent, window.days, ctx.as_of, inclusive=False),
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


# --------------------------------------------------------------------------- bulk codes
#
# The fast ranking path (``match/fast.py``) needs only whether each condition holds, not
# the explained ``Truth``. ``prepare`` reads a constraint's parameters once per index;
# ``codes`` then answers every prepared constraint for one patient with the exposure
# matching done once per drug signature. It follows ``evaluate`` branch by branch
# (``tests/match/test_fast.py`` checks both agree on every snapshot constraint); the
# explained ``Truth`` is still built by ``evaluate``, for the criteria that are shown.


@dataclass(frozen=True, slots=True)
class Prepared:
    """What ``evaluate`` reads from a constraint, read once."""

    #: (minimum, maximum, line type) for line-count constraints
    lines: tuple[float | None, float | None, str] | None
    #: (any anticancer therapy, drugs, classes, payload classes)
    signature: tuple[bool, frozenset[str], frozenset[str], frozenset[str]]
    settings: tuple[str, ...]
    #: (recency window, days) or None
    window: tuple[bool, float] | None
    progression: bool


def _before_recurrence(
    kept: list[DrugExposure], days: float, ctx: Context, what: str, setting_unknown: bool
) -> Truth:
    """Whether any of the exposures reached into the ``days`` before the metastatic
    diagnosis ("adjuvant abemaciclib is allowed if the last treatment administration was
    more than 12 months prior to first recurrence": the exclusion holds for a shorter
    treatment-free interval)."""
    diagnosed = ctx.patient.diagnosis.metastatic_diagnosis_date
    if diagnosed is None:
        if not kept and not setting_unknown:
            return Truth(False, f"no {what}", fields=_FIELDS)
        return unknown(
            f"{what}: the date of the metastatic diagnosis is not recorded",
            "metastatic",
            fields=(*_FIELDS, "diagnosis.metastatic_diagnosis_date"),
        )
    cutoff = diagnosed - timedelta(days=days)
    inside = [in_window_since(e, cutoff, diagnosed) for e in kept]
    hits = sorted({e.canonical or e.name for e, x in zip(kept, inside, strict=True) if x})
    if hits:
        return Truth(
            True,
            f"{', '.join(hits)} within {days:g} days before the metastatic diagnosis "
            f"({diagnosed.isoformat()})",
            fields=_FIELDS,
        )
    if any(x is None for x in inside):
        return unknown(f"{what}: dates not recorded", "treatment_dates", fields=_FIELDS)
    if setting_unknown:
        return unknown(f"{what}: setting not recorded", "treatment_setting", fields=_FIELDS)
    return Truth(
        False,
        f"no {what} in the {days:g} days before the metastatic diagnosis ({diagnosed.isoformat()})",
        fields=_FIELDS,
    )


def prepare(c: Constraint) -> Prepared | None:
    """The constraint read once; None when anything is unusual (then ``evaluate`` is used)."""
    p = c.params
    if (
        p.get("except_drugs")
        or p.get("except_classes")
        or p.get("planned")
        or p.get("dose_limit")
        or p.get("min_duration_days") is not None
        or (c.time_window is not None and c.time_window.anchor == RECURRENCE_ANCHOR)
    ):
        # exceptions, planned treatments, dose caps and least durations are rare: the
        # evaluator reads them
        return None
    try:
        wanted_drugs = frozenset(str(d).lower() for d in p.get("drugs", []))
        classes = specific_classes(p.get("classes", []))
        payloads = frozenset(p.get("payload_classes", []))
        settings = tuple(str(s) for s in p.get("setting", []))
    except (TypeError, ValueError):
        return None
    lo, hi = p.get("min_lines"), p.get("max_lines")
    lines = None
    if lo is not None or hi is not None:
        for x in (lo, hi):
            if x is not None and (isinstance(x, bool) or not isinstance(x, int | float)):
                return None
        label = _LINE_LABELS[classes] if classes else "systemic"
        lines = (lo, hi, label)
    any_anticancer = bool(p.get("any_anticancer")) or not (wanted_drugs or classes or payloads)
    tw = c.time_window
    window = None if tw is None else (tw.relation in ("within", "less_than"), float(tw.days))
    return Prepared(
        lines,
        (any_anticancer, wanted_drugs, classes, payloads),
        settings,
        window,
        bool(p.get("progression") or p.get("resistance")),
    )


HOLDS, FAILS, UNKNOWN = TRUTH_HOLDS, TRUTH_FAILS, TRUTH_UNKNOWN


Signature = tuple[bool, frozenset[str], frozenset[str], frozenset[str]]


@dataclass(slots=True)
class Arrays:
    """The drug-signature constraints of a batch as parameter arrays, so that a patient's
    codes are a few numpy operations over (exposure x constraint) tables."""

    #: positions (in the batch) of the signature constraints, and per position: the
    #: signature id, the setting-list id, window kind (0 none, 1 recency, 2 washout),
    #: window-days id, progression asked, any anticancer therapy
    pos: NDArray[np.intp]
    sig: NDArray[np.intp]
    setting: NDArray[np.intp]
    kind: NDArray[np.int8]
    day: NDArray[np.intp]
    progression: NDArray[np.bool_]
    anticancer: NDArray[np.bool_]
    #: the distinct setting lists and window lengths; per length the days
    #: ``date - timedelta(days=length)`` moves (None: a length timedelta refuses)
    settings: list[tuple[str, ...]]
    days: list[float]
    day_shift: NDArray[np.int64] | None
    #: line-count constraints: positions, and per position the id of its distinct
    #: (minimum, maximum, line type); the distinct prepared constraints answering them
    line_pos: NDArray[np.intp]
    line_key: NDArray[np.intp]
    line_preps: list[Prepared]
    #: the signature columns answered by each rule (recency window, washout,
    #: progression, neither)
    recency_cols: NDArray[np.intp]
    washout_cols: NDArray[np.intp]
    progression_cols: NDArray[np.intp]
    plain_cols: NDArray[np.intp]


def _day_shifts(days: list[float]) -> NDArray[np.int64] | None:
    try:
        return np.array([-timedelta(days=d).days for d in days], dtype=np.int64)
    except (OverflowError, ValueError, TypeError):
        return None


def _arrays(prepared: list[Prepared], sig_ids: list[int]) -> Arrays:
    setting_of: dict[tuple[str, ...], int] = {}
    day_of: dict[float, int] = {}
    line_of: dict[tuple[float | None, float | None, str], int] = {}
    line_preps: list[Prepared] = []
    pos, sig, sett, kind, day, prog, anti, line_pos, line_key = ([] for _ in range(9))
    for i, (prep, sid) in enumerate(zip(prepared, sig_ids, strict=True)):
        if prep.lines is not None:
            k = line_of.get(prep.lines)
            if k is None:
                k = line_of[prep.lines] = len(line_preps)
                line_preps.append(prep)
            line_pos.append(i)
            line_key.append(k)
            continue
        pos.append(i)
        sig.append(sid)
        sett.append(setting_of.setdefault(prep.settings, len(setting_of)))
        w = prep.window
        kind.append(0 if w is None else 1 if w[0] else 2)
        day.append(0 if w is None else day_of.setdefault(w[1], len(day_of)))
        prog.append(prep.progression)
        anti.append(prep.signature[0])

    def ints(xs: list[int]) -> NDArray[np.intp]:
        return np.array(xs, dtype=np.intp)

    kinds = np.array(kind, dtype=np.int8)
    progression = np.array(prog, dtype=np.bool_)
    return Arrays(
        ints(pos),
        ints(sig),
        ints(sett),
        np.array(kind, dtype=np.int8),
        ints(day),
        np.array(prog, dtype=np.bool_),
        np.array(anti, dtype=np.bool_),
        list(setting_of),
        list(day_of),
        _day_shifts(list(day_of)),
        ints(line_pos),
        ints(line_key),
        line_preps,
        np.flatnonzero(kinds == 1),
        np.flatnonzero(kinds == 2),
        np.flatnonzero((kinds == 0) & progression),
        np.flatnonzero((kinds == 0) & ~progression),
    )


@dataclass(slots=True)
class Batch:
    """Prepared constraints with an inverted index from drug, class and payload to the
    drug signatures that name them, so a patient's exposures are matched in one pass."""

    prepared: list[Prepared]
    #: per prepared constraint: its signature id (-1 for line counts)
    sig_ids: list[int]
    n_sigs: int
    by_drug: dict[str, list[int]]
    by_class: dict[str, list[int]]
    by_payload: dict[str, list[int]]
    anticancer: list[int]
    #: per prepared constraint: its code when no exposure matches (unrecognised drugs on
    #: file / not), computed with ``_code`` itself
    empty: tuple[list[int | None], list[int | None]]
    arrays: Arrays


def batch(prepared: list[Prepared]) -> Batch:
    sig_of: dict[Signature, int] = {}
    sig_ids: list[int] = []
    by_drug: dict[str, list[int]] = {}
    by_class: dict[str, list[int]] = {}
    by_payload: dict[str, list[int]] = {}
    anticancer: list[int] = []
    for prep in prepared:
        if prep.lines is not None:
            sig_ids.append(-1)
            continue
        sig = prep.signature
        sid = sig_of.get(sig)
        if sid is None:
            sid = sig_of[sig] = len(sig_of)
            any_anticancer, drugs, classes, payloads = sig
            if any_anticancer:
                anticancer.append(sid)
            else:
                for d in drugs:
                    by_drug.setdefault(d, []).append(sid)
                for c in classes:
                    by_class.setdefault(c, []).append(sid)
                for pc in payloads:
                    by_payload.setdefault(pc, []).append(sid)
        sig_ids.append(sid)
    no_counts: dict[str, LineCount] = {}

    def empty(unknown_drugs: bool) -> list[int | None]:
        out: list[int | None] = []
        for prep in prepared:
            try:
                out.append(_code(prep, [], no_counts, unknown_drugs, date.min))
            except (ValueError, TypeError, KeyError):
                out.append(None)
        return out

    return Batch(
        list(prepared),
        sig_ids,
        len(sig_of),
        by_drug,
        by_class,
        by_payload,
        anticancer,
        (empty(True), empty(False)),
        _arrays(list(prepared), sig_ids),
    )


def codes(prepared: Batch, ctx: Context) -> list[int | None] | NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared constraints for one patient; None where
    the answer needs ``evaluate`` (an unexpected value).

    Line counts are answered once per distinct (minimum, maximum, line type) by ``_code``;
    the drug-signature constraints by ``_table_codes`` (numpy over exposure x constraint
    tables, each table cell computed by the helpers ``_code`` uses). Should a cell raise,
    every constraint is answered by ``_code`` one at a time, as it always was."""
    b = prepared
    if ctx.patient.regimens is None:
        return [UNKNOWN] * len(b.prepared)
    as_of = ctx.as_of
    line_counts = {
        "chemotherapy": ctx.facts.lines.chemotherapy,
        "endocrine": ctx.facts.lines.endocrine,
        "systemic": ctx.facts.lines.total,
    }
    unknown_drugs = bool(ctx.facts.unknown_drugs)
    a = b.arrays
    try:
        table = _table_codes(b, ctx.exposures, unknown_drugs, as_of)
    except (ValueError, TypeError, KeyError, OverflowError):
        return _codes_one_by_one(b, ctx.exposures, line_counts, unknown_drugs, as_of)
    lines = [_safe_code(prep, [], line_counts, unknown_drugs, as_of) for prep in a.line_preps]
    if None in lines:
        out: list[int | None] = [None] * len(b.prepared)
        for i, code in zip(a.pos.tolist(), table.tolist(), strict=True):
            out[i] = code
        for i, k in zip(a.line_pos.tolist(), a.line_key.tolist(), strict=True):
            out[i] = lines[k]
        return out
    res = np.empty(len(b.prepared), dtype=np.intp)
    res[a.pos] = table
    res[a.line_pos] = np.array(lines, dtype=np.intp)[a.line_key]
    return res


def _hits(b: Batch, e: DrugExposure) -> set[int]:
    """The drug signatures an exposure matches (``exposure_matches``)."""
    hits: set[int] = set()
    if e.canonical is not None:
        hits.update(b.by_drug.get(e.canonical, ()))
    hits.update(b.by_drug.get(e.name.lower(), ()))
    for cls in e.classes:
        hits.update(b.by_class.get(cls, ()))
    if e.payload_class is not None:
        hits.update(b.by_payload.get(e.payload_class, ()))
    if not _NOT_ANTICANCER & set(e.classes):
        hits.update(b.anticancer)
    return hits


def _safe_code(
    prep: Prepared,
    matched: list[DrugExposure],
    line_counts: dict[str, LineCount],
    unknown_drugs: bool,
    as_of: date,
) -> int | None:
    try:
        return _code(prep, matched, line_counts, unknown_drugs, as_of)
    except (ValueError, TypeError, KeyError):
        return None


def _codes_one_by_one(
    b: Batch,
    exposures: list[DrugExposure],
    line_counts: dict[str, LineCount],
    unknown_drugs: bool,
    as_of: date,
) -> list[int | None]:
    # each exposure, in order, added to the signatures it matches
    matched: list[list[DrugExposure] | None] = [None] * b.n_sigs
    for e in exposures:
        for sid in _hits(b, e):
            got = matched[sid]
            if got is None:
                matched[sid] = [e]
            else:
                got.append(e)
    out = list(b.empty[0] if unknown_drugs else b.empty[1])
    for i, (prep, sid) in enumerate(zip(b.prepared, b.sig_ids, strict=True)):
        if sid >= 0:
            m = matched[sid]
            if m is None:
                continue  # nothing matched: the precomputed code
        else:
            m = []
        out[i] = _safe_code(prep, m, line_counts, unknown_drugs, as_of)
    return out


#: a three-valued answer (True / False / None) as a small integer
_TRI = {True: 1, False: 0, None: 2}


def _windows(
    a: Arrays, exposures: list[DrugExposure], lasts: list[date | None], as_of: date
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """Per (exposure, window length): ``in_window_since`` as _TRI codes, and whether the
    exposure's last day is after the cutoff; on day numbers (``as_of - timedelta(days=d)``
    moves back by ``timedelta(days=d).days`` whole days, the part of a day ignored; read
    once per index)."""
    n_e, n_d = len(exposures), len(a.days)
    first = as_of.toordinal()
    if a.day_shift is None or (n_d and first + int(a.day_shift.min()) < 1):
        cutoffs = [as_of - timedelta(days=d) for d in a.days]  # raises as the evaluator
        inside = np.array(
            [_TRI[in_window_since(e, cut, as_of)] for e in exposures for cut in cutoffs],
            dtype=np.int8,
        ).reshape(n_e, n_d)
        recent = np.array(
            [x is not None and x > cut for x in lasts for cut in cutoffs], dtype=np.bool_
        ).reshape(n_e, n_d)
        return inside, recent
    cut = (first + a.day_shift).reshape(1, n_d)
    has_last = np.array([x is not None for x in lasts], dtype=np.bool_).reshape(n_e, 1)
    last = np.array([0 if x is None else x.toordinal() for x in lasts]).reshape(n_e, 1)
    starts = [e.start_date for e in exposures]
    started = np.array([0 if x is None else x.toordinal() for x in starts], dtype=np.int64).reshape(
        n_e, 1
    )
    has_start = np.array([x is not None for x in starts], dtype=np.bool_).reshape(n_e, 1)
    # in_window_since: without a last day, a start on or after the cutoff holds, else
    # unknown; with one, whether it is on or after the cutoff
    inside = np.where(
        has_last,
        np.where(last >= cut, np.int8(_TRI[True]), np.int8(_TRI[False])),
        np.where(has_start & (started >= cut), np.int8(_TRI[True]), np.int8(_TRI[None])),
    ).astype(np.int8)
    recent = has_last & (last > cut)
    return inside, recent


def _table_codes(
    b: Batch, exposures: list[DrugExposure], unknown_drugs: bool, as_of: date
) -> NDArray[np.intp]:
    """``_code`` for every drug-signature constraint at once (same branches, in order)."""
    a = b.arrays
    n_e = len(exposures)
    hit = np.zeros((n_e, b.n_sigs), dtype=np.bool_)
    for k, e in enumerate(exposures):
        hit[k, list(_hits(b, e))] = True
    matched = hit[:, a.sig]
    setting_ok = np.array(
        [_TRI[_setting_ok(e, list(s))] for e in exposures for s in a.settings], dtype=np.int8
    ).reshape(n_e, len(a.settings))[:, a.setting]
    kept = matched & (setting_ok == 1)
    setting_unknown = (matched & (setting_ok == 2)).any(axis=0)
    any_kept = kept.any(axis=0)
    lasts = [last_day(e, as_of) for e in exposures]
    inside, recent = _windows(a, exposures, lasts, as_of)
    no_last = np.array([x is None for x in lasts], dtype=np.bool_).reshape(n_e, 1)
    progressed = np.array(
        [e.stop_reason == "progression" for e in exposures], dtype=np.bool_
    ).reshape(n_e, 1)
    not_progressed = np.array(
        [e.stop_reason is not None and e.stop_reason != "progression" for e in exposures],
        dtype=np.bool_,
    ).reshape(n_e, 1)
    # each column answered by its own rule only: recency, washout, progression, plain
    out = np.empty(len(a.sig), dtype=np.intp)
    r = a.recency_cols
    if len(r):
        k, ins = kept[:, r], inside[:, a.day[r]]
        out[r] = np.where(
            (k & (ins == 1)).any(axis=0),
            HOLDS,
            np.where((k & (ins == 2)).any(axis=0) | setting_unknown[r], UNKNOWN, FAILS),
        )
    w = a.washout_cols
    if len(w):
        k = kept[:, w]
        out[w] = np.where(
            (k & no_last).any(axis=0) | setting_unknown[w],
            UNKNOWN,
            np.where((k & recent[:, a.day[w]]).any(axis=0), FAILS, HOLDS),
        )
    g = a.progression_cols
    if len(g):
        k = kept[:, g]
        out[g] = np.where(
            any_kept[g],
            np.where(
                (k & progressed).any(axis=0),
                HOLDS,
                np.where((~k | not_progressed).all(axis=0), FAILS, UNKNOWN),
            ),
            np.where(setting_unknown[g], UNKNOWN, FAILS),
        )
    p = a.plain_cols
    if len(p):
        out[p] = np.where(
            any_kept[p],
            HOLDS,
            np.where(setting_unknown[p] | (unknown_drugs & ~a.anticancer[p]), UNKNOWN, FAILS),
        )
    return out


def _code(
    prep: Prepared,
    matched: list[DrugExposure],
    line_counts: dict[str, LineCount],
    unknown_drugs: bool,
    as_of: date,
) -> int:
    if prep.lines is not None:
        lo, hi, label = prep.lines
        count = line_counts[label]
        results = line_bounds(count, lo, hi)
        if False in results:
            return FAILS
        if None in results:
            return UNKNOWN
        return HOLDS
    sig = prep.signature
    setting_unknown = False
    kept: list[DrugExposure] = []
    if matched:
        settings = list(prep.settings)
        for e in matched:
            ok = _setting_ok(e, settings)
            if ok is None:
                setting_unknown = True
            elif ok:
                kept.append(e)
    window = prep.window
    if window is not None and window[0]:
        inside = [in_window_days(e, window[1], as_of) for e in kept]
        if any(x is True for x in inside):
            return HOLDS
        if any(x is None for x in inside) or setting_unknown:
            return UNKNOWN
        return FAILS
    if window is not None:
        recent = False
        for e in kept:
            last = last_day(e, as_of)
            if last is None:
                return UNKNOWN
            if last > as_of - timedelta(days=window[1]):
                recent = True
        if setting_unknown:
            return UNKNOWN
        return FAILS if recent else HOLDS
    if prep.progression:
        if not kept:
            return UNKNOWN if setting_unknown else FAILS
        prog = _progressed(kept)
        return UNKNOWN if prog is None else HOLDS if prog else FAILS
    if kept:
        return HOLDS
    if setting_unknown:
        return UNKNOWN
    if unknown_drugs and not sig[0]:
        return UNKNOWN
    return FAILS
