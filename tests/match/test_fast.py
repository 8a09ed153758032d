"""Equivalence of the fast ranking path (``rank_index``, ``match/fast.py``) and the
reference path (``rank_index_reference``: every item evaluated and combined in Python),
over every snapshot trial: the example patients, hypothesis-generated patients, and the
status / distance filters. Also checks that the families answered in bulk agree with
their evaluators, and that interning (constraints sharing one evaluation) never changes
a result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from osteotrials.match import MatchIndex, Ranked, materialize, rank, rank_index
from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_NOT_APPLICABLE,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    truth_code,
)
from osteotrials.match.api import StatusFilter, _nearest, rank_index_reference
from osteotrials.match.distance import zip_to_latlon
from osteotrials.match.evaluate import condition_holds, result_from, truth_of
from osteotrials.match.families import (
    BULK,
    age,
    cardiac,
    comorbidity,
    diagnosis,
    lab,
    other_malignancy,
    prior_therapy,
)
from osteotrials.match.fast import (
    STATUS_NAMES,
    VERDICTS,
    conditional_status,
    fast_plan,
    nearest_sites,
    round2,
    subtype_values,
)
from osteotrials.match.index import takes_part
from osteotrials.match.questions import build_questions
from osteotrials.model.criteria import CompiledTrial
from osteotrials.model.patient import (
    BoneLesion,
    BoneModifyingAgent,
    Cardiac,
    CnsMetastases,
    Comorbidity,
    CurrentMedication,
    Diagnosis,
    Disease,
    Infections,
    LabResult,
    MenopauseFacts,
    OtherCancer,
    Patient,
    Performance,
    RadiotherapyCourse,
    Receptors,
    Regimen,
    Reproductive,
    Surgery,
    VisceralLesion,
)
from osteotrials.model.trial import Trial
from osteotrials.patient import PatientError, derive, parse_patient
from paths import EXAMPLE_PATIENTS

from .conftest import AS_OF, context, example
from .test_properties import patients

EXAMPLES = sorted(p.stem for p in EXAMPLE_PATIENTS.glob("*.yaml"))


def assert_same(
    index: MatchIndex,
    patient: Patient,
    *,
    explain_every_trial: bool,
    status: StatusFilter = "all",
    near: str | None = None,
    radius_km: float | None = None,
) -> tuple[Ranked, Ranked]:
    options: dict[str, Any] = {"status": status, "near": near, "radius_km": radius_km}
    fast = rank_index(index, patient, as_of=AS_OF, **options)
    ref = rank_index_reference(index, patient, as_of=AS_OF, **options)
    assert fast.fast is not None and ref.fast is None
    # the ranking itself: same trials, same verdict groups, same order
    assert fast.order == ref.order
    # the trials only a washout blocks (ranked first among the ineligible): the same waits
    assert fast.after_washout == ref.after_washout
    # the arrays the ranking came from agree with the reference's objects
    items = index.items
    ref_item_status = [ref.item_results[i].status for i in range(len(items))]
    assert [STATUS_NAMES[c] for c in fast.fast.item_status.tolist()] == ref_item_status
    for pid in range(len(index.profiles)):
        po = ref.profiles[pid]
        assert VERDICTS[int(fast.fast.verdict[pid])] == po.verdict, pid
        assert fast.fast.total[pid] == po.score.total, pid
        assert bool(fast.fast.in_filter[pid]) == po.in_filter, pid
        # the lazily built outcome: verdict, score parts, structured criteria, site, missing
        assert fast.profiles[pid] == po, pid
    for sid in range(len(index.sets)):
        assert fast.sets[sid] == ref.sets[sid], sid
    # the questions' input from the arrays (no profile outcome built): every profile's
    # missing facts, and the questions themselves
    fresh = rank_index(index, patient, as_of=AS_OF, **options)
    assert fresh.missing_of is not None and ref.missing_of is None
    for pid in range(len(index.profiles)):
        assert fresh.missing_keys(pid) == ref.profiles[pid].missing_keys, pid
    assert build_questions(fresh, limit=100) == build_questions(ref, limit=100)
    if explain_every_trial:
        for tid in range(len(index.entries)):
            a, b = materialize(fast, tid), materialize(ref, tid)
            assert a == b, index.entries[tid].nct_id
    else:
        for i in range(len(items)):
            assert fast.item_results[i] == ref.item_results[i], i
    return fast, ref


def assert_bulk_codes_agree(index: MatchIndex, patient: Patient) -> int:
    """The families answered in bulk (truth codes only) give, constraint by constraint,
    the code of the explained ``Truth`` their evaluator gives; returns how many."""
    ctx = context(patient)
    checked = 0
    for fam in fast_plan(index).bulk:
        codes = fam.codes(ctx)
        assert len(codes) == len(fam.tids)
        for tid, code in zip(fam.tids, codes, strict=True):
            c = index.constraints[index.truth_reps[tid]]
            if code is not None:  # None: left to the evaluator
                assert code == truth_code(truth_of(c, ctx)), (fam.family, c.text, c.params)
                checked += 1
    return checked


@pytest.mark.parametrize("name", EXAMPLES)
def test_bulk_truth_codes_agree_with_the_evaluators(snapshot_index: MatchIndex, name: str) -> None:
    families = {fam.family for fam in fast_plan(snapshot_index).bulk}
    assert families == set(BULK)
    assert assert_bulk_codes_agree(snapshot_index, example(name)) > 2000


OTHER_CANCERS = [
    [OtherCancer(type="melanoma", diagnosis_date=date(2023, 3, 1), status="remission")],
    [OtherCancer(type="papillary thyroid carcinoma")],
    [
        OtherCancer(
            type="colon cancer",
            diagnosis_date=date(2010, 1, 1),
            last_treatment_date=date(2011, 1, 1),
            status="cured",
        ),
        OtherCancer(type="lymphoma", status="remission"),
    ],
]


@pytest.mark.parametrize("cancers", OTHER_CANCERS)
def test_other_cancers_agree(snapshot_index: MatchIndex, cancers: list[OtherCancer]) -> None:
    """Other cancers (remission, dates missing, long ago) in every path of the bulk codes."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(
        update={"other_cancers": cancers}
    )
    assert assert_bulk_codes_agree(snapshot_index, patient) > 2000
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "other_malignancy"]
    ctx = context(patient)
    codes = fam.distinct_codes(ctx)
    assert codes == other_malignancy.codes_one_by_one(fam.batch.prepared, ctx)
    assert {TRUTH_HOLDS, TRUTH_FAILS} <= set(codes), set(codes)
    assert_same(snapshot_index, patient, explain_every_trial=False)


