"""FHIR R4 (mCODE) bundles -> :class:`~osteotrials.model.patient.Patient`.

Each resource is validated with ``fhir.resources.R4B``; a resource that fails
gives an error naming it and the field (``Observation/abc: component[0].code:
required field is missing``). One deviation seen in real mCODE test bundles is
tolerated with a warning: an Observation carrying more than one ``value[x]``
(each value is read). The Bundle wrapper itself is not validated (only its
entries), because real exports use ids FHIR forbids.

What is read (everything else is ignored, with a summary warning):

* Patient: gender, birthDate, first address's postalCode and country. Names,
  telecom and street address are never read.
* Condition: the primary breast cancer (histology from code or the mCODE
  histology-morphology-behavior extension, onset = initial diagnosis date,
  stage summary) and secondary cancer conditions (site from code or bodySite ->
  bone / visceral / nodal lesions without sizes, brain -> CNS "present",
  meninges -> leptomeningeal; earliest onset = metastatic diagnosis date). Other
  conditions become comorbidities.
* Observation: ER, PR, HER2 (IHC score, ISH, status), ECOG, Karnofsky, TNM
  stage group, cancer genetic variants (gene, HGVS, origin, significance), MSI,
  TMB, PD-L1, weight, height, LVEF, QTc and laboratory values whose analyte the
  lab vocabulary knows. The most recent observation of each kind wins.
* MedicationStatement / MedicationRequest / MedicationAdministration: drugs
  starting on the same date form one regimen; consecutive regimens with the
  same drugs are merged; bone-modifying agents go to ``bone_modifying_agents``.
  The setting is ``metastatic`` when the regimen starts on or after the
  metastatic diagnosis date (or the cancer was stage IV at diagnosis), ``early``
  when before it, else unknown.
* Procedure: radiotherapy (incl. the mCODE radiotherapy course summary's dose
  and sessions extensions) and surgery.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from osteotrials.model.patient import Patient
from osteotrials.patient import codes
from osteotrials.patient.errors import Issue, PatientError, issues_from_validation
from osteotrials.vocab import drugs, labs

if TYPE_CHECKING:
    from osteotrials.patient.load import LoadedPatient

__all__ = ["patient_from_bundle"]

_IGNORED_SILENTLY = frozenset(
    {"Encounter", "Organization", "Practitioner", "PractitionerRole", "Location", "Provenance"}
)


@dataclass
class _Ctx:
    as_of: date
    issues: list[Issue] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)

    def error(self, ref: str, message: str) -> None:
        self.issues.append(Issue(severity="error", path=ref, message=message))

    def warn(self, ref: str, message: str) -> None:
        issue = Issue(severity="warning", path=ref, message=message)
        if issue not in self.issues:
            self.issues.append(issue)


@dataclass
class _Dated:
    """A value read from one resource, with its date for "most recent wins"."""

    when: date | None
    ref: str
    value: Any


@dataclass
class _Med:
    name: str
    canonical: str | None
    is_bma: bool
    start: date | None
    end: date | None
    ongoing: bool | None
    stop_reason: str | None
    ref: str


# --------------------------------------------------------------------------- generic accessors


def _codings(concept: Any) -> list[Any]:
    if concept is None:
        return []
    return list(getattr(concept, "coding", None) or [])


def _codes(concept: Any) -> set[str]:
    return {str(c.code) for c in _codings(concept) if getattr(c, "code", None)}


def _texts(concept: Any) -> list[str]:
    """Display texts of the codings first (the coded meaning), then the free text."""
    out: list[str] = []
    if concept is None:
        return out
    out += [str(c.display) for c in _codings(concept) if getattr(c, "display", None)]
    text = getattr(concept, "text", None)
    if text and str(text) not in out:
        out.append(str(text))
    return out


def _label(concept: Any) -> str | None:
    texts = _texts(concept)
    if texts:
        return texts[0]
    found = sorted(_codes(concept))
    for code in found:
        if code in codes.BODY_SITES:
            return codes.BODY_SITES[code][1]
    return f"code {found[0]}" if found else None


def _many(concepts: Any) -> list[Any]:
    if concepts is None:
        return []
    return list(concepts) if isinstance(concepts, list) else [concepts]


def _to_date(value: Any, ctx: _Ctx, ref: str, what: str) -> date | None:
    """A FHIR date/dateTime as a date; partial dates are not used (with a warning)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value)
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            ctx.warn(ref, f"{what} {text!r} is a partial date; the day is unknown, not used")
            return None
    if day > ctx.as_of:
        ctx.error(ref, f"{what} {day.isoformat()} is in the future (after {ctx.as_of.isoformat()})")
        return None
    return day


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _answer(concept: Any) -> str | None:
    """positive / negative / equivocal / high / low from a coded (or texted) answer."""
    found = _codes(concept)
    if found & codes.POSITIVE_ANSWERS:
        return "positive"
    if found & codes.NEGATIVE_ANSWERS:
        return "negative"
    if found & codes.EQUIVOCAL_ANSWERS:
        return "equivocal"
    if found & codes.HIGH_ANSWERS:
        return "high"
    if found & codes.LOW_ANSWERS:
        return "low"
    text = " ".join(_texts(concept)).lower()
    for word, meaning in (
        ("not detected", "negative"),
        ("negative", "negative"),
        ("absent", "negative"),
        ("positive", "positive"),
        ("present", "positive"),
        ("detected", "positive"),
        ("equivocal", "equivocal"),
        ("high", "high"),
        ("low", "low"),
    ):
        if word in text:
            return meaning
    return None


# --------------------------------------------------------------------------- validation


