# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Text helpers shared by the rule components: normalisation that keeps offsets,
numbers, comparison operators, time windows, clause boundaries and polarity.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Literal

from osteotrials.criteria import _build
from osteotrials.model.criteria import ItemKind, Polarity, TimeWindow
from osteotrials.vocab._regex import AnchorIndex, gate

# ---------------------------------------------------------------- normalisation
_SAME_LENGTH = str.maketrans(
    {
        "\\": " ",  # markdown escapes (\>, \<, \[) keep their offsets
        "\u2264": "≤",
        "\u2265": "≥",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "μ": "u",
        "µ": "u",
        "×": "x",
        "⁰": "0",
        "¹": "1",
        "²": "2",
        "³": "3",
        "⁴": "4",
        "⁵": "5",
        "⁶": "6",
        "⁷": "7",
        "⁸": "8",
        "⁹": "9",
    }
)


def normalise(text: str) -> str:
    """Lower-cased text of exactly the same length (offsets stay valid)."""
    if text.isascii() and "\\" not in text:
        # every character the replacements and ``_SAME_LENGTH`` change is a backslash
        # or not ASCII: the same result, without the per-character translation
        return text.lower()
    text_ = text.replace("=\\<", "=< ").replace("=\\>", "=> ")
    out = text_.translate(_SAME_LENGTH).lower()
    if len(out) != len(text):  # pragma: no cover - a translation changed length
        return text.lower()
    return out


# ---------------------------------------------------------------- numbers
WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "a single": 1,
    "single": 1,
}
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
WORD_NUM = r"(?:" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")"
NUM_ANY = rf"(?:{NUM}|{WORD_NUM})"


def to_number(token: str) -> float | None:
    token = token.strip().lower()
    token = re.sub(r"\s*\(\d+\)$", "", token)
    if token in WORD_NUMBERS:
        return float(WORD_NUMBERS[token])
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


# ---------------------------------------------------------------- operators
Op = Literal[">=", ">", "<=", "<", "=", "range"]

#: phrase (regex, on normalised text) -> operator. Order matters: longest first.
OPERATORS: list[tuple[str, Op]] = [
    (
        r"> or =|greater than ?/ ?equal to|> than or equal to|equal or >|superior or equal to|> or equal to|>or equal to|greater or equal(?: to)?|greater than or equal to|greater than or equal|more than or equal to|higher than or equal to|equal to or (?:greater|more|higher) than|equal or (?:greater|superior) to|at least|no less than|not less than|minimum(?: of)?|≥|>=|=>|> =|⩾|>/=|or more",
        ">=",
    ),
    (
        r"< or =|less than ?/ ?equal to|< than or equal to|equal or <|inferior or equal to|< or equal to|<or equal to|less or equal(?: to)?|less than or equal to|less than or equal|lower than or equal to|equal to or (?:less|lower) than|equal or (?:less|inferior) to|no (?:more|greater|higher) than|not (?:more|greater|higher) than|not exceeding|not to exceed|not exceed|does not exceed|maximum(?: of)?|up to|within|≤|<=|=<|< =|⩽|</=|or less",
        "<=",
    ),
    (r"greater than|more than|higher than|above|exceeding|exceeds|over|superior to|>", ">"),
    (r"less than|lower than|below|under|inferior to|<", "<"),
    (r"equal to|=", "="),
]
OP_RE = "|".join(f"(?:{p})" for p, _ in OPERATORS)
_OP_COMPILED = [(re.compile(rf"^(?:{p})$"), op) for p, op in OPERATORS]


def to_op(phrase: str) -> Op | None:
    phrase = re.sub(r"\s+", " ", phrase.strip().lower())
    for pattern, op in _OP_COMPILED:
        if pattern.match(phrase):
            return op
    return None


def flip(op: Op) -> Op:
    return {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "=", "range": "range"}[op]  # type: ignore[return-value]


# ---------------------------------------------------------------- time windows
_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
TIME_UNIT = r"(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)"


