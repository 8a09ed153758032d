"""Pregnancy, breastfeeding, negative pregnancy test for people who could become pregnant."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_NOT_APPLICABLE,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    not_applicable,
    unknown,
)
from osteotrials.model.criteria import Constraint

_FIELDS = ("reproductive",)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    aspects = set(c.params.get("aspect", []))
    r = ctx.patient.reproductive
    if ctx.facts.sex == "male":
        if c.polarity == "require":
            return not_applicable("male: pregnancy rules do not apply", fields=("sex",))
        return Truth(False, "male", fields=("sex",))
    if aspects == {"pregnancy_test"} or (c.polarity == "require" and "pregnancy_test" in aspects):
        if r.childbearing_potential is False or ctx.facts.menopausal_status == "post":
            return not_applicable(
                "cannot become pregnant: no pregnancy test needed",
                fields=("reproductive.childbearing_potential",),
            )
        if r.pregnant is False:
            return Truth(
                True, "not pregnant (the trial repeats the test at screening)", fields=_FIELDS
            )
        return unknown("pregnancy status not recorded", "pregnant", fields=_FIELDS)
    values: list[tuple[str, bool | None]] = []
    if aspects & {"pregnant", "pregnancy_test"}:
        values.append(("pregnant", r.pregnant))
    if "breastfeeding" in aspects:
        values.append(("breastfeeding", r.breastfeeding))
    if any(v is True for _, v in values):
        name = next(n for n, v in values if v)
        return Truth(True, name, fields=_FIELDS)
    missing = [n for n, v in values if v is None]
    if missing:
        return unknown(f"{' / '.join(missing)} not recorded", *missing, fields=_FIELDS)
    return Truth(False, "not pregnant or breastfeeding", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the aspects and polarity read once per index, then one code per
# constraint following ``evaluate`` branch by branch.

#: (aspects, polarity is require)
Prepared = tuple[frozenset[object], bool]


def prepare(c: Constraint) -> Prepared | None:
    try:
        return frozenset(c.params.get("aspect", [])), c.polarity == "require"
    except TypeError:
        return None


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared pregnancy constraints for one patient."""
    r = ctx.patient.reproductive
    male = ctx.facts.sex == "male"
    no_test = r.childbearing_potential is False or ctx.facts.menopausal_status == "post"
    out: list[int | None] = []
    for aspects, require in prepared:
        if male:
            out.append(TRUTH_NOT_APPLICABLE if require else TRUTH_FAILS)
        elif aspects == {"pregnancy_test"} or (require and "pregnancy_test" in aspects):
            out.append(
                TRUTH_NOT_APPLICABLE
                if no_test
                else TRUTH_HOLDS
                if r.pregnant is False
                else TRUTH_UNKNOWN
            )
        else:
            values: list[bool | None] = []
            if aspects & {"pregnant", "pregnancy_test"}:
                values.append(r.pregnant)
            if "breastfeeding" in aspects:
                values.append(r.breastfeeding)
            out.append(
                TRUTH_HOLDS
                if any(v is True for v in values)
                else TRUTH_UNKNOWN
                if any(v is None for v in values)
                else TRUTH_FAILS
            )
    return out
