# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Cardiac: LVEF and QTc thresholds, NYHA class, myocardial infarction, angina,
arrhythmia, heart failure, uncontrolled hypertension, ECG abnormalities."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import (
    MultiPattern,
    make,
    named_as_not_measurable,
    runs_between,
    uncontrolled_near,
)
from osteotrials.criteria.text import NUM, OP_RE, ItemText, to_number, to_op
from osteotrials.model.criteria import Constraint, Polarity

FAMILY = "cardiac"
_LVEF = re.compile(
    r"\b(?:lvef|left ventricular ejection fraction|ejection fraction|lv ejection fraction|\bef\b)(?:\s*\((?:lvef|ef)\))?"
)
_QTC = re.compile(
    r"\b(?:qtcf?|qtcb|qt interval corrected|corrected qt(?: interval)?|qt/qtc|qtc interval|qt interval)\b(?:\s*\(qtcf?\))?(?:\s+interval)?"
)
_VALUE = re.compile(
    rf"(?P<op>{OP_RE})?\s*(?:the\s+)?(?P<n>{NUM})\s*(?P<u>%|percent|ms|msec|milliseconds)?(?P<post>\s*(?:or|and)\s+(?:more|greater|higher|above|less|lower|below))?"
)
_LLN = re.compile(
    rf"(?P<op>{OP_RE})\s*(?:the\s+)?(?:institutional\s+)?(?:lower limits? of normal|lln|normal limits?|normal range)|within (?:the\s+)?(?:institutional\s+)?normal (?:limits|range)|\bnormal\b"
)
_CONDITIONS: list[tuple[str, str]] = [
    (
        "heart_failure",
        r"heart failure|\bchf\b|cardiac failure|ventricular dysfunction|cardiomyopathy",
    ),
    ("nyha", r"\bnyha\b|new york heart association"),
    ("myocardial_infarction", r"myocardial infarction|\bmi\b|heart attack|transmural infarction"),
    ("angina", r"angina"),
    (
        "arrhythmia",
        r"arrhythmi\w*|dysrhythmi\w*|atrial fibrillation|ventricular tachycardia|torsades?|av block|atrioventricular block|heart block|bradycardi\w*|tachycardi\w*|conduction",
    ),
    ("long_qt", r"long qt|qt prolongation|qtc prolongation"),
    ("coronary", r"coronary|\bstent\w*|angioplasty|cabg|bypass graft|revasculari\w*|occlusive"),
    ("hypertension", r"hypertens\w*|blood pressure|\bbp\b"),
    ("valvular", r"valvular|valve disease"),
    ("pericardial", r"pericardi\w*"),
    (
        "ecg",
        r"\becg\b|\bekg\b|electrocardiogram|\bp[rq] (?:\(p[qr]\) )?interval|pre-excitation|wolff",
    ),
    (
        "cardiac_disease",
        r"cardiac (?:disease|dysfunction|illness|condition|function|event|history|risk)|heart disease|cardiovascular (?:disease|event|condition)|cardiomegaly|cardiac toxicity|cardiotoxicity",
    ),
    ("heart_rate", r"heart rate"),
    (
        "cardiac_device",
        r"pacemakers?|(?:implant\w* (?:cardioverter[- ])?)?defibrillators?|\bicds?\b(?=\s+(?:generator|devices?|firing)|\s*[.,;]?\s*$)|(?:pacemakers?|defibrillators?)\b[^.;]{0,40}\bicds?\b",
    ),
]
_COMPILED = MultiPattern(_CONDITIONS)
#: "pleural or pericardial effusions", "effusions (peritoneal, pleural, pericardial)": a
#: pericardial effusion named with other serous effusions is a site of the cancer
#: (disease_sites), not a heart condition
_SEROUS_EFFUSIONS = re.compile(r"pleural|ascites|peritoneal|serous cavity|third[- ]space")
#: a pacemaker or defibrillator named as an implant that the study's imaging or device
#: cannot be used with ("contraindication to MRI ... pacemaker", "pacemakers ... not
#: compatible with CPX3") is a comorbidity of the procedure, not a heart condition
IMPLANT_CONTEXT = re.compile(
    r"\bmri\b|magnetic resonance|compatib\w*|metal\w*|implanted (?:electrical |electronic )?devices?|neurostimulat\w*|aneurysm clip|scanner|\bscan\b|electrode"
)
_DRUG_EFFECT = re.compile(
    r"(?:drugs?|medications?|agents?|medicines?)\s+(?:\w+\s+){0,5}?(?:known to|that|which|with)\s+(?:\w+\s+){0,4}?(?:cause|induce|prolong|risk (?:of|to induce|to cause))\w*\s+(?:\w+\s+){0,3}$"
)