def _ref(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id', '?')}"


def _is_multi_value(exc: ValidationError) -> bool:
    errs = exc.errors(include_url=False)
    return bool(errs) and all("but got multiple" in str(e["msg"]) for e in errs)


def _validate(raw: dict[str, Any], ctx: _Ctx) -> list[Any]:
    """Validated model(s) for one resource; several for a multi-value Observation."""
    ref = _ref(raw)
    resource_type = str(raw.get("resourceType"))
    try:
        cls = get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        ctx.warn(ref, f"unknown resourceType {resource_type!r}; ignored")
        return []
    try:
        return [cls.model_validate(raw)]
    except ValidationError as exc:
        value_keys = [k for k in raw if k.startswith("value") and k[5:6].isupper()]
        if resource_type == "Observation" and len(value_keys) > 1 and _is_multi_value(exc):
            ctx.warn(
                ref,
                f"has {len(value_keys)} values ({', '.join(value_keys)}) where FHIR allows one; "
                "each is read",
            )
            models: list[Any] = []
            for key in value_keys:
                variant = {k: v for k, v in raw.items() if k not in value_keys or k == key}
                try:
                    models.append(cls.model_validate(variant))
                except ValidationError as inner:
                    _report(inner, ref, ctx)
            return models
        _report(exc, ref, ctx)
        return []


def _report(exc: ValidationError, ref: str, ctx: _Ctx) -> None:
    for issue in issues_from_validation(exc):
        message = f"{issue.path}: {issue.message}" if issue.path else issue.message
        ctx.error(ref, message)


# --------------------------------------------------------------------------- the mapping


@dataclass
class _Acc:
    """What the resources said, before it becomes a Patient."""

    sex: str | None = None
    birth_date: date | None = None
    postal_code: str | None = None
    country: str | None = None
    patient_refs: list[str] = field(default_factory=list)
    histology: list[_Dated] = field(default_factory=list)
    initial_dates: list[date] = field(default_factory=list)
    metastatic_dates: list[date] = field(default_factory=list)
    stage_from_condition: list[_Dated] = field(default_factory=list)
    stage_from_observation: list[_Dated] = field(default_factory=list)
    bone: list[dict[str, Any]] = field(default_factory=list)
    visceral: list[dict[str, Any]] = field(default_factory=list)
    nodal: list[dict[str, Any]] = field(default_factory=list)
    cns: list[_Dated] = field(default_factory=list)
    comorbidities: list[dict[str, Any]] = field(default_factory=list)
    er: list[_Dated] = field(default_factory=list)
    pr: list[_Dated] = field(default_factory=list)
    her2_ihc: list[_Dated] = field(default_factory=list)
    her2_ish: list[_Dated] = field(default_factory=list)
    her2_status: list[_Dated] = field(default_factory=list)
    ecog: list[_Dated] = field(default_factory=list)
    karnofsky: list[_Dated] = field(default_factory=list)
    weight: list[_Dated] = field(default_factory=list)
    height: list[_Dated] = field(default_factory=list)
    lvef: list[_Dated] = field(default_factory=list)
    qtc: list[_Dated] = field(default_factory=list)
    biomarkers: list[dict[str, Any]] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    meds: list[_Med] = field(default_factory=list)
    radiotherapy: list[dict[str, Any]] = field(default_factory=list)
    surgeries: list[dict[str, Any]] = field(default_factory=list)


def _latest(items: Sequence[_Dated], ctx: _Ctx, what: str) -> _Dated | None:
    if not items:
        return None
    ordered = sorted(items, key=lambda d: d.when or date.min)
    best = ordered[-1]
    others = {_fingerprint(d.value) for d in items}
    if len(others) > 1:
        refs = ", ".join(d.ref for d in ordered)
        ctx.warn(
            best.ref,
            f"{what} differs between {refs}; the most recent ({best.value}) is used",
        )
    return best


def _observation_date(obs: Any, ctx: _Ctx, ref: str) -> date | None:
    value = getattr(obs, "effectiveDateTime", None)
    if value is None and getattr(obs, "effectivePeriod", None) is not None:
        value = obs.effectivePeriod.start
    if value is None:
        value = getattr(obs, "issued", None)
    return _to_date(value, ctx, ref, "effective date")


def _has_code(concept: Any, wanted: frozenset[str]) -> bool:
    return bool(_codes(concept) & wanted)


def _text_of(concept: Any) -> str:
    return " ".join(_texts(concept)).lower()


_STAGE_RE = re.compile(r"^(?:y?[cp])?(0|[1-4]|IV|I{1,3})([ABC])?$", re.IGNORECASE)
_STAGE_TEXT_RE = re.compile(r"\bstage\s+(0|[1-4]|IV|I{1,3})\s*([ABC])?\b", re.IGNORECASE)
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}


def _stage(concept: Any) -> str | None:
    candidates = [str(c.code) for c in _codings(concept) if getattr(c, "code", None)]
    for text in candidates:
        m = _STAGE_RE.match(text.strip())
        if m:
            return _ROMAN.get(m.group(1), m.group(1).upper()) + (m.group(2) or "").upper()
    for text in _texts(concept):
        m = _STAGE_TEXT_RE.search(text) or _STAGE_RE.match(text.strip())
        if m:
            return _ROMAN.get(m.group(1), m.group(1).upper()) + (m.group(2) or "").upper()
    return None


# --- Patient


def _map_patient(res: Any, ref: str, acc: _Acc, ctx: _Ctx) -> None:
    acc.patient_refs.append(ref)
    gender = getattr(res, "gender", None)
    if gender in ("female", "male", "other"):
        acc.sex = gender
    if res.birthDate is None:
        ctx.warn(ref, "no birthDate: age is unknown")
    else:
        acc.birth_date = _to_date(res.birthDate, ctx, ref, "birthDate")
    for address in res.address or []:
        if address.postalCode:
            acc.postal_code = str(address.postalCode).strip()
            country = (address.country or "").strip().upper()
            if country in ("US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"):
                acc.country = "US"
            elif re.fullmatch(r"[A-Z]{2}", country):
                acc.country = country
            break


# --- Conditions


def _condition_date(res: Any, ctx: _Ctx, ref: str) -> date | None:
    value = getattr(res, "onsetDateTime", None)
    if value is None and getattr(res, "onsetPeriod", None) is not None:
        value = res.onsetPeriod.start
    if value is None:
        for ext in res.extension or []:
            if ext.url == codes.ASSERTED_DATE_EXT:
                value = ext.valueDateTime
    if value is None:
        value = getattr(res, "recordedDate", None)
    return _to_date(value, ctx, ref, "onset date")