def unit_name(token: str) -> Literal["days", "weeks", "months", "years"]:
    t = token.lower()
    if t.startswith("d"):
        return "days"
    if t.startswith("w"):
        return "weeks"
    if t.startswith("m"):
        return "months"
    return "years"


_WITHIN = re.compile(
    rf"(?P<rel>within(?: the)?(?: (?:last|past|previous|prior))?|in (?:the )?(?:last|past|previous|prior)|during the (?:last|past|previous|prior)|<|≤|less than|fewer than|no more than)\s*(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\b"
)
_ATLEAST = re.compile(
    rf"(?P<rel>at least|greater than or equal to|more than or equal to|equal to or (?:greater|more) than|\(?>/=\)?|=>|≥|>=|>|more than|greater than|minimum of|a minimum of|no less than|no sooner than)\s*(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\b"
)
_BARE_PRIOR = re.compile(
    rf"(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\s+(?:prior to|before|of|preceding|from)\b"
)
#: a bare "N weeks since ...": a time elapsed, at least that long ("Must be 4 weeks since all
#: of the following treatments", "chemotherapy (  6 weeks since therapy if a nitrosourea"
#: with its "≥" lost); a bound before it ("less than 3 weeks since") starts earlier and wins
_BARE_SINCE = re.compile(
    rf"(?<![\w.])(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\s+since\b"
)
#: a comparison the window patterns do not read, just before a bare "N weeks since"
_COMPARED_BEFORE = re.compile(r"(?:\bthan|\bto|\bup to|[<>≤≥=])\s*$")
#: the first number of a range ("between 3-12 weeks from completion of ...")
_RANGE_BEFORE = re.compile(r"(?:\d\s*(?:-|–|to|and)|\bbetween)\s*$")
#: the end of a treatment after a bare "N weeks from"
_END_OF_AFTER = re.compile(
    r"\s+(?:the\s+)?(?:completion|end|last\s+(?:dose|administration|fraction|cycle))\s+of\b"
)
#: a completion just before a bare "N weeks prior to" makes it a time since the end, with
#: nothing but the words of one clause between (not "complete staging workup 8 weeks prior")
_COMPLETED_BEFORE = re.compile(
    r"\b(?:completed?|administered|last (?:dose|fraction|administration)|discontinued|stopped|"
    r"ended)\b[^.;]*$"
)
#: ... of a therapy, not of tests ("EKG within normal limits completed 22 days prior")
_NOT_THERAPY_TIMING = re.compile(
    r"\b(?:workup|work-up|staging|scans?|imaging|tests?|abstinence|biopsy|evaluations?|"
    r"assessments?|up to|within|between|ekg|ecg|echocardiogram|muga|lvef|labs?|laboratory|"
    r"x-?rays?|mri|ct)\b"
)
_ANCHOR = re.compile(
    r"(?:prior to|before|of|from|preceding|since)\s+(?:the\s+)?(?:start of\s+)?(?P<a>randomi[sz]ation|registration|enrol?l?ment|study entry|entry|(?:the\s+)?first dose|day 1|study (?:drug|treatment|start)|treatment start|initiation|screening|consent|inclusion)"
)


_HAS_TIME = re.compile(r"\b(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\b")
#: strings one of which every match of ``_HAS_TIME`` contains: an item text without any
#: has no time window in any of its slices (``ItemText.time_window`` skips the search);
#: an anchor index, so the test reads the token mask the item's gates computed already
_TIME_LITERALS = AnchorIndex([gate(_HAS_TIME.pattern)])


def find_time_window(norm: str, original: str) -> TimeWindow | None:
    """First time condition in ``norm`` (normalised text), or None."""
    found = _first_time_window(norm, original)
    return found[2] if found else None


def _first(found: tuple[int, int, TimeWindow]) -> int:
    return found[0]