HISTORIES: list[dict[str, Any]] = [
    {
        "comorbidities": [],
        "radiotherapy": [],
        "surgeries": [],
        "current_medications": [],
        "bone_modifying_agents": [],
    },
    {
        "comorbidities": [
            Comorbidity(name="Myocardial infarction", since=date(2025, 9, 1), controlled=True),
            Comorbidity(name="Type 2 diabetes", controlled=False),
            Comorbidity(name="Carboplatin allergy"),
        ],
        "radiotherapy": [
            RadiotherapyCourse(site_category="bone", end_date=date(2025, 12, 20)),
            RadiotherapyCourse(site_category="brain", start_date=date(2024, 3, 1)),
        ],
        "surgeries": [Surgery(procedure="femoral nailing", date=date(2025, 12, 1))],
        "bone_modifying_agents": [
            BoneModifyingAgent(drug="zoledronic acid", start_date=date(2025, 6, 1))
        ],
        "current_medications": [
            CurrentMedication(name="Prednisone"),
            CurrentMedication(name="Warfarin"),
        ],
    },
    {
        "comorbidities": [
            Comorbidity(name="Atrial fibrillation"),
            Comorbidity(name="Hypertension", since=date(2015, 1, 1), controlled=True),
            Comorbidity(name="Lupus", since=date(2025, 12, 1)),
            Comorbidity(name="Chronic back pain"),
            Comorbidity(name="Allergy to paclitaxel"),
        ],
        "radiotherapy": [RadiotherapyCourse(site="T10-L1")],
        "surgeries": [Surgery(procedure="mastectomy"), Surgery(date=date(2020, 5, 1))],
        "current_medications": [CurrentMedication(name="Ketoconazole")],
        "bone_modifying_agents": [
            BoneModifyingAgent(
                drug="denosumab", start_date=date(2023, 1, 1), stop_date=date(2024, 1, 1)
            )
        ],
    },
    {
        "comorbidities": [
            Comorbidity(name="Congestive heart failure", since=date(2020, 6, 1), controlled=False),
            Comorbidity(name="Stroke", since=date(2025, 11, 20), controlled=None),
            Comorbidity(name="Deep vein thrombosis (DVT)", since=date(2024, 2, 1)),
            Comorbidity(name="Hypersensitivity to trastuzumab"),
        ],
        "radiotherapy": [
            RadiotherapyCourse(site_category="breast_chest_wall", end_date=date(2019, 1, 1)),
            RadiotherapyCourse(site_category="visceral"),
        ],
        "surgeries": [Surgery(procedure="lumpectomy", date=date(2018, 4, 1))],
        "current_medications": [
            CurrentMedication(name="Dexamethasone"),
            CurrentMedication(name="an unlisted tea"),
        ],
        "bone_modifying_agents": [
            BoneModifyingAgent(
                drug="pamidronate", start_date=date(2015, 1, 1), stop_date=date(2016, 1, 1)
            ),
        ],
    },
]
#: the families these histories exercise, answered in bulk
HISTORY_FAMILIES = {
    "comorbidity",
    "cardiac",
    "radiotherapy",
    "surgery",
    "hypersensitivity",
    "medication",
    "bone_agent",
}


