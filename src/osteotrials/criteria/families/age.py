# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Age: minimum/maximum age in years ("≥ 18 years", "18-70 years", "Be  18 and < 80 years")."""

from __future__ import annotations

import re

from osteotrials.criteria.families import menopause
from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import OP_RE, ItemText, to_number, to_op
from osteotrials.model.criteria import Constraint

FAMILY = "age"
_YEARS = r"(?:years?|yrs?|y/o|yo)\b"
_AGE_WORD = r"\b(?:age[ds]?|aged|years? of age|years? old|yrs? old|old)\b"
_RANGE = re.compile(
    rf"(?:between\s+(?:the\s+ages?\s+of\s+)?|from\s+|aged?\s+(?:of\s+)?)?(?P<a>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:-|to|and)\s*(?P<b>\d{{1,3}})\s*(?:{_YEARS})?"
)
_OP_NUM = re.compile(
    rf"(?P<op>{OP_RE})\s*(?:\(\s*\)\s*)?(?:the\s+age\s+of\s+)?(?P<n>\d{{1,3}})(?:\s*{_YEARS})?"
)
_NUM_OP = re.compile(
    rf"(?P<n>\d{{1,3}})\s*(?:{_YEARS}\s*)?(?:of age\s*|old\s*)?(?P<op>or (?:older|more|above|over|greater)|and (?:older|over|above)|\+|or younger|or less|and younger|or under)"
)
_LOST = re.compile(
    rf"(?:\bbe|\bage[ds]?|\baged|,|^)\s{{1,3}}\s(?P<n>\d{{1,3}})\s*(?:{_YEARS}|and\b)"
)
_NOT_AGE = re.compile(
    r"since|prior|ago|before|after|free|treat|therap|malignan|cancer|diagnos|menopaus|amenorr|menses|period|follow|surviv|expectan|history|smok|year period|duration"
)
_MENOPAUSE_DEFINITION = re.compile(
    r"post-?\s?menopaus\w*(?:\s+(?:status|women|woman|patients?))?\s*(?:,\s*|\(\s*)?(?:is\s+|as\s+)?(?:defined|definition)"
)
#: a line of a postmenopausal definition: "Age 60 or older with a prior hysterectomy without
#: oophorectomy", "Age < 60 with intact uterus and amenorrhea for 12 months", "deemed
#: postmenopausal by either age over 55 or ..." (the age is one way to be postmenopausal)
_MENOPAUSE_SUBITEM = re.compile(
    r"amenorrh\w*|hysterectomy|oophorectomy|intact uterus|\bmenses\b|postmenopausal range"
)
_MENOPAUSE_SUBITEM_START = re.compile(
    r"^\W*(?:age|aged)\b|(?:deemed|considered|defined as|be)\s+post-?\s?menopausal\s+(?:by|if|when)\b"
    # "At least 55 years of age with prior hysterectomy", "Under 55 years of age with ..."
    r"|^\W*(?:at least|under|over|older than|younger than|less than|greater than|more than|[<>≤≥]=?)\s*\d+\s*(?:years?|yrs?)\b"
)
#: a contraception rule: ages after it define whom it is for
_CONTRACEPTION_RULE = re.compile(r"\bcontracepti\w*|\bbirth control\b")
#: the age names the group a rule applies to: "... 55 years old or younger must have ..."
_SUBGROUP_AFTER = re.compile(
    rf"\s*(?:{_YEARS})?(?:\s+(?:of age|old))?(?:\s+or\s+(?:older|younger|less|more))?\s+(?:must|should|need|are required|will need)\b"
)
_RELATIVE = re.compile(
    r"\b(?:relatives?|family (?:member|history)|mother|sisters?|daughters?)\b[^.;]{0,60}$"
)
_OTHER_UNIT = re.compile(
    r"\s*(?:consecutive\s+)?(?:months?|weeks?|days?|hours?|cycles?|doses?|lines?|regimens?|mg|cm|mm)\b|\s*%"
)
_BARE_AGE = re.compile(
    rf"^\W*(?:age[ds]?\s*:?\s*)?(?P<n>\d{{2}})\s*{_YEARS}(?:\s*(?:of age|old))?[\s.;,]*$"
)
_NO_LIMIT = re.compile(r"\b(?:no (?:age )?limit|any age|not specified|no restriction)\b")
_CONDITIONAL = re.compile(
    r"\b(?:or|if|when)\s+(?:an?\s+)?age\s*$|\bage at (?:diagnosis|menarche|first)"
)