def _site_of_secondary(res: Any) -> tuple[str | None, str | None]:
    """(site kind, words) for a secondary cancer condition."""
    for code in _codes(res.code):
        if code in codes.SECONDARY_SITE_CODES:
            return codes.SECONDARY_SITE_CODES[code], _label(res.code)
    for site in res.bodySite or []:
        for code in _codes(site):
            if code in codes.LEPTOMENINGEAL_SITES:
                return "leptomeningeal", _label(site)
            if codes.BODY_SITE_CATEGORY.get(code) == "brain":
                return "brain", _label(site)
            if codes.BODY_SITE_CATEGORY.get(code) == "bone":
                return "bone", _label(site)
    words = " ".join([_text_of(res.code)] + [_text_of(s) for s in res.bodySite or []])
    for pattern, kind in (
        (r"leptomening|mening", "leptomeningeal"),
        (r"brain|cerebr|intracranial", "brain"),
        (r"\bbone|osseous|skelet|vertebr|spine|pelvi|femur|rib\b", "bone"),
        (r"liver|hepat", "liver"),
        (r"lung|pulmon", "lung"),
        (r"pleura", "pleura"),
        (r"lymph|node|axill", "nodes"),
        (r"adrenal", "adrenal"),
        (r"peritone", "peritoneum"),
    ):
        if re.search(pattern, words):
            return kind, _label(res.code)
    return None, _label(res.code)


def _is_secondary(res: Any) -> bool:
    if any(ext.url == codes.MCODE_RELATED_PRIMARY_EXT for ext in res.extension or []):
        return True
    found = _codes(res.code)
    if found & (set(codes.SECONDARY_SITE_CODES) | codes.GENERIC_SECONDARY_CODES):
        return True
    return bool(re.search(r"secondary|metasta", " ".join(_texts(res.code)), re.IGNORECASE))


def _is_breast_primary(res: Any) -> bool:
    if _codes(res.code) & set(codes.HISTOLOGY_CODES):
        return True
    words = _text_of(res.code)
    return "breast" in words and bool(re.search(r"neoplasm|carcinoma|cancer|malignan", words))


def _histology(res: Any, ref: str, ctx: _Ctx) -> str | None:
    for ext in res.extension or []:
        url = str(ext.url)
        if url == codes.MCODE_HISTOLOGY_EXT:
            concept = ext.valueCodeableConcept
            for code in _codes(concept):
                if code in codes.HISTOLOGY_CODES:
                    return codes.HISTOLOGY_CODES[code]
        elif "histology-morphology-behavior" in url or (
            url.startswith("http://hl7.org/fhir/us/mcode/") and "StructureDefinition" not in url
        ):
            ctx.warn(
                ref,
                f"extension url {url!r} is not the mCODE histology-morphology-behavior "
                "extension; histology not read from it",
            )
    for code in _codes(res.code):
        if code in codes.HISTOLOGY_CODES:
            return codes.HISTOLOGY_CODES[code]
    words = _text_of(res.code)
    if "lobular" in words and "duct" in words:
        return "mixed_ductal_lobular"
    if "lobular" in words:
        return "invasive_lobular"
    if "duct" in words:
        return "invasive_ductal"
    return None


def _map_condition(res: Any, ref: str, acc: _Acc, ctx: _Ctx) -> None:
    verification = _codes(getattr(res, "verificationStatus", None))
    if verification & {"refuted", "entered-in-error"}:
        return
    when = _condition_date(res, ctx, ref)
    if _is_secondary(res):
        kind, words = _site_of_secondary(res)
        if when:
            acc.metastatic_dates.append(when)
        if kind is None:
            ctx.warn(ref, "secondary cancer condition without a recognisable site; site unknown")
        elif kind == "bone":
            acc.bone.append({"site": words})
        elif kind in ("liver", "lung", "pleura", "adrenal", "peritoneum"):
            acc.visceral.append({"organ": kind, "site": words})
        elif kind in ("nodes", "axillary_nodes"):
            acc.nodal.append({"site": "axilla" if kind == "axillary_nodes" else words})
        elif kind == "brain":
            acc.cns.append(_Dated(when, ref, "present"))
        elif kind == "leptomeningeal":
            acc.cns.append(_Dated(when, ref, "leptomeningeal"))
        return
    if _is_breast_primary(res):
        if when:
            acc.initial_dates.append(when)
        hist = _histology(res, ref, ctx)
        if hist:
            acc.histology.append(_Dated(when, ref, hist))
        for stage in res.stage or []:
            found = _stage(stage.summary)
            if found:
                acc.stage_from_condition.append(_Dated(when, ref, found))
        return
    label = _label(res.code)
    if label:
        acc.comorbidities.append({"name": label, "since": when})


# --- Observations


def _gene_symbol(concept: Any, ref: str, ctx: _Ctx) -> str | None:
    for coding in _codings(concept):
        code = str(coding.code or "")
        if code in codes.HGNC_SYMBOLS:
            return codes.HGNC_SYMBOLS[code]
    for text in _texts(concept):
        if re.fullmatch(r"[A-Z][A-Z0-9-]{1,14}", text.strip()):
            return text.strip()
    found = sorted(_codes(concept))
    if found:
        ctx.warn(ref, f"gene {found[0]} is not one this reader knows by symbol; kept as the code")
        return found[0]
    return None