def find_time_windows(norm: str, original: str) -> list[tuple[int, int, TimeWindow]]:
    """Every time condition in ``norm``, in order, each with its start and end (as
    ``find_time_window`` reads them, each searched from where the previous one ended, with
    the text before it as its context)."""
    out: list[tuple[int, int, TimeWindow]] = []
    at = 0
    while found := _first_time_window(norm, original, at):
        out.append(found)
        at = max(found[1], found[0] + 1)
    return out


#: a bare length that names its own agents, in a parenthesis or a list: "(6 weeks for
#: nitrosoureas or mitomycin C)", "(last 6 weeks for nitrosureas/mitomycin)", "...; 1 week
#: for capecitabine)", "within two weeks, 4 weeks for nitrosoureas, mitomycin C"
_PAREN_LENGTH = re.compile(
    rf"(?:\(|[;,])\s*(?:the\s+)?(?:last\s+)?(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\s+(?=for\b|in case of\b)"
)


def paren_lengths(norm: str, original: str, relation: str) -> list[tuple[int, int, TimeWindow]]:
    """The bare lengths of ``_PAREN_LENGTH`` in ``norm``, each read as a window of
    ``relation`` (the rule's own: the parenthesis varies its length for some agents)."""
    out: list[tuple[int, int, TimeWindow]] = []
    for m in _PAREN_LENGTH.finditer(norm):
        length = length_of(m)
        if length is None:
            continue
        n, unit, days = length
        window = _build.time_window(
            relation, n, unit, days, None, original[m.start("n") : m.end("u")]
        )
        out.append((m.start("n"), m.end("u"), window))
    return out


def length_of(
    m: re.Match[str],
) -> tuple[float, Literal["days", "weeks", "months", "years"], float] | None:
    """The number, unit and days of a match with groups ``n`` and ``u`` (None: no number)."""
    n = to_number(m.group("n"))
    if n is None:
        return None
    unit = unit_name(m.group("u"))
    return n, unit, round(n * _UNIT_DAYS[unit[:-1]], 2)


def _first_time_window(norm: str, original: str, at: int = 0) -> tuple[int, int, TimeWindow] | None:
    """The first time condition in ``norm`` from position ``at``, with its span, or None."""
    if not _HAS_TIME.search(norm, at):
        return None
    best: tuple[int, int, TimeWindow] | None = None
    for pattern, rel in (
        (_WITHIN, "within"),
        (_ATLEAST, "at_least"),
        (_BARE_PRIOR, "within"),
        (_BARE_SINCE, "at_least"),
    ):
        if pattern is _BARE_SINCE and "since" not in norm:
            continue  # most windows: no regex scan for a word the text does not hold
        m = pattern.search(norm, at)
        if not m:
            continue
        if pattern is _BARE_SINCE and _COMPARED_BEFORE.search(
            norm, max(0, m.start() - 30), m.start()
        ):
            continue  # "It had not been longer than 84 days since the date of surgery"
        length = length_of(m)
        if length is None:
            continue
        n, unit, days = length
        relation: Literal["within", "at_least", "more_than", "less_than"] = (
            "within" if rel == "within" else "at_least"
        )
        if rel == "at_least" and m.groupdict().get("rel") in {">", "more than", "greater than"}:
            relation = "more_than"
        if rel == "within" and m.groupdict().get("rel") in {"<", "less than", "fewer than"}:
            relation = "less_than"
        if (
            pattern is _BARE_PRIOR
            and not m.group(0).endswith((" of", " from"))  # "completed 5 years of exemestane"
            and _COMPLETED_BEFORE.search(norm, max(0, m.start() - 70), m.start())
            and not _NOT_THERAPY_TIMING.search(norm, max(0, m.start() - 70), m.start())
        ):
            # "must have completed all prior radiotherapy  3 weeks prior to registration"
            # (the "≥" lost), "discontinued 2 weeks before": a time since the end
            relation = "at_least"
        if (
            pattern is _BARE_PRIOR
            and m.group(0).endswith(" from")
            and _END_OF_AFTER.match(norm, m.end())
            and not _COMPARED_BEFORE.search(norm, max(0, m.start() - 30), m.start())
            and not _RANGE_BEFORE.search(norm, max(0, m.start() - 30), m.start())
        ):
            # "4 weeks from completion of chemotherapy or radiation therapy": a time since
            # the end (read as within, it required a course in the last 4 weeks)
            relation = "at_least"
        anchor_m = _ANCHOR.search(norm, m.end(), m.end() + 60)
        tw = _build.time_window(
            relation,
            n,
            unit,
            days,
            anchor_m.group("a") if anchor_m else None,
            original[m.start() : m.end()],
        )
        if best is None or m.start() < best[0]:
            best = (m.start(), m.end(), tw)
    return best


