# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Performance status: ECOG/Zubrod/WHO <= n, Karnofsky/Lansky >= n (domain.md 1.5)."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import OP_RE, ItemText, to_op
from osteotrials.model.criteria import Constraint

FAMILY = "performance_status"
_ECOG = re.compile(
    r"\b(?:ecog|zubrod|who|eastern cooperative oncology group|gog)\b(?:\s*\((?:ecog|ecog,[^)]{0,20})\))?(?:[\s-]+(?:performance|ps|score|scale|status|grade|of|is|in|:|=(?![<>])|pst?))*|\bperformance status\b|\bps\b"
)
_KPS = re.compile(
    r"\b(?:karnofsky|kps|lansky)\b(?:[\s-]+(?:performance|ps|score|scale|status|index|of|is|:|=(?![<>])|\(kps\)))*"
)
_VALUES = re.compile(
    rf"^(?:[\s:(),]|=(?![<>]))*(?:of\s+|score\s+|is\s+|in\s+)?(?P<op>{OP_RE})?\s*(?P<v>[0-5](?:\s*(?:,|-|to|or|and|/)\s*(?:or\s+|and\s+)?[0-5])*)(?![\d%]|\.\d)"
)
_KVALUE = re.compile(
    rf"^(?:[\s:(),]|=(?![<>]))*(?:of\s+|score\s+|is\s+)?(?P<op>{OP_RE})?\s*(?P<v>\d{{2,3}})\s*%?(?P<post>\s*(?:or (?:more|greater|higher|above)|and (?:above|more)|or less))?"
)


_OR_BEYOND = re.compile(
    r"\s*(?:or|and)\s+(?P<dir>higher|greater|more|above|worse|lower|less|below|better)\b"
)
_HIGHER = frozenset({"higher", "greater", "more", "above", "worse"})


def _ecog(item: ItemText, m: re.Match[str]) -> Constraint | None:
    tail = item.norm[m.end() : m.end() + 40]
    v = _VALUES.match(tail)
    lost = False
    if re.match(r"^\s{2,}[0-4]\b(?!\s*(?:-|or\b|,|to\b|and\b))", item.text[m.end() : m.end() + 12]):
        v = None  # "performance status  2": the comparison sign was lost (NLI4CT)
    if not v:
        # NLI4CT lost the comparison sign: "performance status  2"
        lost_m = re.match(r"^\s{2,}(?P<v>[0-4])\b", item.text[m.end() : m.end() + 10])
        if not lost_m:
            return None
        value = int(lost_m.group("v"))
        end = m.end() + lost_m.end()
        params: dict[str, object] = {
            "scale": "ecog",
            "op": "<=",
            "value": value,
            "ecog_max": value,
            "allowed": list(range(value + 1)),
            "symbol_lost": True,
        }
        return make(item, FAMILY, m.start(), end, params, confidence=0.5)
    values = [int(x) for x in re.findall(r"[0-5]", v.group("v"))]
    op = to_op(v.group("op")) if v.group("op") else None
    end = m.end() + v.end()
    if op is None and len(values) == 1 and (after := _OR_BEYOND.match(tail[v.end() :])):
        # "ECOG of 3 or higher", "2 or less"
        op = ">=" if after.group("dir") in _HIGHER else "<="
        end += after.end()
    if op in ("<=", "<"):
        top = values[-1] - (1 if op == "<" else 0)
        allowed = list(range(top + 1))
    elif op in (">=", ">"):
        bottom = values[0] + (1 if op == ">" else 0)
        allowed = list(range(bottom, 5))
    elif re.search(r"-|to", v.group("v")) and len(values) == 2:
        allowed = list(range(values[0], values[1] + 1))
    else:
        allowed = sorted(set(values))
    if not allowed:
        return None
    params = {
        "scale": "ecog",
        "op": op or ("<=" if allowed[0] == 0 else "in"),
        "value": max(allowed),
        "ecog_max": max(allowed),
        "allowed": allowed,
    }
    if lost:
        params["symbol_lost"] = True
    # "ECOG performance status 2" with no comparison: most such lines lost a "<=" (NLI4CT)
    # or mean "up to 2", a few name the only grade a trial takes; too weak for a "not met"
    single = op is None and len(values) == 1 and allowed[0] != 0
    return make(item, FAMILY, m.start(), end, params, confidence=0.5 if single else 0.95)


def _kps(item: ItemText, m: re.Match[str]) -> Constraint | None:
    tail = item.norm[m.end() : m.end() + 40]
    v = _KVALUE.match(tail)
    if not v:
        lost_m = re.match(r"^\s{2,}(?P<v>\d{2,3})\b", item.text[m.end() : m.end() + 10])
        if lost_m:
            value = int(lost_m.group("v"))
            return make(
                item,
                FAMILY,
                m.start(),
                m.end() + lost_m.end(),
                {
                    "scale": "karnofsky",
                    "op": ">=",
                    "value": value,
                    "karnofsky_min": value,
                    "symbol_lost": True,
                },
                confidence=0.5,
            )
        return None
    value = int(v.group("v"))
    if not 0 <= value <= 100:
        return None
    op = to_op(v.group("op")) if v.group("op") else None
    if op is None and v.group("post"):
        op = "<=" if "less" in v.group("post") else ">="
    op = op or ">="
    params: dict[str, object] = {"scale": "karnofsky", "op": op, "value": value}
    if op in (">=", ">"):
        params["karnofsky_min"] = value if op == ">=" else value + 1
    return make(item, FAMILY, m.start(), m.end() + v.end(), params, confidence=0.9)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    out: list[Constraint] = []
    for m in _KPS.finditer(norm):
        if c := _kps(item, m):
            out.append(c)
    for m in _ECOG.finditer(norm):
        if m.group(0).strip() == "who" and "performance" not in norm[m.start() : m.end() + 20]:
            continue
        if (
            m.group(0).strip() == "ps"
            and not re.search(r"\bperformance|\becog", norm)
            and not re.match(r"\s*[0-4]", norm[m.end() :])
        ):
            continue
        if (c := _ecog(item, m)) and not any(o.span[0] <= c.span[0] < o.span[1] for o in out):
            out.append(c)
    if out:
        return out[:2]
    label = item.context.lower().rsplit(" | ", 1)[-1].strip()
    if (label == "performance status" or re.search(r"\bperformance status\b", norm)) and re.search(
        r"\bnot specified\b", norm
    ):
        return [make(item, FAMILY, 0, len(norm), {"no_restriction": True}, confidence=0.8)]
    return []