def _measure(item: ItemText, m: re.Match[str], measure: str) -> dict[str, object] | None:
    tail = item.norm[m.end() : m.end() + 70]
    tail = re.sub(
        r"^\s*(?:\([^)]{0,30}\)\s*)?(?:of\s+|is\s+|must be\s+|by [a-z ]+ )?",
        lambda x: " " * len(x.group(0)),
        tail,
    )
    if (ll := _LLN.search(tail)) and ll.start() < 25:
        return {
            "measure": measure,
            "op": ">=" if measure == "lvef" else "<=",
            "value": None,
            "unit": "LLN" if measure == "lvef" else "ULN",
        }
    v = _VALUE.search(tail)
    if not v or v.start() > 40:
        return None
    n = to_number(v.group("n"))
    if n is None:
        return None
    if measure == "lvef" and not 10 <= n <= 100:
        return None
    if measure == "qtc" and not 300 <= n <= 600:
        return None
    op = to_op(v.group("op")) if v.group("op") else None
    if op is None and v.group("post"):
        op = "<=" if re.search(r"less|lower|below", v.group("post")) else ">="
    return {"measure": measure, "op": op, "value": n, "unit": "%" if measure == "lvef" else "ms"}


_SENTENCE_BREAK = re.compile(r"[.;]\s")
_PROLONG_BEFORE = re.compile(r"\bprolong(?:s|ing)?\s+(?:the\s+)?(?:corrected\s+)?$")


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    out: list[Constraint] = []
    for pattern, measure in ((_LVEF, "lvef"), (_QTC, "qtc")):
        for m in pattern.finditer(norm):
            if _PROLONG_BEFORE.search(norm[max(0, m.start() - 25) : m.start()]):
                continue  # "drugs that are known to prolong the QT interval": a drug effect
            params = _measure(item, m, measure)
            if params is None:
                params = {"measure": measure}
            out.append(
                make(
                    item,
                    FAMILY,
                    m.start(),
                    m.end(),
                    params,
                    confidence=0.9 if "op" in params else 0.7,
                )
            )
            break
    # "QT prolonging medication known to have a risk to induce Torsades de Pointes": the
    # condition is what a drug may cause, named inside a medication rule
    conditions = [
        (n, m)
        for n, m in _COMPILED.first_matches(norm)
        if not _DRUG_EFFECT.search(norm[max(0, m.start() - 60) : m.start()])
        # "pericardial effusions" in a list of lesions that are not measurable
        and not (n == "pericardial" and named_as_not_measurable(norm, m.start()))
        and not (n == "cardiac_device" and IMPLANT_CONTEXT.search(norm))
        and not (
            n == "pericardial"
            and "effusion" in norm[max(0, m.start() - 40) : m.end() + 20]
            and _SEROUS_EFFUSIONS.search(norm[max(0, m.start() - 80) : m.end() + 60])
        )
    ]
    if conditions and not re.search(
        r"hepatic|renal and hepatic", norm[: conditions[0][1].start()][-5:]
    ):
        names = sorted({n for n, _ in conditions})
        # "Conduction abnormality requiring a pacemaker", "bradycardia (unless permanent
        # pacemaker in place)", "QTc > 470 msec in patients without pacemaker": a device
        # named inside another heart rule qualifies that rule; only a rule on the device
        # itself ("No pacemaker", "Presence of a pacemaker and/or ICD generator") keeps it
        if "cardiac_device" in names and (len(names) > 1 or out):
            names.remove("cardiac_device")
        if names == ["hypertension"] and re.search(
            r"pulmonary hypertension|portal hypertension", norm
        ):
            names = []
        if (
            names == ["cardiac_disease"]
            and re.search(r"adequate", norm)
            and not re.search(r"cardiac", norm)
        ):
            names = []
        if names:
            cond_params: dict[str, object] = {"condition": names}
            if ny := re.search(
                r"(?:class|grade)\s*(?P<c>i{1,3}v?|iv|[1-4])(?:\s*(?:-|to|or)\s*(?P<c2>i{1,3}v?|iv|[1-4]))?",
                norm,
            ):
                cond_params["nyha_class"] = ny.group(0)
            # each sentence's own verdict decides the polarity of its conditions ("Patients
            # with CHF or angina are NOT eligible. Patients with hypertension ... must have a
            # MUGA"); consecutive sentences with one verdict make one constraint
            kept = [(n, m) for n, m in conditions if n in names]
            # "Uncontrolled hypertension": the matcher counts only a comorbidity the
            # patient file does not mark controlled (read as any hypertension, a patient
            # whose blood pressure is treated and controlled failed)
            if qualified := sorted(
                {n for n, m in kept if uncontrolled_near(norm, m.start(), m.end())}
            ):
                cond_params["uncontrolled"] = qualified
            runs = runs_between(kept, norm, _SENTENCE_BREAK)
            if len(runs) == 1:
                out.append(make(item, FAMILY, runs[0][1], runs[0][2], cond_params, confidence=0.8))
            else:
                groups: list[tuple[Polarity, list[str], int, int]] = []
                for run_names, a, b in runs:
                    pol = make(item, FAMILY, a, b, confidence=0.8).polarity
                    if groups and groups[-1][0] == pol:
                        _, prev, a0, _ = groups[-1]
                        groups[-1] = (pol, sorted({*prev, *run_names}), a0, b)
                    else:
                        groups.append((pol, run_names, a, b))
                for pol, group_names, a, b in groups:
                    params = dict(cond_params, condition=group_names)
                    if qualified:
                        params["uncontrolled"] = [n for n in qualified if n in group_names] or None
                    out.append(make(item, FAMILY, a, b, params, confidence=0.8, polarity=pol))
    return out