# ---------------------------------------------------------------- item context
_NEGATION_START = re.compile(
    r"^\W*(?!no (?:more|less|greater|longer|later|fewer) than|not (?:more|less|greater|longer|later|fewer) than)(?:no|not|none|without|never|absence of|absent|free of|lack of|must not|should not|cannot|no evidence of|no history of|no known|no prior|no previous)\b"
)
_NEG_BEFORE = re.compile(
    r"(?:\bno(?! (?:more|less|greater|longer|later|fewer) than)|\bnot|\bwithout|\bnever|\babsence of|\bfree of|\bmust not have|\bhas not|\bhave not|\bhad not|\bnor|\bno evidence of|\bnegative for|\blacking|\black of)\b[^.;:]{0,50}$"
)
_PERMISSIVE = re.compile(
    r"\b(?:(?:is|are|will be|be|is also|are also) (?:allowed|permitted|acceptable|eligible)|allowed|permitted|(?:may|can) (?:be (?:enrolled|included|eligible|accrued|currently receiving|receiving|continued)|participate|have|enroll|receive|continue|(?:also )?be initiated)|eligible if|eligible provided|acceptable|are not excluded|will not be excluded|is not an exclusion|are eligible|is eligible|including (?:patients|those|participants|subjects) with|(?:are|is) not (?:required|mandatory|necessary|obligatory)|(?:does|do) not need to|need not)\b"
)
_UNFIT_FOR = (
    r"(?! (?:to receive|to undergo|for (?:chemotherapy|surgery|radiotherapy|radiation|transplant"
    r"|(?:standard|curative|endocrine|hormonal|local|systemic|further) (?:therapy|treatment))))"
)
_NOT_ELIGIBLE = re.compile(
    # "ineligible to receive such therapy", "not eligible for chemotherapy": unfit for a
    # treatment, not barred from the study
    rf"\b(?:not (?:be )?eligible{_UNFIT_FOR}|ineligible{_UNFIT_FOR}|(?:is|are|will be) excluded|not (?:be )?allowed|not permitted|prohibited|not acceptable|may not (?:participate|enroll|be enrolled)|must not(?! exceed| be (?:more|greater|higher) than))\b"
)
#: a verdict that bars ("are not eligible", "is excluded", "not permitted"), for components
#: that read it at a position of their own
NOT_ELIGIBLE = _NOT_ELIGIBLE
_NO_LIMIT = re.compile(
    r"\bno (?:limits?|limitations?|restrictions?|maximum|upper limit) (?:on|for|to|of|regarding|as to|in)\b"
)
_EITHER_OR_NOT = re.compile(r"\beither\b[^.;]{0,120}\bor not\b")
_NOT_GIVEN_AFTER = re.compile(
    r"\s*(?:has|have|had|was|were)\s+(?:not|never)\s+(?:been\s+)?(?:given|received|administered|used|taken|prescribed)\b"
)
_NOTE_AFTER = re.compile(r"\*?\s+\*?\s*note:")
_PARENS = re.compile(r"\([^()]*\)")
_CLAUSE_LEFT = re.compile(r"[.;]\s+(?=[a-z(])|;\s*")
_CLAUSE_RIGHT = re.compile(r"[.;]\s")
_CLAUSE_BREAK = re.compile(r"[.;]\s|\s(?:however|but|except|unless|provided)\b|\(")