@pytest.mark.parametrize("history", HISTORIES)
def test_histories_agree(snapshot_index: MatchIndex, history: dict[str, Any]) -> None:
    """Comorbidity, heart-condition, radiotherapy, surgery, allergy, medication and bone-agent bulk
    codes (controlled or not, dated or not, recent or long ago, recognised or not, sites
    known or not) agree with the evaluators, constraint by constraint, and the rankings
    agree."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update=history)
    ctx = context(patient)
    seen: dict[str, set[int]] = {}
    for fam in fast_plan(snapshot_index).bulk:
        if fam.family not in HISTORY_FAMILIES:
            continue
        if fam.family in ("comorbidity", "cardiac"):  # the query table == one at a time
            one_by_one = {"comorbidity": comorbidity, "cardiac": cardiac}[fam.family]
            assert fam.distinct_codes(ctx) == one_by_one.codes_one_by_one(fam.batch.prepared, ctx)
        for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
            c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
            assert code == truth_code(truth_of(c, ctx)), (fam.family, c.text, c.params)
            seen.setdefault(fam.family, set()).add(code)
    assert set(seen) == HISTORY_FAMILIES
    if history["comorbidities"]:  # a history on file: more than one answer in each family
        assert all(len(seen[f]) >= 2 for f in HISTORY_FAMILIES), sorted(seen.items())
    assert_same(snapshot_index, patient, explain_every_trial=False)


#: LVEF / QTc on file or not, below, at and above the usual limits (50 %, 470 ms, ...)
CARDIAC_MEASURES = [
    Cardiac(),
    Cardiac(lvef_percent=35.0, qtc_ms=520.0),
    Cardiac(lvef_percent=50.0, qtc_ms=470.0),
    Cardiac(lvef_percent=62.0),
    Cardiac(qtc_ms=430.0),
]


@pytest.mark.parametrize("cardiac", CARDIAC_MEASURES)
def test_cardiac_measures_agree(snapshot_index: MatchIndex, cardiac: Cardiac) -> None:
    """LVEF / QTc limits answered in bulk agree with the evaluator, constraint by
    constraint (every measure constraint of the snapshot), and the rankings agree."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update={"cardiac": cardiac})
    ctx = context(patient)
    seen: dict[str, set[int]] = {}
    for fam in fast_plan(snapshot_index).bulk:
        if fam.family != "cardiac":
            continue
        for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
            c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
            measure = c.params.get("measure")
            if measure in ("lvef", "qtc"):
                assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
                seen.setdefault(str(measure), set()).add(code)
    assert set(seen) == {"lvef", "qtc"}
    if cardiac.lvef_percent is None:
        assert seen["lvef"] == {TRUTH_UNKNOWN}
    else:  # a value on file settles most limits, so both answers occur across the snapshot
        assert {TRUTH_HOLDS, TRUTH_FAILS} <= seen["lvef"], seen
    assert_same(snapshot_index, patient, explain_every_trial=False)


#: infection histories: nothing recorded, all negative, some positive, partly recorded
INFECTION_HISTORIES = [
    Infections(),
    Infections(hiv="negative", hbv="negative", hcv="negative", active_infection=False),
    Infections(hiv="positive", hbv="resolved", hcv="cured", active_infection=False),
    Infections(hbv="chronic", active_infection=True),
    Infections(hiv="negative", hcv="active"),
]