def _map_variant(obs: Any, ref: str, when: date | None, acc: _Acc, ctx: _Ctx) -> None:
    gene: str | None = None
    variants: list[str] = []
    origin: str | None = None
    significance: str | None = None
    for comp in obs.component or []:
        if _has_code(comp.code, codes.COMPONENT_GENE):
            gene = _gene_symbol(comp.valueCodeableConcept, ref, ctx)
        elif _has_code(comp.code, codes.COMPONENT_HGVS):
            concept = comp.valueCodeableConcept
            text = _label(concept) if concept is not None else comp.valueString
            if concept is not None and not _texts(concept):
                text = next(iter(sorted(_codes(concept))), None)
                if _has_code(comp.code, frozenset({"81252-9"})) and text:
                    text = f"ClinVar {text}"
            if text:
                variants.append(str(text))
        elif _has_code(comp.code, codes.COMPONENT_ORIGIN):
            found = _codes(comp.valueCodeableConcept)
            origin = (
                "germline"
                if found & codes.ORIGIN_GERMLINE
                else "somatic"
                if found & codes.ORIGIN_SOMATIC
                else None
            )
        elif _has_code(comp.code, codes.COMPONENT_SIGNIFICANCE):
            for code in _codes(comp.valueCodeableConcept):
                significance = codes.SIGNIFICANCE.get(code, significance)
    if gene is None:
        ctx.warn(ref, "genetic variant without a gene studied (component 48018-6); not used")
        return
    answer = _answer(obs.valueCodeableConcept)
    if answer is None:
        for concept in obs.interpretation or []:
            answer = answer or _answer(concept)
    result = {"positive": "detected", "negative": "not_detected"}.get(answer or "", "unknown")
    for concept in obs.interpretation or []:
        label = _label(concept)
        if label and not re.fullmatch(r"code \w+", label):
            variants.append(re.sub(r"\s*\(finding\)$", "", label))
    acc.biomarkers.append(
        {
            "gene": gene,
            "result": result,
            "variant": "; ".join(variants) or None,
            "classification": significance,
            "origin": origin,
            "tested_on": when,
        }
    )


def _quantity(obs: Any) -> tuple[float | None, str | None, str | None]:
    q = getattr(obs, "valueQuantity", None)
    if q is None:
        return None, None, None
    unit = q.unit or q.code
    return (
        _number(q.value),
        (str(unit) if unit else None),
        (str(q.comparator) if q.comparator else None),
    )


def _receptor(
    obs: Any, ref: str, when: date | None, target: list[_Dated], label: str, ctx: _Ctx
) -> None:
    answer = _answer(obs.valueCodeableConcept) if obs.valueCodeableConcept is not None else None
    value, unit, comparator = _quantity(obs)
    if value is not None:
        if unit not in (None, "%") or not 0 <= value <= 100:
            ctx.error(ref, f"valueQuantity {value:g} {unit or ''} is not a {label} percentage")
            return
        if comparator:
            ctx.warn(
                ref,
                f"{label} {comparator} {value:g} % is not an exact percentage; "
                "only the positive/negative result is used",
            )
            if answer is None:
                answer = "positive" if comparator in (">", ">=") and value >= 1 else None
        else:
            target.append(_Dated(when, ref, {"percent": value}))
            return
    if answer in ("positive", "negative"):
        target.append(_Dated(when, ref, {"status": answer}))
    elif obs.valueCodeableConcept is not None:
        ctx.warn(ref, f"{label} result {_label(obs.valueCodeableConcept)!r} not understood")


def _her2(obs: Any, ref: str, when: date | None, acc: _Acc, ctx: _Ctx) -> None:
    method = (
        "ihc"
        if _has_code(obs.code, codes.HER2_IHC_CODES)
        else "ish"
        if _has_code(obs.code, codes.HER2_ISH_CODES)
        else None
    )
    if method is None:
        words = _text_of(obs.code)
        method = (
            "ihc" if "immune stain" in words else "ish" if re.search(r"fish|ish\b", words) else None
        )
    answer = _answer(obs.valueCodeableConcept) if obs.valueCodeableConcept is not None else None
    value, _unit, comparator = _quantity(obs)
    if getattr(obs, "valueRatio", None) is not None:
        ratio = obs.valueRatio
        num, den = ratio.numerator, ratio.denominator
        if num is None or den is None or num.comparator or den.comparator or not den.value:
            ctx.warn(ref, "valueRatio with comparators is not a HER2/CEP17 ratio; ignored")
        else:
            acc.her2_ish.append(_Dated(when, ref, {"ratio": float(num.value) / float(den.value)}))
    if value is not None and method == "ihc":
        if comparator or value not in (0, 1, 2, 3):
            ctx.error(ref, f"valueQuantity {value:g} is not a HER2 IHC score (0, 1, 2, 3)")
            return
        acc.her2_ihc.append(_Dated(when, ref, "0" if value == 0 else f"{int(value)}+"))
        return
    if answer is None:
        return
    if method == "ish" and answer in ("positive", "negative", "equivocal"):
        ish = {"positive": "amplified", "negative": "not_amplified", "equivocal": "equivocal"}
        acc.her2_ish.append(_Dated(when, ref, {"result": ish[answer]}))
    elif answer in ("positive", "negative"):
        acc.her2_status.append(_Dated(when, ref, answer))


def _integer_score(obs: Any) -> tuple[int | None, str | None]:
    """(score, how it was given) from valueInteger, valueQuantity or an LA answer code."""
    if getattr(obs, "valueInteger", None) is not None:
        return int(obs.valueInteger), "valueInteger"
    value, _unit, _cmp = _quantity(obs)
    if value is not None:
        return (int(value) if value == int(value) else None), "valueQuantity"
    for concept in [obs.valueCodeableConcept, *(obs.interpretation or [])]:
        for code in _codes(concept):
            if code in codes.ECOG_ANSWERS:
                return codes.ECOG_ANSWERS[code], "answer code"
    return None, None