def _blank(m: re.Match[str]) -> str:
    return " " * (m.end() - m.start())


@dataclass
class ItemText:
    """One item as the rule components see it."""

    text: str
    start: int  # offset of ``text`` in the original criteria
    kind: ItemKind
    context: str = ""  # normalised section / parent labels
    norm: str = field(init=False)
    #: per-item memo shared by components (e.g. therapy mentions)
    memo: dict[str, Any] = field(default_factory=dict)
    #: clause bounds and polarities already computed (pure functions of the text)
    _bounds: dict[int, tuple[int, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _polarity: dict[tuple[int, int | None], Polarity] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: clause bounds -> (its text with parentheses blanked, its permissive verdict)
    _clauses: dict[tuple[int, int], tuple[str, Polarity | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: (a, b) -> time window of norm[a:b] (pure function of the slice)
    _windows: dict[tuple[int, int], TimeWindow | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: ends of the ``_CLAUSE_LEFT`` matches of the whole ``norm`` (None until first asked)
    _left_ends: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    #: whether ``norm`` holds one of ``_TIME_LITERALS`` (None until first asked)
    _timed: bool | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)

    def span(self, a: int, b: int) -> tuple[int, int]:
        return (self.start + a, self.start + b)

    def clause_bounds(self, pos: int) -> tuple[int, int]:
        """Start and end of the clause (sentence/semicolon) around local position ``pos``."""
        found = self._bounds.get(pos)
        if found is None:
            found = self._bounds[pos] = self._clause_bounds(pos)
        return found

    def _clause_bounds(self, pos: int) -> tuple[int, int]:
        norm = self.norm
        if not 0 <= pos <= len(norm):  # slices with negative or large ends: as written
            left = 0
            for m in _CLAUSE_LEFT.finditer(norm[:pos]):
                left = m.end()
            m2 = _CLAUSE_RIGHT.search(norm[pos:])
            return left, (pos + m2.start() if m2 else len(norm))
        # ``endpos``/``pos`` arguments search exactly as the slices norm[:pos] / norm[pos:] would.
        # The matches of the whole text that end before ``pos`` are matches of the search up
        # to ``pos`` too (the engine read no character at or past ``pos`` for them, nor for
        # the positions it failed at before them), so that search resumes after the last.
        ends = self._left_ends
        if ends is None:
            ends = self._left_ends = [m.end() for m in _CLAUSE_LEFT.finditer(norm)]
        k = bisect_left(ends, pos)
        left = ends[k - 1] if k else 0
        for m in _CLAUSE_LEFT.finditer(norm, left, pos):
            left = m.end()
        m2 = _CLAUSE_RIGHT.search(norm, pos)
        return left, (m2.start() if m2 else len(norm))

    def polarity(self, pos: int, end: int | None = None) -> Polarity:
        """Polarity of a mention at local position ``pos`` (its clause decides)."""
        key = (pos, end)
        found = self._polarity.get(key)
        if found is None:
            found = self._polarity[key] = self._polarity_of(pos, end)
        return found

    def _clause(self, left: int, right: int) -> tuple[str, Polarity | None]:
        """The clause norm[left:right] with parentheses blanked, and "allow"/"exclude"
        when it is permissive ("... is allowed"), else None (shared by its mentions)."""
        key = (left, right)
        found = self._clauses.get(key)
        if found is None:
            clause = _PARENS.sub(_blank, self.norm[left:right])
            verdict: Polarity | None = None
            if _NO_LIMIT.search(clause):
                # "No limitations for prior radiotherapy", "No limit on prior lines of
                # systemic therapy": read with the "no" as a negation, an exclusion
                verdict = "allow"
            elif _PERMISSIVE.search(clause) and not _NOT_ELIGIBLE.search(clause):
                # "No prior X is allowed" forbids X
                verdict = "exclude" if _NEGATION_START.search(clause) else "allow"
            found = self._clauses[key] = (clause, verdict)
        return found

    def _polarity_of(self, pos: int, end: int | None) -> Polarity:
        left, right = self.clause_bounds(pos)
        clause, verdict = self._clause(left, right)
        if verdict is not None:
            return verdict
        if _EITHER_OR_NOT.search(clause):
            return "allow"  # "either have received ... or not": both are eligible
        if end is not None and end > right:
            # a span of several mentions that runs past its first sentence ("doxorubicin, ...
            # or streptozocin are not allowed. Chemotherapy agents ..."): the verdict of the
            # sentence it starts in is read from its start
            end = pos
        if clause[pos - left : pos - left + 1] != " " or self.norm[pos : pos + 1] == " ":
            # outside any parenthesis: what a parenthesis says ("(NOTE: patients with HER2+
            # disease are excluded)") is not said of this mention
            before = clause[: pos - left]
            after = clause[(end or pos) - left :]
        else:
            before = self.norm[left:pos]
            after = self.norm[(end or pos) : right]
        if self.kind == "exclusion":
            return "exclude"
        if "note:" in clause:
            # "Bone-only disease* NOTE: *Patients with nonmeasurable disease that does not
            # include bone are not eligible": what a note bars is not this mention
            after = _NOTE_AFTER.split(after, 1)[0]
            clause = _NOTE_AFTER.split(clause, 1)[0]
        negated = bool(_NEGATION_START.search(before) or _NEG_BEFORE.search(before))
        if (
            _NOT_ELIGIBLE.search(after)
            or (not before.strip() and _NOT_ELIGIBLE.search(clause))
            # "Chemotherapy has not been given for metastatic disease"
            or _NOT_GIVEN_AFTER.match(after)
        ):
            negated = not negated
        return "exclude" if negated else "require"

    def parenthesis_verdict(self, pos: int) -> Polarity | None:
        """ "allow" (or "exclude" for "no ... is allowed") when local position ``pos`` lies in
        a permissive parenthesis: "ECOG 0-1 (ECOG 2 will be allowed if ...)" decides for
        what it names, though the clause around it is read with the parenthesis blanked."""
        norm = self.norm
        opened = norm.rfind("(", 0, pos)
        if opened < 0 or norm.find(")", opened, pos) >= 0:
            return None
        closed = norm.find(")", pos)
        inner = norm[opened + 1 : closed if closed >= 0 else len(norm)]
        if _PERMISSIVE.search(inner) and not _NOT_ELIGIBLE.search(inner):
            return "exclude" if _NEGATION_START.search(inner) else "allow"
        return None

    def time_window(self, a: int = 0, b: int | None = None) -> TimeWindow | None:
        timed = self._timed
        if timed is None:
            timed = self._timed = bool(_TIME_LITERALS.mask(self.norm))
        if not timed:
            return None  # no slice of the text holds a time word
        b = len(self.norm) if b is None else b
        key = (a, b)
        if key in self._windows:
            found = self._windows[key]
            # each constraint gets its own object, as when it was computed afresh
            return _build.copy_time_window(found) if found is not None else None
        found = self._windows[key] = find_time_window(self.norm[a:b], self.text[a:b])
        return _build.copy_time_window(found) if found is not None else None

    def time_windows(
        self, a: int, b: int, relation: str | None = None
    ) -> list[tuple[int, int, TimeWindow]]:
        """Every time condition between local positions ``a`` and ``b``, each with its local
        start and end (``find_time_windows``), in order; with ``relation``, also the bare
        lengths in parentheses read as windows of that relation (``paren_lengths``). Not
        cached (rules with several agents)."""
        norm, text = self.norm[a:b], self.text[a:b]
        found = find_time_windows(norm, text)
        if relation is not None:
            taken = [(s, e) for s, e, _w in found]
            found += [
                w
                for w in paren_lengths(norm, text, relation)
                if not any(s < w[1] and w[0] < e for s, e in taken)
            ]
        return [(a + start, a + end, window) for start, end, window in sorted(found, key=_first)]