@pytest.mark.parametrize("infections", INFECTION_HISTORIES)
def test_infections_agree(snapshot_index: MatchIndex, infections: Infections) -> None:
    """Infection constraints answered in bulk agree with the evaluator, constraint by
    constraint, and the rankings agree."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(
        update={"infections": infections}
    )
    ctx = context(patient)
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "infection"]
    seen: set[int | None] = set()
    for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
        c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
        assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
        seen.add(code)
    if infections.hiv is None and infections.active_infection is None:
        assert TRUTH_UNKNOWN in seen
    if infections.active_infection is not None and infections.hiv is not None:
        assert TRUTH_HOLDS in seen or TRUTH_FAILS in seen
    assert_same(snapshot_index, patient, explain_every_trial=False)


#: treatment histories: settings known / early / not given, dates known / missing,
#: ongoing, stop reasons, an unrecognised drug, recent and long-ago exposures
REGIMEN_HISTORIES: list[list[Regimen]] = [
    [],
    [
        Regimen(drugs=["paclitaxel"], setting="early", stop_reason="completed"),
        Regimen(drugs=["letrozole", "palbociclib"], setting="metastatic", ongoing=True),
    ],
    [
        Regimen(
            drugs=["doxorubicin", "cyclophosphamide"],
            setting="adjuvant",
            start_date=date(2019, 1, 1),
            stop_date=date(2019, 6, 1),
            stop_reason="completed",
        ),
        Regimen(
            drugs=["trastuzumab deruxtecan"],
            setting="metastatic",
            start_date=date(2025, 10, 1),
            stop_date=date(2025, 12, 20),
            stop_reason="progression",
        ),
        Regimen(drugs=["capecitabine"], start_date=date(2025, 12, 28)),
    ],
    [
        Regimen(drugs=["tamoxifen"], setting="neoadjuvant", stop_reason="toxicity"),
        Regimen(drugs=["fulvestrant", "a trial drug XY-123"], stop_reason="other"),
        Regimen(
            drugs=["sacituzumab govitecan"],
            setting="metastatic",
            stop_date=date(2025, 11, 1),
        ),
    ],
]


@pytest.mark.parametrize("regimens", REGIMEN_HISTORIES)
def test_prior_therapy_tables_agree(snapshot_index: MatchIndex, regimens: list[Regimen]) -> None:
    """Prior-therapy codes from the (exposure x constraint) tables equal, constraint by
    constraint, the one-at-a-time ``_code`` path and the evaluator's explained truth."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update={"regimens": regimens})
    ctx = context(patient)
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "prior_therapy"]
    facts = ctx.facts
    counts = {
        "chemotherapy": facts.lines.chemotherapy,
        "endocrine": facts.lines.endocrine,
        "systemic": facts.lines.total,
    }
    one_by_one = prior_therapy._codes_one_by_one(
        fam.batch, ctx.exposures, counts, bool(facts.unknown_drugs), AS_OF
    )
    assert fam.distinct_codes(ctx) == one_by_one
    seen = set()
    for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
        c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
        assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
        seen.add(code)
    # every answer occurs (an empty history: no unknowns, only holds and fails)
    expected = {TRUTH_HOLDS, TRUTH_FAILS} | ({TRUTH_UNKNOWN} if regimens else set())
    assert seen == expected, seen