def _map_observation(obs: Any, ref: str, acc: _Acc, ctx: _Ctx) -> None:
    if str(getattr(obs, "status", "")) in ("entered-in-error", "cancelled"):
        return
    when = _observation_date(obs, ctx, ref)
    code = obs.code
    words = _text_of(code)
    if _has_code(code, codes.ECOG_CODES) or "ecog" in words:
        score, how = _integer_score(obs)
        if score is None:
            ctx.error(ref, "ECOG observation without a score")
        elif not 0 <= score <= 5:
            ctx.error(ref, f"{how} {score} is not an ECOG grade (0-5)")
        else:
            acc.ecog.append(_Dated(when, ref, score))
        return
    if _has_code(code, codes.KARNOFSKY_CODES) or "karnofsky" in words:
        score, how = (
            (int(obs.valueInteger), "valueInteger")
            if getattr(obs, "valueInteger", None) is not None
            else _integer_score(obs)
        )
        if score is None:
            ctx.error(ref, "Karnofsky observation without a score")
        elif not 0 <= score <= 100 or score % 10:
            ctx.error(ref, f"{how} {score} is not a Karnofsky score (0-100 in steps of 10)")
        else:
            acc.karnofsky.append(_Dated(when, ref, score))
        return
    if _has_code(code, codes.GENETIC_VARIANT_CODES):
        _map_variant(obs, ref, when, acc, ctx)
        return
    if _has_code(code, codes.ER_CODES) or "estrogen receptor" in words:
        _receptor(obs, ref, when, acc.er, "ER", ctx)
        return
    if _has_code(code, codes.PR_CODES) or "progesterone receptor" in words:
        _receptor(obs, ref, when, acc.pr, "PR", ctx)
        return
    if _has_code(
        code, codes.HER2_IHC_CODES | codes.HER2_ISH_CODES | codes.HER2_ANY_CODES
    ) or re.search(r"\bher2\b|\berbb2\b", words):
        _her2(obs, ref, when, acc, ctx)
        return
    if _has_code(code, codes.STAGE_GROUP_CODES):
        found = _stage(obs.valueCodeableConcept)
        if found:
            acc.stage_from_observation.append(_Dated(when, ref, found))
        return
    if _has_code(code, codes.MSI_CODES) or "microsatellite" in words:
        answer = _answer(obs.valueCodeableConcept)
        result = {"positive": "detected", "high": "detected", "negative": "not_detected"}.get(
            answer or "", "unknown"
        )
        acc.biomarkers.append({"gene": "MSI", "result": result, "tested_on": when})
        return
    if _has_code(code, codes.TMB_CODES) or "mutation burden" in words:
        answer = _answer(obs.valueCodeableConcept)
        value, _u, _c = _quantity(obs)
        result = {"high": "detected", "low": "not_detected"}.get(answer or "", "unknown")
        entry: dict[str, Any] = {"gene": "TMB", "result": result, "tested_on": when}
        if value is not None:
            entry |= {"score": value, "score_type": "mut_per_mb"}
        acc.biomarkers.append(entry)
        return
    if _has_code(code, codes.PDL1_CODES) or "pd-l1" in words:
        value, _u, _c = _quantity(obs)
        entry = {"gene": "PD-L1", "result": "unknown", "tested_on": when}
        if value is not None:
            entry |= {"score": value, "score_type": "other"}
        acc.biomarkers.append(entry)
        return
    value, unit, comparator = _quantity(obs)
    simple = [
        (codes.BODY_WEIGHT_CODES, acc.weight, ("kg",)),
        (codes.BODY_HEIGHT_CODES, acc.height, ("cm",)),
        (codes.LVEF_CODES, acc.lvef, ("%",)),
        (codes.QTC_CODES, acc.qtc, ("ms",)),
    ]
    for wanted, target, units in simple:
        if _has_code(code, wanted):
            if value is None or comparator:
                ctx.warn(ref, "value is missing or not exact; not used")
            elif unit not in units and not (unit == "[lb_av]" and "kg" in units):
                ctx.warn(ref, f"unit {unit!r} not understood (expected {units[0]}); not used")
            else:
                target.append(_Dated(when, ref, value * 0.45359237 if unit == "[lb_av]" else value))
            return
    if value is not None and not comparator:
        for name, analyte in _lab_candidates(code):
            if analyte is not None:
                lab: dict[str, Any] = {
                    "analyte": analyte,  # the vocabulary id: LOINC long names are not synonyms
                    "value": value,
                    "unit": unit or "",
                    "date": when,
                }
                for rng in obs.referenceRange or []:
                    high, low = (
                        _number(getattr(rng.high, "value", None)),
                        _number(getattr(rng.low, "value", None)),
                    )
                    lab |= {"uln": high, "lln": low}
                    break
                if not lab["unit"]:
                    ctx.warn(ref, f"{name}: value without a unit; not used")
                    return
                try:
                    labs.to_canonical(analyte, value, lab["unit"])
                except labs.UnitError:
                    # In a file the user writes this is an error; a bundle from another
                    # system should not be rejected whole for one lab it cannot convert.
                    ctx.warn(ref, f"unit {lab['unit']!r} is not a known unit for {name}; not used")
                    return
                acc.labs.append(lab)
                return
    ctx.ignored["Observation"] = ctx.ignored.get("Observation", 0) + 1


def _lab_candidates(code: Any) -> list[tuple[str, str | None]]:
    """(name as written, analyte id) pairs for a lab Observation's code.

    A LOINC code the reader knows decides; otherwise each display text is tried
    whole and without LOINC's "[property] in specimen" tail ("Creatinine [Mass/volume]
    in Serum or Plasma" -> "Creatinine").
    """
    texts = _texts(code)
    label = texts[0] if texts else None
    for coding in _codings(code):
        analyte = codes.LAB_LOINC.get(str(coding.code or ""))
        if analyte is not None:
            return [(label or analyte, analyte)]
    out: list[tuple[str, str | None]] = []
    for text in texts:
        for candidate in (text, text.split("[", 1)[0], re.split(r"\s+in\s+", text, maxsplit=1)[0]):
            candidate = candidate.strip()
            if candidate:
                out.append((text, labs.normalise_analyte(candidate)))
    return out


# --- Medications


def _drug_name(candidates: Iterable[str]) -> tuple[str | None, drugs.Drug | None]:
    texts = [t for t in candidates if t]
    for text in texts:
        found = drugs.lookup(text)
        if found is not None:
            return text, found
    for text in texts:
        hits = drugs.find_drugs(text)
        if hits:
            return hits[0][0].name, hits[0][0]
    return (texts[0] if texts else None), None