_AGE_BEFORE = re.compile(r"\bage[ds]?\b[^.;]{0,20}$")
#: "Subject is <18 or  75 years of age": the age word after the second bound
_AGE_AFTER = re.compile(rf"(?:\s*or\s*\D{{0,3}}\d{{1,3}})?\s*(?:{_YEARS}\s*)?(?:of age|old)\b")


def _is_age_item(item: ItemText) -> bool:
    return (
        bool(re.search(_AGE_WORD, item.norm))
        or "age" in item.context.lower().split(" | ")[-1:][0].split()
    )


#: "Creatinine clearance of >/= 75 mL/min for subjects up to 50 years of age": the age
#: group a measured limit applies to, not an age rule
_FOR_GROUP_BEFORE = re.compile(
    r"\bfor\s+(?:subjects|patients|participants|women|men|females|males|those|individuals)\s+(?:\w+\s+){0,2}$"
)
_MEASURED_LIMIT = re.compile(
    r"creatinine|clearance|\bgfr\b|ml/min|\bqtc|ejection fraction|\blvef\b|\bdoses?\b|mg/"
)


def _limit_condition(norm: str, start: int) -> bool:
    return bool(
        _FOR_GROUP_BEFORE.search(norm[max(0, start - 40) : start]) and _MEASURED_LIMIT.search(norm)
    )


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    label_age = bool(re.search(r"(?:^|\| )age$", item.context.lower().strip()))
    if not (re.search(_AGE_WORD, norm) or label_age or re.search(rf"\d\s*{_YEARS}", norm)):
        return []
    if _MENOPAUSE_SUBITEM.search(norm) and _MENOPAUSE_SUBITEM_START.search(norm):
        return []
    if menopause.DEFINITION_PARENT.search(item.context.lower()):
        # an age that makes a woman postmenopausal ("Age ≥ 60 years." under "Postmenopausal
        # status is defined by any one of the following criteria:"): the menopause rule's
        return []
    if (c := _CONTRACEPTION_RULE.search(norm)) and re.search(
        rf"\d\s*(?:-|to|and)?\s*\d*\s*{_YEARS}", norm[c.end() :]
    ):
        # "... must agree to use two highly effective forms of contraception ... This
        # includes all female participants, between the onset of menses between 18 and 55
        # years": the ages say whom the contraception rule is for (read as an age rule,
        # every patient over 55 failed)
        norm = norm[: c.start()]
    if d := _MENOPAUSE_DEFINITION.search(norm):
        # ages inside a definition of postmenopausal status are not an age rule; an age
        # written before the definition still is ("Women over 18 years of age ... Women
        # must be postmenopausal, defined as ...")
        norm = norm[: d.start()]
    if label_age and _NO_LIMIT.search(norm):
        return [make(item, FAMILY, 0, len(norm), {"no_restriction": True}, confidence=0.8)]
    out: list[Constraint] = []
    # ranges "18-70 years", "between 25 and 45 years of age"
    for m in _RANGE.finditer(norm):
        a, b = to_number(m.group("a")), to_number(m.group("b"))
        if a is None or b is None or not (0 < a < b <= 120):
            continue
        window = norm[max(0, m.start() - 40) : m.end() + 25]
        if not (
            re.search(_AGE_WORD, window)
            or label_age
            or re.search(_YEARS, norm[m.end("b") : m.end("b") + 8])
        ):
            continue
        if not (re.search(_YEARS, norm[m.start() : m.end() + 12]) or re.search(r"\bage", window)):
            continue
        if _CONDITIONAL.search(norm[max(0, m.start() - 20) : m.start()]) or _limit_condition(
            norm, m.start()
        ):
            continue
        # "the last menstrual period 6-12 months prior to day 1", "adjuvant tamoxifen for up
        # to 2-3 years": a duration, not an age
        if _OTHER_UNIT.match(norm[m.end("b") :]) or (
            not label_age
            and not re.search(r"\bage", window)
            and re.search(
                r"\b(?:for|up to|within|over|during|after|in)\s+(?:the\s+)?(?:(?:last|past|previous|preceding)\s+)?$",
                norm[: m.start()],
            )
        ):
            continue
        # "1 to 5 years post-diagnosis", "2-10 years since surgery": an interval, not an age
        if not (re.search(r"\bage", window) or label_age) and re.match(
            rf"\s*{_YEARS}\s*(?:post|since|after|from|ago|prior|before|of follow)",
            norm[m.end("b") :],
        ):
            continue
        out.append(
            make(
                item,
                FAMILY,
                m.start(),
                m.end(),
                {"min": a, "max": b, "min_inclusive": True, "max_inclusive": True},
                confidence=0.9,
            )
        )
    if out:
        return out
    bounds: dict[str, tuple[float, bool, int, int, bool]] = {}
    for m in _OP_NUM.finditer(norm):
        n = to_number(m.group("n"))
        op = to_op(m.group("op"))
        if n is None or op is None or not 0 < n <= 120 or op in ("=", "range"):
            continue
        window = norm[max(0, m.start() - 35) : m.end() + 20]
        years_after = re.match(rf"\s*{_YEARS}", norm[m.end("n") :]) is not None
        plain_age = years_after and 12 <= n <= 100 and not _NOT_AGE.search(norm)
        if not (re.search(_AGE_WORD, window) or label_age or plain_age):
            continue
        if not (
            re.search(_YEARS, norm[m.end("n") : m.end("n") + 8])
            or re.search(r"\bage", window)
            or label_age
        ):
            continue
        # "Oncotype <= 25 if age >= 50 years": without "years", the number is an age only
        # when "age" comes just before it or just after it
        if not (
            re.search(_YEARS, norm[m.end("n") : m.end("n") + 8])
            or label_age
            or "age" in m.group(0)
            or _AGE_BEFORE.search(norm[max(0, m.start() - 30) : m.start()])
            or _AGE_AFTER.match(norm[m.end("n") :])
        ):
            continue
        if _CONDITIONAL.search(norm[max(0, m.start() - 25) : m.start()]) or _limit_condition(
            norm, m.start()
        ):
            continue
        if re.search(
            r"\b(?:within|since|for|after|least \d+ years? (?:since|from))\b",
            norm[max(0, m.start() - 12) : m.start()],
        ):
            continue
        key = "min" if op in (">=", ">") else "max"
        bounds.setdefault(key, (n, op in (">=", "<="), m.start(), m.end(), False))
    for m in _NUM_OP.finditer(norm):
        n = to_number(m.group("n"))
        if n is None:
            continue
        # "amenorrheic for 12 or more months": a duration in another unit, not an age
        if _OTHER_UNIT.match(norm[m.end() :]) or re.search(
            r"\b(?:for|within|since|after)\s+$", norm[max(0, m.start() - 8) : m.start()]
        ):
            continue
        key = "max" if re.search(r"younger|less|under", m.group("op")) else "min"
        bounds.setdefault(key, (n, True, m.start(), m.end(), False))
    if not bounds:
        for m in _LOST.finditer(item.text.lower()):
            if m.start() >= len(norm):
                break
            n = to_number(m.group("n"))
            if n is None or not 10 <= n <= 100:
                continue
            if not (
                re.search(_AGE_WORD, norm)
                or label_age
                or re.search(_YEARS, norm[m.end("n") : m.end("n") + 8])
            ):
                continue
            # "Be  18 and < 80 years": a comparison symbol was lost; a lower bound is implied
            # only when an explicit upper bound follows
            after = norm[m.end() : m.end() + 25]
            if (
                re.search(r"(?:and|,)\s*(?:<|≤|less|under|younger)", after)
                or re.search(r"\b(?:be|age[ds]?|aged)\s+$", norm[: m.start("n")])
                or re.match(rf"\s*{_YEARS}\s*(?:of age|old)", norm[m.end("n") :])
            ):
                # the lost symbol is read as a lower bound (by far the commonest form);
                # flagged symbol_lost with low confidence
                bounds.setdefault("min", (n, True, m.start("n"), m.end("n"), True))
    if not bounds and (bare := _BARE_AGE.match(norm)):
        # "Age 18 years." / "18 years of age.": a comparison sign was lost; read as a minimum
        n = to_number(bare.group("n"))
        if n is not None and 12 <= n <= 100:
            bounds["min"] = (n, True, bare.start("n"), bare.end("n"), True)
    if bounds and _RELATIVE.search(norm[: min(v[2] for v in bounds.values())]):
        return []  # "a first degree relative with breast cancer under the age of 60"
    if bounds:
        params: dict[str, object] = {}
        if (
            "min" in bounds
            and "max" in bounds
            and bounds["min"][0] >= bounds["max"][0]
            and item.polarity(bounds["min"][2], bounds["min"][3]) != "exclude"
        ):
            # "Age >= 18 years. Because no dosing ... data are available ... in patients < 18
            # years": a required range that no age can meet; the bound written first is the
            # rule, the later one its rationale or a subgroup
            later = "min" if bounds["min"][2] > bounds["max"][2] else "max"
            del bounds[later]
        a = min(v[2] for v in bounds.values())
        b = max(v[3] for v in bounds.values())
        if "min" not in bounds and _SUBGROUP_AFTER.match(norm[b:]):
            # "Patients age =< 55 years must not be receiving ...": an upper age naming the
            # group a rule applies to ("All participants >= 18 years of age must ..." stays)
            return []
        lost = any(v[4] for v in bounds.values())
        for key, (n, inclusive, *_rest) in bounds.items():
            params[key] = n
            params[f"{key}_inclusive"] = inclusive
        if lost:
            params["symbol_lost"] = True
        if item.polarity(a, b) == "exclude" and (required := _required_range(params)):
            # "Minors less than 18 years old", "Age < 18 or > 85 years" as exclusions: the
            # ages allowed, as the eligibility bound they state (also keeps the "or" of two
            # excluded ranges, which one excluded min..max range cannot express)
            return [
                make(
                    item,
                    FAMILY,
                    a,
                    b,
                    required,
                    confidence=0.6 if lost else 0.9,
                    polarity="require",
                )
            ]
        return [make(item, FAMILY, a, b, params, confidence=0.6 if lost else 0.9)]
    if label_age and re.search(r"\d", norm):
        return []
    return []