#: patient states for the families whose codes follow the evaluator branch by branch:
#: brain metastases (none / active / treated, stable or recently, on steroids, symptoms
#: unknown / leptomeningeal / present / not known), receptors (percentages, status only,
#: HER2 categories, nothing known), ECOG / Karnofsky (either, both, none), menopause
#: (post, ovarian suppression, not known), pregnancy (pregnant, breastfeeding unknown,
#: no childbearing potential), disease sites and bone lesion types, measurability,
#: neuropathy in the comorbidity list; applied to a woman's and a man's example file
STATE_FAMILIES = (
    "cns",
    "receptor",
    "disease_sites",
    "performance_status",
    "menopause",
    "pregnancy",
    "toxicity",
    "measurable_disease",
    "sex",
    "trial_participation",
)
PATIENT_STATES: list[dict[str, Any]] = [
    {},
    {
        "cns": CnsMetastases(status="none"),
        "receptors": Receptors(er_percent=5, pr_percent=0, her2_ihc="2+"),
        "performance": Performance(ecog=1),
        "reproductive": Reproductive(pregnant=False, childbearing_potential=True),
        "comorbidities": [Comorbidity(name="Peripheral neuropathy")],
    },
    {
        "cns": CnsMetastases(status="active", symptomatic=None),
        "receptors": Receptors(er_status="positive", her2_ihc="0"),
        "performance": Performance(karnofsky=70),
        "menopause": MenopauseFacts(status="post"),
        "reproductive": Reproductive(pregnant=True, breastfeeding=None),
        "disease": Disease(
            bone_lesions=[BoneLesion(type="blastic"), BoneLesion(type=None)],
            visceral_lesions=[VisceralLesion(organ="pleura")],
            measurable_disease=False,
        ),
        "comorbidities": [],
    },
    {
        "cns": CnsMetastases(
            status="treated_stable", stable_since=date(2025, 12, 1), on_steroids=True
        ),
        "receptors": Receptors(er_percent=90, pr_percent=40, her2_ihc="3+"),
        "performance": Performance(ecog=0, karnofsky=90),
        "birth_date": date(1984, 5, 1),
        "menopause": MenopauseFacts(),
        "reproductive": Reproductive(childbearing_potential=False),
        "disease": Disease(
            bone_lesions=[BoneLesion(type="lytic", soft_tissue_component_mm=None)],
            visceral_lesions=[VisceralLesion(organ="liver"), VisceralLesion(organ="skin")],
            measurable_disease=True,
        ),
    },
    {
        "cns": CnsMetastases(status="treated_stable", on_steroids=False, symptomatic=None),
        "receptors": Receptors(),
        "performance": Performance(),
        "disease": Disease(),
        "comorbidities": None,
    },
    {
        "cns": CnsMetastases(status="leptomeningeal"),
        "receptors": Receptors(er_percent=0, pr_percent=0, her2_ihc="1+"),
        "performance": Performance(ecog=2),
    },
    {"cns": CnsMetastases(status="present")},
    {"cns": CnsMetastases()},
]


@pytest.mark.parametrize("base", ["hr-her2low-bone-only-post-cdk46", "male-hr-positive"])
def test_patient_state_families_agree(snapshot_index: MatchIndex, base: str) -> None:
    """CNS, receptor, disease-site, performance-status, menopause, pregnancy, toxicity,
    measurability and sex codes agree with the evaluators constraint by constraint on every
    snapshot constraint of these families, over patient states that give every answer."""
    fams = [f for f in fast_plan(snapshot_index).bulk if f.family in STATE_FAMILIES]
    assert {f.family for f in fams} == set(STATE_FAMILIES)
    seen: dict[str, set[int | None]] = {}
    for state in PATIENT_STATES:
        ctx = context(example(base).model_copy(update=state))
        for fam in fams:
            for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
                c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
                assert code == truth_code(truth_of(c, ctx)), (fam.family, c.text, c.params, state)
                seen.setdefault(fam.family, set()).add(code)
    everything = {TRUTH_HOLDS, TRUTH_FAILS, TRUTH_UNKNOWN}
    for family in ("cns", "receptor", "disease_sites", "performance_status", "measurable_disease"):
        assert everything <= seen[family], (family, seen[family])
    assert seen["trial_participation"] == {TRUTH_UNKNOWN}
    if base.startswith("male"):  # menopause and pregnancy rules do not concern a man
        assert seen["menopause"] == {TRUTH_NOT_APPLICABLE}
        assert TRUTH_NOT_APPLICABLE in seen["pregnancy"]
    else:
        assert everything <= seen["menopause"] and everything <= seen["pregnancy"], seen
        assert everything <= seen["toxicity"], seen["toxicity"]


@pytest.mark.parametrize("state", PATIENT_STATES[1:4])
def test_patient_states_rank_the_same(snapshot_index: MatchIndex, state: dict[str, Any]) -> None:
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update=state)
    assert_same(snapshot_index, patient, explain_every_trial=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_patients_same_results_for_every_trial(
    snapshot_index: MatchIndex, name: str
) -> None:
    fast, _ = assert_same(snapshot_index, example(name), explain_every_trial=True)
    # a real ranking, not an empty one: every trial placed
    assert sum(len(v) for v in fast.order.values()) == len(snapshot_index)
    assert all(fast.order[v] for v in ("possibly_eligible", "ineligible"))


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_patients_same_results_with_registry_fields(
    registry_complete_index: MatchIndex, name: str
) -> None:
    # the bundled copies lack the registry's sex field, so no trial is "eligible" on them;
    # with it restored all three verdicts occur, and both paths must still agree
    fast, _ = assert_same(registry_complete_index, example(name), explain_every_trial=True)
    assert all(fast.order[v] for v in ("eligible", "possibly_eligible", "ineligible"))


def test_filters_and_distances_agree(snapshot_index: MatchIndex) -> None:
    patient = example("hr-her2low-bone-only-post-cdk46")
    for status in ("recruiting", "open"):
        fast, _ = assert_same(
            snapshot_index,
            patient,
            explain_every_trial=False,
            status=status,  # type: ignore[arg-type]
            near="10065",
            radius_km=1500.0,
        )
        kept = sum(len(v) for v in fast.order.values())
        assert 0 < kept < len(snapshot_index)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=patients())