def _stop_reason(concepts: Any) -> str | None:
    for concept in _many(concepts):
        for code in _codes(concept):
            if code in codes.STOP_REASON_CODES:
                return codes.STOP_REASON_CODES[code]
        words = _text_of(concept)
        if re.search(r"progress", words):
            return "progression"
        if re.search(r"toxic|adverse|intoler|side effect", words):
            return "toxicity"
        if re.search(r"complet", words):
            return "completed"
        if words:
            return "other"
    return None


def _map_medication(res: Any, ref: str, resources: dict[str, Any], acc: _Acc, ctx: _Ctx) -> None:
    kind = res.__resource_type__ if hasattr(res, "__resource_type__") else type(res).__name__
    status = str(getattr(res, "status", "") or "")
    if status in ("entered-in-error", "not-taken", "cancelled", "draft", "not-done"):
        return
    concept = getattr(res, "medicationCodeableConcept", None)
    names = _texts(concept)
    reference = getattr(res, "medicationReference", None)
    if reference is not None and reference.reference:
        med = resources.get(_normal_ref(str(reference.reference)))
        if med is not None:
            names += _texts(getattr(med, "code", None))
        if reference.display:
            names.append(str(reference.display))
    name, drug = _drug_name(names)
    if name is None:
        ctx.warn(ref, "medication without a name; not used")
        return
    start_raw: Any = None
    end_raw: Any = None
    period = getattr(res, "effectivePeriod", None)
    if getattr(res, "effectiveDateTime", None) is not None:
        start_raw = res.effectiveDateTime
    elif period is not None:
        start_raw, end_raw = period.start, period.end
    if kind == "MedicationRequest":
        start_raw = getattr(res, "authoredOn", None)
        for dosage in res.dosageInstruction or []:
            bounds = getattr(getattr(dosage, "timing", None), "repeat", None)
            bounds = getattr(bounds, "boundsPeriod", None) if bounds is not None else None
            if bounds is not None:
                start_raw, end_raw = bounds.start or start_raw, bounds.end
                break
    start = _to_date(start_raw, ctx, ref, "start date")
    end = _to_date(end_raw, ctx, ref, "end date")
    ongoing: bool | None
    if status in ("active", "in-progress", "intended", "on-hold"):
        ongoing = True
    elif status in ("completed", "stopped"):
        ongoing = False
    else:
        ongoing = None
    reason = _stop_reason(getattr(res, "statusReason", None)) if ongoing is False else None
    if drug is None:
        ctx.warn(ref, f"drug {name!r} is not in the drug vocabulary; kept as written")
    acc.meds.append(
        _Med(
            name=name,
            canonical=drug.name if drug else None,
            is_bma=bool(drug and "bone_modifying_agent" in drug.classes),
            start=start,
            end=end,
            ongoing=ongoing,
            stop_reason=reason,
            ref=ref,
        )
    )


def _regimens(
    acc: _Acc, metastatic_date: date | None, de_novo: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    regimens: list[dict[str, Any]] = []
    agents: list[dict[str, Any]] = []
    by_start: dict[date | None, list[_Med]] = {}
    order: list[date | None] = []
    for med in acc.meds:
        if med.is_bma:
            agents.append(
                {"drug": med.canonical or med.name, "start_date": med.start, "stop_date": med.end}
            )
            continue
        key = med.start
        if key is None:  # undated: a regimen of its own
            order.append(None)
            by_start.setdefault(None, [])
            regimens.append(_regimen([med], metastatic_date, de_novo))
            continue
        if key not in by_start:
            order.append(key)
        by_start.setdefault(key, []).append(med)
    dated = [
        _regimen(by_start[k], metastatic_date, de_novo) for k in sorted(k for k in by_start if k)
    ]
    merged: list[dict[str, Any]] = []
    for reg in dated:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and sorted(prev["drugs"]) == sorted(reg["drugs"])
            and prev["setting"] == reg["setting"]
            and not prev.get("ongoing")
        ):
            prev["stop_date"] = reg.get("stop_date") or prev.get("stop_date")
            prev["ongoing"] = reg.get("ongoing")
            prev["stop_reason"] = reg.get("stop_reason")
            if prev["ongoing"]:
                prev["stop_date"], prev["stop_reason"] = None, None
            continue
        merged.append(reg)
    return merged + regimens, _dedupe(agents)


def _regimen(meds: list[_Med], metastatic_date: date | None, de_novo: bool) -> dict[str, Any]:
    names: list[str] = []
    for med in meds:
        name = med.canonical or med.name
        if name not in names:
            names.append(name)
    start = meds[0].start
    ongoing = (
        True
        if any(m.ongoing for m in meds)
        else (False if all(m.ongoing is False for m in meds) else None)
    )
    ends = [m.end for m in meds if m.end is not None]
    reasons = {m.stop_reason for m in meds if m.stop_reason}
    setting: str | None = None
    if de_novo:
        setting = "metastatic"
    elif start is not None and metastatic_date is not None:
        setting = "metastatic" if start >= metastatic_date else "early"
    out: dict[str, Any] = {"drugs": names, "setting": setting, "start_date": start}
    statuses = {m.ongoing for m in meds}
    if len(statuses) > 1:
        active = sorted({m.canonical or m.name for m in meds if m.ongoing})
        other = sorted({m.canonical or m.name for m in meds if not m.ongoing})
        out["note"] = (
            f"statements started together; active: {', '.join(active)}; "
            f"not active: {', '.join(other)}"
        )
    if ongoing:
        out["ongoing"] = True
    else:
        out["ongoing"] = ongoing
        out["stop_date"] = max(ends) if ends and ongoing is False else None
        out["stop_reason"] = reasons.pop() if len(reasons) == 1 else None
    return out


# --- Procedures