_ADULT_AGE = 21


def _required_range(excluded: dict[str, object]) -> dict[str, object] | None:
    """The allowed ages of an excluded "under N" / "over M" / "under N or over M" bound."""
    lo, hi = excluded.get("min"), excluded.get("max")
    if (
        lo is not None
        and hi is not None
        and not (isinstance(lo, float | int) and isinstance(hi, float | int) and lo > hi)
    ):
        return None  # an excluded range "between N and M" stays as written
    out: dict[str, object] = {}
    if hi is not None:  # "under N" excluded: at least N
        out["min"] = hi
        out["min_inclusive"] = not excluded.get("max_inclusive", True)
    if lo is not None:  # "over M" excluded: at most M
        out["max"] = lo
        out["max_inclusive"] = not excluded.get("min_inclusive", True)
    if "min" not in out and isinstance(lo, float | int) and lo <= _ADULT_AGE:
        # "Must be at least 18 years old" under the exclusion header, "Age >18 years. ...
        # children are excluded": an adult minimum written where an exclusion is read is
        # that minimum (no adult trial has an upper age limit of 21 or less)
        out = {"min": lo, "min_inclusive": excluded.get("min_inclusive", True)}
    if excluded.get("symbol_lost"):
        out["symbol_lost"] = True
    return out