def test_random_patients_same_results(snapshot_index: MatchIndex, data: dict[str, Any]) -> None:
    try:
        loaded = parse_patient(data, as_of=AS_OF)
    except PatientError:
        return  # an invalid random patient is reported, not matched
    assert_bulk_codes_agree(snapshot_index, loaded.patient)
    assert_same(snapshot_index, loaded.patient, explain_every_trial=False)


@pytest.mark.parametrize("name", EXAMPLES)
def test_interning_never_changes_a_result(
    snapshot_pairs: list[tuple[Trial, CompiledTrial]], snapshot_index: MatchIndex, name: str
) -> None:
    """The index evaluates one constraint per ``constraint_key`` and one truth per
    ``truth_key``; every constraint of every snapshot item, evaluated on its own, gets the
    status and missing facts of the one that stands for it (wording, confidence, item
    exceptions and time windows that an evaluator reads are part of the keys)."""
    ctx = context(example(name))
    index = snapshot_index
    truths: dict[int, Truth] = {}
    checked = 0
    for _trial, compiled in snapshot_pairs:
        for item in compiled.items:
            if not takes_part(item):
                continue
            for c in item.constraints:
                cid = index.constraint_id_of(c)
                tid = index.truth_ids[cid]
                if tid not in truths:
                    truths[tid] = truth_of(index.constraints[index.truth_reps[tid]], ctx)
                shared = result_from(index.constraints[cid], truths[tid])
                own = result_from(c, truth_of(c, ctx))
                assert (own.status, own.truth.missing) == (shared.status, shared.truth.missing), (
                    c.family,
                    c.text,
                )
                checked += 1
    assert checked > 30_000


@pytest.mark.parametrize("name", EXAMPLES)
def test_relevance_values_agree_with_the_explained_parts(
    snapshot_index: MatchIndex, name: str
) -> None:
    """The fast path's subtype and bone values (no explanation) equal the explained
    parts' values on every snapshot tag set, measurable disease known or not, and the
    explanation names exactly the tags that decided the value."""
    patient = example(name)
    seen: set[tuple[str, float]] = set()
    for measurable in (True, False, None):
        facts = derive(patient, as_of=AS_OF).model_copy(update={"measurable_disease": measurable})
        ctx = Context(patient, facts, AS_OF)
        good, bad = rank.subtype_sets(ctx)
        plan = fast_plan(snapshot_index)
        # the arrays over all tag sets equal the per-tag-set values
        assert subtype_values(plan, ctx).tolist() == [
            rank.subtype_value(good, bad, t) for t in plan.tag_sets
        ]
        assert plan.bone_values[measurable is False].tolist() == [
            rank.bone_value(t, measurable) for t in plan.tag_sets
        ]
        for tags in plan.tag_sets:
            value, why = rank.subtype_part(ctx, tags)
            assert rank.subtype_value(good, bad, tags) == value, tags
            named = good & set(tags) if value == 1.0 else bad & set(tags) if value == 0.0 else set()
            assert all(t in why for t in named) and (value == 0.5) == (not named), (tags, why)
            bone, _ = rank.bone_part(ctx, tags)
            assert rank.bone_value(tags, measurable) == bone, tags
            seen |= {("subtype", value), ("bone", bone)}
    assert {("subtype", 0.5), ("bone", 1.0), ("bone", 0.3), ("bone", 0.0)} <= seen, seen


#: organ-exception conditions (liver / bone metastases, Gilbert syndrome) present, absent
#: and not known, with labs on file or not
CONDITION_STATES: list[dict[str, Any]] = [
    {},
    {
        "disease": Disease(
            bone_lesions=[BoneLesion(type="lytic")],
            visceral_lesions=[VisceralLesion(organ="liver")],
        ),
        "comorbidities": [Comorbidity(name="Gilbert syndrome")],
    },
    {
        "disease": Disease(bone_lesions=[], visceral_lesions=[], nodal_lesions=[]),
        "comorbidities": [],
    },
    {"disease": Disease(), "comorbidities": None, "labs": []},
]