def _site_category(concepts: Iterable[Any]) -> tuple[str | None, str | None]:
    words: list[str] = []
    for concept in concepts:
        for code in _codes(concept):
            if code in codes.BODY_SITE_CATEGORY:
                return codes.BODY_SITE_CATEGORY[code], _label(concept)
        label = _label(concept)
        if label:
            words.append(label)
    text = " ".join(words).lower()
    for pattern, category in (
        (r"brain|cerebr|crani", "brain"),
        (r"breast|chest wall", "breast_chest_wall"),
        (r"bone|vertebr|spine|acetabul|pelvi|femur|rib\b|sacr|humer", "bone"),
        (r"lymph|node|axill", "nodal"),
        (r"liver|lung", "visceral"),
    ):
        if re.search(pattern, text):
            return category, words[0]
    return None, (words[0] if words else None)


def _map_procedure(res: Any, ref: str, acc: _Acc, ctx: _Ctx) -> None:
    status = str(getattr(res, "status", "") or "")
    if status in ("entered-in-error", "not-done", "preparation"):
        return
    performed = getattr(res, "performedDateTime", None)
    end_raw: Any = None
    if performed is None and getattr(res, "performedPeriod", None) is not None:
        performed, end_raw = res.performedPeriod.start, res.performedPeriod.end
    start = _to_date(performed, ctx, ref, "performed date")
    end = _to_date(end_raw, ctx, ref, "performed end date")
    code_words = " ".join(c.display or "" for c in _codings(res.code)).lower()
    is_rt = (
        bool(_codes(res.code) & codes.RADIOTHERAPY_CODES)
        or (
            not code_words.strip()
            and bool(re.search(r"radiat|radiother|brachy", _text_of(res.code)))
        )
        or bool(re.search(r"radiation|radiotherapy|brachytherapy", code_words))
    )
    category, site = _site_category(res.bodySite or [])
    if is_rt:
        course: dict[str, Any] = {
            "site": site,
            "site_category": category,
            "start_date": start,
            "end_date": end,
        }
        for ext in res.extension or []:
            url = str(ext.url)
            if url == codes.MCODE_RT_SESSIONS_EXT and ext.valueUnsignedInt:
                course["fractions"] = int(ext.valueUnsignedInt)
            if url == codes.MCODE_RT_DOSE_EXT:
                for sub in ext.extension or []:
                    if sub.url == "totalDoseDelivered" and sub.valueQuantity is not None:
                        dose = _number(sub.valueQuantity.value)
                        unit = str(sub.valueQuantity.unit or sub.valueQuantity.code or "")
                        if dose is not None:
                            course["dose_gy"] = dose / 100 if unit.lower() == "cgy" else dose
                    if sub.url == "fractionsDelivered" and sub.valueUnsignedInt:
                        course["fractions"] = int(sub.valueUnsignedInt)
        acc.radiotherapy.append(course)
        return
    label = _label(res.code)
    words = (label or "").lower()
    surgery_category = None
    for pattern, cat in (
        (r"lymph|node|axill", "axilla"),
        (r"breast|mastectomy|lumpectomy", "breast"),
        (r"vertebr|spine|spinal", "spine"),
        (r"brain|crani", "brain"),
        (r"bone|femur|humer|acetabul|fixation|nailing", "bone"),
    ):
        if re.search(pattern, words):
            surgery_category = cat
            break
    acc.surgeries.append(
        {"procedure": label, "site_category": surgery_category or "other", "date": start}
    )


# --------------------------------------------------------------------------- bundle


def _fingerprint(value: Any) -> str:
    """A stable text for comparing parsed JSON (or YAML) values."""
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _normal_ref(reference: str) -> str:
    return reference.removeprefix("urn:uuid:")


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        key = _fingerprint(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def patient_from_bundle(
    bundle: dict[str, Any], *, as_of: date | None = None, source: str = "<bundle>"
) -> LoadedPatient:
    """Map a FHIR R4 Bundle (as parsed JSON) to a ``LoadedPatient``.

    Raises :class:`PatientError` listing every error, each naming the resource.
    """
    from osteotrials.patient.load import _finish

    ctx = _Ctx(as_of=as_of or date.today())
    if bundle.get("resourceType") != "Bundle":
        raise PatientError(
            [
                Issue(
                    severity="error",
                    path=_ref(bundle),
                    message="expected a FHIR Bundle (resourceType 'Bundle')",
                )
            ],
            source=source,
        )
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise PatientError(
            [Issue(severity="error", path="Bundle", message="the bundle has no entries")],
            source=source,
        )
    raw_resources: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            ctx.error(f"Bundle.entry[{i}]", "entry has no resource")
            continue
        if not resource.get("resourceType"):
            ctx.error(f"Bundle.entry[{i}].resource", "resource has no resourceType")
            continue
        key = _ref(resource)
        text = _fingerprint(resource)
        if key in seen:
            if seen[key] != text:
                ctx.warn(key, "the bundle holds different resources with this id; each is read")
            else:
                continue  # an exact duplicate entry
        seen[key] = text
        raw_resources.append(resource)

    validated: list[tuple[str, Any]] = []
    for raw in raw_resources:
        for model in _validate(raw, ctx):
            validated.append((_ref(raw), model))
    by_ref: dict[str, Any] = {}
    for ref, model in validated:
        by_ref.setdefault(ref, model)
        if getattr(model, "id", None):
            by_ref.setdefault(str(model.id), model)

    acc = _Acc()
    for ref, res in validated:
        kind = ref.split("/", 1)[0]
        try:
            if kind == "Patient":
                _map_patient(res, ref, acc, ctx)
            elif kind == "Condition":
                _map_condition(res, ref, acc, ctx)
            elif kind == "Observation":
                _map_observation(res, ref, acc, ctx)
            elif kind in ("MedicationStatement", "MedicationRequest", "MedicationAdministration"):
                _map_medication(res, ref, by_ref, acc, ctx)
            elif kind == "Procedure":
                _map_procedure(res, ref, acc, ctx)
            elif kind not in _IGNORED_SILENTLY and kind != "Medication":
                ctx.ignored[kind] = ctx.ignored.get(kind, 0) + 1
        except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            # A valid FHIR resource this reader does not understand: report, never crash.
            ctx.error(ref, f"could not be read ({type(exc).__name__}: {exc})")
    if len(set(acc.patient_refs)) > 1:
        ctx.error("Bundle", f"the bundle describes {len(set(acc.patient_refs))} Patient resources")
    if not acc.patient_refs:
        ctx.warn("Bundle", "no Patient resource: sex and age are unknown")
    if ctx.ignored:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(ctx.ignored.items()))
        ctx.warn("Bundle", f"resources not used by the patient model: {listed}")

    if any(i.severity == "error" for i in ctx.issues):
        raise PatientError(ctx.issues, source=source)
    data = _assemble(acc, ctx)
    try:
        patient = Patient.model_validate(data, context={"as_of": ctx.as_of})
    except ValidationError as exc:
        issues = [
            Issue(severity="error", path=f"(mapped from FHIR) {i.path}", message=i.message)
            for i in issues_from_validation(exc)
        ]
        raise PatientError(ctx.issues + issues, source=source) from None
    return _finish(patient, ctx.issues, source, "fhir")


