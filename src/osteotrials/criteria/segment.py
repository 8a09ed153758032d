# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Segmentation: criteria text -> items with kind, section, cohort, nesting and exact spans.

Handles API v2 markdown (``* `` bullets, two-space nesting, ``1.`` numbering,
markdown escapes), legacy ``-``/``•``/``o`` lists, lettered sub-items, NCI-style
section headers ("DISEASE CHARACTERISTICS:"), short labels ("Hepatic:",
"Age:") whose following items inherit them, cohort/phase headers ("For phase II
only:", "Cohort A:"), notes, and inline numbered lists ("1. ... 2. ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from osteotrials.model.criteria import ItemKind, ItemRole

_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>\\?[*\-•·◦▪o+]|\d{1,2}\s?\\?[.)](?!\d)|\(\d{1,2}\)|[a-zA-Z]\s?[.)](?=\s)|\([a-zA-Z]\)|(?:i{1,3}|iv|v|vi{1,3})[.)])[ \t]+(?=\S)"
)
_KIND_HEADER = re.compile(
    r"^\W*(?:(?:key|main|major|general|additional|other|specific|patient|subject|study|"
    r"procurement|disease[- ]specific|[\w-]+)\s+){0,3}"
    r"(?P<kind>inclusion|exclusion|eligibility|ineligibility)\b[^\n]{0,140}$",
    re.IGNORECASE,
)
#: "Inclusion Criteria: <first criterion>" written on one line.
_INLINE_AFTER_KIND_HEADER = re.compile(
    r"^(?P<head>\W*(?:[\w-]+\s+){0,3}(?:inclusion|exclusion|eligibility|ineligibility)"
    r"(?:\s+criteria)?\s*(?:\([^)]*\))?\s*:)\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_EMPTY_REST = re.compile(
    r"^\W*(?:none|n/?a|not applicable|see (?:below|above))\W*$|^\s*\([^)]*\)\s*$", re.I
)
#: inline "- a - b" bullets after a header; text without bullets is one item
_INLINE_BULLET = re.compile(r"(?:^|(?<=\s))(?:[-*•]\s+)?(?P<item>(?:(?!\s[-*•]\s).)+)")
_OTHER_CRITERIA = re.compile(
    r"^\W*other\b.{0,40}\b(?:inclusion|exclusion|eligibility)\b.{0,40}\bcriteria\b"
    r".{0,40}\b(?:apply|applies|protocol)\b",
    re.IGNORECASE,
)
_NCI_SECTION = re.compile(r"^(?P<head>[A-Z][A-Z /&,\-()]{3,60}):\s*(?P<rest>.*)$")
_COHORT = re.compile(
    r"^(?P<cohort>(?:for\s+|in\s+)?(?:the\s+)?(?:(?:phase|cohort|arm|part|stage|group|sub-?study|"
    r"dose[- ]escalation|dose[- ]expansion|expansion|escalation|safety run-in|run-in)\b"
    r"[^:.]{0,90}?|(?:for|in)\s+(?:patients|participants|subjects|women|men)\b[^:.]{0,90}?))"
    r"(?:\s+only)?\s*:\s*",
    re.IGNORECASE,
)
_COHORT_COMMA = re.compile(
    r"^(?P<cohort>(?:for|in)\s+(?:the\s+)?(?:phase|cohort|arm|part|stage|group)\s*[\w/.-]{1,12}(?:\s+(?:only|patients|portion|part))?)\s*,\s+",
    re.IGNORECASE,
)
#: "Progression following at least 6 weeks of ... Herceptin (Arm A only)", "(ARM A ONLY)
#: Interval between ...": a cohort named in a parenthesis at either end of the item
_COHORT_PAREN = re.compile(
    r"^\((?P<lead>(?:phase|cohort|arm|part|group|stage)\s*[\w/.-]{1,12}(?:\s+(?:and|or|&)\s+[\w/.-]{1,12})?\s+only)\)"
    r"|\((?P<trail>(?:phase|cohort|arm|part|group|stage)\s*[\w/.-]{1,12}(?:\s+(?:and|or|&)\s+[\w/.-]{1,12})?\s+only)\)\W*$",
    re.IGNORECASE,
)
_NOTE = re.compile(r"^\W*(?:note|nb|n\.b\.)\b\s*[:.-]?", re.IGNORECASE)
_INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)(?P<n>\d{1,2})\s?\\?\.\s+(?=[A-Z(])")
#: short labels that head the items below them even without a colon
_KNOWN_LABELS = re.compile(
    r"^(?:age|sex|gender|menopausal status|performance status|life expectancy|hematopoietic|"
    r"haematopoietic|hematologic|hematological|haematological|hepatic|renal|cardiovascular|"
    r"cardiac|pulmonary|other|biologic therapy|chemotherapy|endocrine therapy|hormonal therapy|"
    r"radiotherapy|surgery|prior concurrent therapy|patient characteristics|disease characteristics|"
    r"hormone receptor status|neurologic|gastrointestinal|immunologic|metabolic|"
    r"laboratory values?|organ function|bone marrow|liver|kidney|coagulation)\s*:?$",
    re.IGNORECASE,
)


@dataclass
class Segment:
    text: str
    start: int
    end: int
    kind: ItemKind
    role: ItemRole
    section: list[str] = field(default_factory=list)
    cohort: str | None = None
    depth: int = 0
    parent: int | None = None
    label: str | None = None

    def context(self, segments: list[Segment]) -> str:
        parts = [*self.section]
        if self.label:
            parts.append(self.label)
        if self.parent is not None:
            parts.append(segments[self.parent].text)
        return " | ".join(parts)


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        out.append((pos, line))
        pos += len(raw)
    return out


def _split_inline_numbers(content: str) -> list[tuple[int, str]]:
    """Split "1. a 2. b 3. c" written on one line; else return the whole content."""
    if content.count(".") < 2:  # every number mark holds a "."; two marks are needed
        return [(0, content)]
    marks = list(_INLINE_NUMBER.finditer(content))
    if len(marks) < 2:
        return [(0, content)]
    numbers = [int(m.group("n")) for m in marks]
    chain = [marks[0]]
    for prev, m, n in zip(numbers, marks[1:], numbers[1:], strict=False):
        if n == prev + 1:
            chain.append(m)
        else:
            break
    if len(chain) < 2:
        return [(0, content)]
    pieces: list[tuple[int, str]] = []
    first = chain[0].start()
    if content[:first].strip():
        pieces.append((0, content[:first]))
    for i, m in enumerate(chain):
        end = chain[i + 1].start() if i + 1 < len(chain) else len(content)
        pieces.append((m.end(), content[m.end() : end]))
    return pieces


def _trim(text: str, start: int) -> tuple[str, int, int]:
    """Strip whitespace (keeping offsets) and return (text, start, end)."""
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    return body, start + lead, start + lead + len(body)


def _is_label(content: str) -> bool:
    body = content.strip()
    if _KNOWN_LABELS.match(body):
        return True
    if not body.endswith(":"):
        return False
    words = body[:-1].split()
    return 0 < len(words) <= 4 and not re.search(r"\d", body)


def segment(text: str | None) -> list[Segment]:
    """Split criteria text into segments (criteria, headers, notes) with exact spans."""
    if not text:
        return []
    segments: list[Segment] = []
    kind: ItemKind = "inclusion"
    section: list[str] = []
    cohort: str | None = None
    label: str | None = None
    label_depth = 0
    indents: list[int] = []

    def add(body: str, start: int, depth: int, role: ItemRole) -> None:
        nonlocal cohort
        body, s, e = _trim(body, start)
        if not body:
            return
        item_cohort = cohort
        m = (_COHORT.match(body) or _COHORT_COMMA.match(body)) if role == "criterion" else None
        if m and len(body) > m.end() + 3:
            item_cohort = m.group("cohort").strip()
        elif role == "criterion" and "only)" in body.lower() and (pm := _COHORT_PAREN.search(body)):
            item_cohort = (pm.group("lead") or pm.group("trail")).strip()
        parent = None
        if depth > 0:  # only nested items have a parent
            for j in range(len(segments) - 1, -1, -1):
                if segments[j].depth < depth and segments[j].kind == kind:
                    parent = j
                    break
        if role == "criterion" and _NOTE.match(body):
            role = "note"
        segments.append(
            Segment(
                text=body,
                start=s,
                end=e,
                kind=kind,
                role=role,
                section=list(section),
                cohort=item_cohort,
                depth=depth,
                parent=parent,
                label=label if depth >= label_depth else None,
            )
        )

    for offset, line in _lines(text):
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            content_start = offset + bullet.end()
            content = line[bullet.end() :]
        else:
            indent = len(line) - len(line.lstrip())
            content_start = offset + indent
            content = line[indent:]
        # depth from the indents seen so far
        while indents and indents[-1] > indent:
            indents.pop()
        if not indents or indents[-1] < indent:
            indents.append(indent)
        depth = len(indents) - 1 if bullet else 0
        if not bullet:
            indents = [indent]
        stripped = content.strip()

        if _OTHER_CRITERIA.match(stripped):
            # "Other protocol-defined inclusion/exclusion criteria may apply": not a
            # header but a warning that the list is incomplete, kept as an item.
            add(stripped, content_start, depth, "criterion")
            continue
        kh = _KIND_HEADER.match(stripped)
        if (
            kh
            and len(stripped) < 150
            and (
                not bullet
                or stripped.endswith(":")
                or re.fullmatch(
                    r"\W*(?:key\s+|main\s+)?(?:inclusion|exclusion) criteria\W*", stripped, re.I
                )
            )
        ):
            word = kh.group("kind").lower()
            low = stripped.lower()
            if "inclusion" in low and "exclusion" in low:
                pass
            elif word in ("exclusion", "ineligibility"):
                kind = "exclusion"
            elif word == "inclusion":
                kind = "inclusion"
            section, label = [], None
            cm = re.search(r"\b(?:for|in)\b\s+(.*?)\s*:?\s*$", stripped, re.IGNORECASE)
            cohort = (
                cm.group(1)
                if cm
                and re.search(
                    r"cohort|arm|part|phase|stage|sub-?study|group|combination|patients|women|men",
                    cm.group(1),
                    re.IGNORECASE,
                )
                else None
            )
            inline = _INLINE_AFTER_KIND_HEADER.match(stripped)
            rest = inline.group("rest") if inline else ""
            if rest and not rest.rstrip().endswith(":") and not _EMPTY_REST.match(rest):
                # "Inclusion Criteria: - Histologically confirmed ..." : the first
                # criterion shares the header's line and must not be lost with it.
                assert inline is not None
                add(inline.group("head"), content_start, 0, "header")
                segments[-1].kind = kind
                rest_start = inline.start("rest")
                for found in _INLINE_BULLET.finditer(rest):
                    add(
                        found.group("item"),
                        content_start + rest_start + found.start("item"),
                        0,
                        "criterion",
                    )
                continue
            add(stripped, content_start, 0, "header")
            segments[-1].kind = kind
            continue

        nci = _NCI_SECTION.match(stripped)
        if (
            nci
            and nci.group("head").strip().upper() == nci.group("head").strip()
            and len(nci.group("head").split()) >= 2
        ):
            head = nci.group("head").strip()
            section, label = [head], None
            add(head + ":", content_start, 0, "header")
            rest = nci.group("rest")
            if rest.strip():
                add(rest, content_start + nci.start("rest"), 0, "criterion")
            continue

        if (
            not bullet
            and not stripped.endswith(":")
            and re.match(r"^(?:for|in)\s+(?:the\s+)?(?:\w+\s+){0,12}\w+$", stripped, re.IGNORECASE)
            and len(stripped) < 120
            and not re.search(r"[.;]", stripped)
        ):
            cohort = stripped
            add(stripped, content_start, 0, "header")
            continue

        if _is_label(stripped):
            label = stripped.rstrip(":").strip()
            label_depth = depth
            if not bullet and _COHORT.match(stripped):
                cohort = stripped.rstrip(":").strip()
            add(stripped, content_start, depth, "header")
            continue

        if not bullet and stripped.endswith(":") and len(stripped) < 160:
            cm = _COHORT.match(stripped)
            if cm:
                cohort = cm.group("cohort").strip()
            label = stripped.rstrip(":").strip()
            label_depth = 0
            add(stripped, content_start, 0, "header")
            continue

        for rel, piece in _split_inline_numbers(content):
            add(piece, content_start + rel, depth, "criterion")
    return segments