@pytest.mark.parametrize("state", CONDITION_STATES)
def test_organ_exception_items_agree(snapshot_index: MatchIndex, state: dict[str, Any]) -> None:
    """The organ-exception items combined as arrays get, item by item, the status of the
    Python combination on codes (``conditional_status``) and of the reference
    ``evaluate_item``."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update=state)
    ctx = context(patient)
    plan = fast_plan(snapshot_index)
    assert plan.conditional_arrays is not None and len(plan.conditional) > 100
    fast, ref = assert_same(snapshot_index, patient, explain_every_trial=False)
    assert fast.fast is not None
    codes = fast.fast.constraint_status.tolist()
    holds = {n: condition_holds(n, ctx)[0] for n in plan.condition_names}
    arrays = plan.conditional_arrays.statuses(fast.fast.constraint_status, holds)
    seen = set()
    for ci, code in zip(plan.conditional, arrays.tolist(), strict=True):
        assert code == conditional_status(ci, codes, holds), ci.iid
        assert STATUS_NAMES[code] == ref.item_results[ci.iid].status, ci.iid
        seen.add(code)
    assert len(seen) >= 2, seen


@pytest.mark.parametrize("origin", [None, "10065", "96813", "99501", "33101", "60614"])
def test_nearest_sites_agree(snapshot_index: MatchIndex, origin: str | None) -> None:
    """The nearest site of every snapshot site set from numpy distances (re-measured near
    the minimum) is the reference ``_nearest``'s: same site, same rounded distance, same
    any-open flag; origins in New York, Honolulu, Anchorage, Miami, Chicago and none."""
    where = None if origin is None else zip_to_latlon(origin)
    assert (where is None) == (origin is None)
    got = nearest_sites(fast_plan(snapshot_index), where)
    located = 0
    for sid, sites in enumerate(snapshot_index.site_sets):
        assert got[sid] == _nearest(sites, where), sid
        located += got[sid][1] is not None
    assert located == 0 if origin is None else located > 5


def test_round2_is_pythons_round() -> None:
    """Scores rounded as arrays equal Python's ``round(v, 2)``, halves and near-halves too."""
    rng = np.random.default_rng(7)
    x = rng.random(200_000) * 100
    halves = np.arange(0, 10_001) / 100 + 0.005
    x = np.concatenate([x, halves, np.nextafter(halves, 0), np.nextafter(halves, 200)])
    assert round2(x).tolist() == [round(v, 2) for v in x.tolist()]


#: lab files: none, normal and recent, abnormal with the lab's own limits, old results
#: (outside recency windows), partly recorded (CrCl from creatinine, no ULNs)
LAB_FILES: list[list[LabResult]] = [
    [],
    [
        LabResult(analyte="ANC", value=3.2, unit="10^9/L", date=date(2025, 12, 30)),
        LabResult(analyte="platelets", value=240, unit="10^9/L", date=date(2025, 12, 30)),
        LabResult(analyte="hemoglobin", value=12.5, unit="g/dL", date=date(2025, 12, 30)),
        LabResult(analyte="creatinine", value=0.8, unit="mg/dL", date=date(2025, 12, 30)),
        LabResult(analyte="bilirubin", value=0.6, unit="mg/dL", date=date(2025, 12, 30)),
        LabResult(analyte="AST", value=22, unit="U/L", date=date(2025, 12, 30)),
        LabResult(analyte="ALT", value=18, unit="U/L", date=date(2025, 12, 30)),
        LabResult(analyte="albumin", value=4.0, unit="g/dL", date=date(2025, 12, 30)),
    ],
    [
        LabResult(analyte="ANC", value=0.9, unit="10^9/L", date=date(2025, 12, 20), lln=1.8),
        LabResult(analyte="platelets", value=60, unit="10^9/L", date=date(2025, 12, 20)),
        LabResult(analyte="AST", value=130, unit="U/L", date=date(2025, 12, 20), uln=40),
        LabResult(analyte="ALT", value=90, unit="U/L", date=date(2025, 12, 20), uln=35),
        LabResult(analyte="bilirubin", value=2.5, unit="mg/dL", date=date(2025, 12, 20), uln=1.2),
        LabResult(analyte="creatinine", value=2.1, unit="mg/dL", date=date(2025, 12, 20)),
        LabResult(analyte="ALP", value=500, unit="U/L", date=date(2025, 12, 20), uln=120),
    ],
    [
        LabResult(analyte="ANC", value=2.0, unit="10^9/L", date=date(2025, 6, 1)),
        LabResult(analyte="hemoglobin", value=9.5, unit="g/dL", date=date(2025, 6, 1)),
        LabResult(analyte="creatinine", value=1.0, unit="mg/dL"),
        LabResult(analyte="AST", value=35, unit="U/L", uln=30),
    ],
]