def _stage_at_diagnosis(acc: _Acc, ctx: _Ctx) -> str | None:
    """The primary Condition's stage, else the earliest stage-group Observation.

    Stages that refine each other ("III" and "IIIA") agree: the most specific wins.
    """
    items = (
        acc.stage_from_condition
        or sorted(acc.stage_from_observation, key=lambda d: d.when or date.min)[:1]
    )
    if not items:
        return None
    values = sorted({str(d.value) for d in items}, key=len)
    if all(values[-1].startswith(v) for v in values):
        return values[-1]
    best = _latest(items, ctx, "stage")
    return str(best.value) if best else None


def _assemble(acc: _Acc, ctx: _Ctx) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": f"FHIR {acc.patient_refs[0]}" if acc.patient_refs else None,
        "sex": acc.sex,
        "birth_date": acc.birth_date,
        "postal_code": acc.postal_code,
        "country": acc.country,
    }
    stage = _stage_at_diagnosis(acc, ctx)
    de_novo = bool(acc.stage_from_condition) and stage == "IV"
    initial = min(acc.initial_dates) if acc.initial_dates else None
    metastatic = min(acc.metastatic_dates) if acc.metastatic_dates else None
    if de_novo and metastatic is None:
        metastatic = initial
    if initial is not None and metastatic is not None and metastatic < initial:
        ctx.warn("Condition", "a secondary cancer condition starts before the primary; dates kept")
        initial = None
    hist = _latest(acc.histology, ctx, "histology")
    data["diagnosis"] = {
        "histology": hist.value if hist else None,
        "presentation": "de_novo" if de_novo else None,
        "initial_diagnosis_date": initial,
        "metastatic_diagnosis_date": metastatic,
        "stage_at_diagnosis": stage,
    }
    receptors: dict[str, Any] = {}
    for label, items in (("er", acc.er), ("pr", acc.pr)):
        best = _latest(items, ctx, label.upper())
        if best is not None:
            if "percent" in best.value:
                receptors[f"{label}_percent"] = best.value["percent"]
            else:
                receptors[f"{label}_status"] = best.value["status"]
    ihc = _latest(acc.her2_ihc, ctx, "HER2 IHC")
    if ihc is not None:
        receptors["her2_ihc"] = ihc.value
    for item in sorted(acc.her2_ish, key=lambda d: d.when or date.min):
        if "result" in item.value:
            receptors["her2_ish"] = item.value["result"]
        if "ratio" in item.value:
            receptors["her2_ish_ratio"] = item.value["ratio"]
    status = _latest(acc.her2_status, ctx, "HER2 status")
    if status is not None:
        receptors["her2_status"] = status.value
    data["receptors"] = receptors

    disease: dict[str, Any] = {}
    if acc.bone:
        disease["bone_lesions"] = _dedupe(acc.bone)
    if acc.visceral:
        disease["visceral_lesions"] = _dedupe(acc.visceral)
    if acc.nodal:
        disease["nodal_lesions"] = _dedupe(acc.nodal)
    data["disease"] = disease
    if acc.cns:
        kinds = {c.value for c in acc.cns}
        data["cns"] = {"status": "leptomeningeal" if "leptomeningeal" in kinds else "present"}

    performance: dict[str, Any] = {}
    ecog = _latest(acc.ecog, ctx, "ECOG")
    kps = _latest(acc.karnofsky, ctx, "Karnofsky")
    if ecog is not None:
        performance["ecog"] = ecog.value
    if kps is not None:
        performance["karnofsky"] = kps.value
    dates = [d.when for d in (ecog, kps) if d is not None and d.when is not None]
    if dates:
        performance["assessed_on"] = max(dates)
    data["performance"] = performance

    body: dict[str, Any] = {}
    weight, height = _latest(acc.weight, ctx, "weight"), _latest(acc.height, ctx, "height")
    if weight is not None:
        body |= {"weight_kg": weight.value, "measured_on": weight.when}
    if height is not None:
        body["height_cm"] = height.value
    data["body"] = body
    cardiac: dict[str, Any] = {}
    lvef, qtc = _latest(acc.lvef, ctx, "LVEF"), _latest(acc.qtc, ctx, "QTc")
    if lvef is not None:
        cardiac |= {"lvef_percent": lvef.value, "lvef_date": lvef.when}
    if qtc is not None:
        cardiac |= {"qtc_ms": qtc.value, "qtc_date": qtc.when}
    data["cardiac"] = cardiac
    data["labs"] = _dedupe(acc.labs)
    data["biomarkers"] = _dedupe(acc.biomarkers)

    if acc.meds:
        regimens, agents = _regimens(acc, metastatic, de_novo)
        if regimens:
            data["regimens"] = regimens
        if agents:
            data["bone_modifying_agents"] = agents
    if acc.radiotherapy:
        data["radiotherapy"] = _dedupe(acc.radiotherapy)
    if acc.surgeries:
        data["surgeries"] = _dedupe(acc.surgeries)
    if acc.comorbidities:
        data["comorbidities"] = _dedupe(acc.comorbidities)
    return data