@pytest.mark.parametrize("lab_file", LAB_FILES)
def test_lab_arrays_agree(snapshot_index: MatchIndex, lab_file: list[LabResult]) -> None:
    """Lab codes from the threshold table equal, constraint by constraint, the one-at-a-time
    ``codes_one_by_one`` and the evaluator's explained truth (recent / old / undated
    results, the lab's own ULN / LLN or the defaults, missing analytes)."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update={"labs": lab_file})
    ctx = context(patient)
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "lab"]
    assert fam.distinct_codes(ctx) == lab.codes_one_by_one(fam.batch.prepared, ctx)
    seen = set()
    for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
        c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
        assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
        seen.add(code)
    if lab_file:
        assert {TRUTH_HOLDS, TRUTH_FAILS, TRUTH_UNKNOWN} <= seen, seen
    else:
        assert TRUTH_UNKNOWN in seen


def test_window_day_shifts_match_date_arithmetic() -> None:
    """Prior therapy's windows on day numbers: ``as_of - timedelta(days=d)`` for whole and
    fractional lengths (the part of a day is ignored by date arithmetic)."""
    lengths = [0.0, 0.4, 2.5, 28.0, 29.999, 91.31, 182.625, 1826.25]
    shifts = prior_therapy._day_shifts(lengths)
    assert shifts is not None
    for as_of in (AS_OF, date(2024, 2, 29), date(2025, 3, 1)):
        for d, shift in zip(lengths, shifts.tolist(), strict=True):
            assert date.fromordinal(as_of.toordinal() + shift) == as_of - timedelta(days=d)


#: diagnosis states: metastatic or not known, de novo / recurrent / not recorded,
#: histology known / not known, receptors on file or not
DIAGNOSIS_STATES: list[dict[str, Any]] = [
    {},
    {
        "diagnosis": Diagnosis(histology="invasive_lobular", presentation="recurrent"),
        "disease": Disease(),
    },
    {"diagnosis": Diagnosis(), "disease": Disease(), "receptors": Receptors()},
    {
        "diagnosis": Diagnosis(presentation="de_novo", histology="metaplastic"),
        "receptors": Receptors(),
    },
]


@pytest.mark.parametrize("state", DIAGNOSIS_STATES)
def test_diagnosis_arrays_agree(snapshot_index: MatchIndex, state: dict[str, Any]) -> None:
    """Diagnosis codes from part counts equal, constraint by constraint, the one-at-a-time
    codes and the evaluator's explained truth."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(update=state)
    ctx = context(patient)
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "diagnosis"]
    assert fam.distinct_codes(ctx) == diagnosis.codes_one_by_one(fam.batch.prepared, ctx)
    seen = set()
    for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
        c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
        assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
        seen.add(code)
    assert {TRUTH_FAILS, TRUTH_UNKNOWN} <= seen, seen


@pytest.mark.parametrize("birth_date", [date(2008, 1, 6), date(2007, 1, 5), date(1960, 1, 5), None])
def test_age_arrays_agree(snapshot_index: MatchIndex, birth_date: date | None) -> None:
    """Age limits checked as arrays equal ``check`` one limit at a time and the evaluator
    (an age on a limit, inclusive or not; below 18; older; not known)."""
    patient = example("hr-her2low-bone-only-post-cdk46").model_copy(
        update={"birth_date": birth_date, "age_years": None}
    )
    ctx = context(patient)
    (fam,) = [f for f in fast_plan(snapshot_index).bulk if f.family == "age"]
    codes = fam.distinct_codes(ctx)
    assert codes == age.codes_one_by_one(fam.batch.prepared, ctx)
    for tid, code in zip(fam.tids, fam.codes(ctx), strict=True):
        c = snapshot_index.constraints[snapshot_index.truth_reps[tid]]
        assert code == truth_code(truth_of(c, ctx)), (c.text, c.params)
    expected = {TRUTH_UNKNOWN} if birth_date is None else {TRUTH_HOLDS, TRUTH_FAILS}
    assert set(codes) == expected, set(codes)
