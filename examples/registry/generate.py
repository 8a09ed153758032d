#!/usr/bin/env python3
"""Generate the SYNTHETIC example registry in this folder (fixed seed).

Every patient, date and value here is invented by a pseudo-random generator.
The cohort is only *shaped* like the COMBART registry (J Clin Med
2025;14:4662): ~40 women with bone metastases from HR+ breast cancer on a
CDK4/6 inhibitor (palbociclib / ribociclib / abemaciclib) plus endocrine
therapy, given bone radiotherapy (SBRT or conventional), with NRS pain at
baseline and follow-up and CTCAE toxicities. It is not COMBART data and must
never be used as evidence about any treatment.

Usage: python examples/registry/generate.py [OUTPUT_DIR]
Only the standard library is used, so the output depends on the seed alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

SEED = 20250701
N_PATIENTS = 40
OUT = Path(__file__).resolve().parent

SBRT_REGIMENS = [(27, 3), (30, 5), (35, 5), (24, 3), (20, 1), (24, 2)]
CONV_REGIMENS = [(8, 1), (20, 5), (30, 10), (24, 6)]
SITES = [
    "spine",
    "spine",
    "spine",
    "pelvis",
    "pelvis",
    "rib",
    "femur",
    "humerus",
    "sternum",
    "scapula",
]
ENDOCRINE = ["letrozole", "anastrozole", "fulvestrant", "exemestane"]


def write(name: str, header: list[str], rows: list[list[object]], out: Path) -> None:
    with (out / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def opioid_cell(rng: random.Random, level: int) -> str:
    """level 0 = none; higher = more opioid (mg/day or ug/h)."""
    if level == 0:
        return "none"
    kind = rng.choice(["oxycodone_oral", "morphine_oral", "fentanyl_transdermal", "tramadol_oral"])
    amount = {
        "oxycodone_oral": [10, 20, 30, 40],
        "morphine_oral": [20, 30, 60, 90],
        "fentanyl_transdermal": [12, 25, 37, 50],
        "tramadol_oral": [100, 150, 200, 300],
    }[kind][min(level, 4) - 1]
    unit = "ug/h" if kind == "fentanyl_transdermal" else "mg/day"
    return f"{kind} {amount} {unit}"


def scale_opioid(cell: str, factor: float) -> str:
    if cell == "none":
        return cell
    drug, amount, unit = cell.split()
    new = round(float(amount) * factor)
    return "none" if new <= 0 else f"{drug} {new} {unit}"


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    cdk = ["palbociclib"] * 12 + ["ribociclib"] * 21 + ["abemaciclib"] * 7
    rng.shuffle(cdk)
    start_dose = {"palbociclib": 125, "ribociclib": 600, "abemaciclib": 150}
    levels = {
        "palbociclib": [125, 100, 75],
        "ribociclib": [600, 400, 200],
        "abemaciclib": [150, 100, 50],
    }

    patients, lesions, courses, therapy, pain, aes, labs, pets, events = ([] for _ in range(9))
    lesion_no = course_no = 0
    for i in range(N_PATIENTS):
        pid = f"SYN-{i + 1:03d}"
        drug = cdk[i]
        age = rng.randint(38, 82)
        weight = round(rng.uniform(48, 95), 1)
        height = round(rng.uniform(150, 178))
        creat = round(rng.uniform(0.55, 1.6), 2)
        index = dt.date(2022, 1, 10) + dt.timedelta(days=rng.randint(0, 700))
        followup_days = rng.randint(150, 900)
        last_fu = index + dt.timedelta(days=followup_days)
        bone_agent = rng.choice(["zoledronic_acid", "zoledronic_acid", "denosumab", "none"])
        schedule = (
            rng.choice(["q4w", "q12w"])
            if bone_agent == "zoledronic_acid"
            else ("q4w" if bone_agent == "denosumab" else None)
        )

        # --- events: progression, death, SREs
        died = rng.random() < 0.18
        death_date = index + dt.timedelta(days=rng.randint(60, followup_days)) if died else None
        if death_date is not None:
            last_fu = death_date
        if rng.random() < 0.45:
            prog = index + dt.timedelta(days=rng.randint(45, (last_fu - index).days))
            events.append([pid, prog.isoformat(), "progression", None])
        sre_lesion_pending = rng.random() < 0.2

        # --- lesions and RT courses (SBRT ~3/4 of lesions)
        n_les = rng.choice([1, 2, 3, 3, 4, 4, 5])
        pt_lesions = []
        for j in range(n_les):
            lesion_no += 1
            lid = f"L{lesion_no:03d}"
            pt_lesions.append(lid)
            lesions.append(
                [
                    lid,
                    pid,
                    rng.choice(SITES),
                    rng.choice(["blastic", "mixed", "lytic"]),
                    "yes" if j == 0 else "no",
                ]
            )
            course_no += 1
            sbrt = rng.random() < 0.76
            total, fx = rng.choice(SBRT_REGIMENS if sbrt else CONV_REGIMENS)
            start = index + dt.timedelta(days=0 if j == 0 else rng.randint(0, 10))
            end = start + dt.timedelta(days=(fx - 1) * (2 if sbrt else 1) + (fx - 1) // 5 * 2)
            technique = "sbrt" if sbrt else rng.choice(["3dcrt", "vmat", "vmat"])
            courses.append(
                [
                    f"C{course_no:03d}",
                    pid,
                    lid,
                    start.isoformat(),
                    end.isoformat(),
                    total,
                    fx,
                    technique,
                    "yes" if sbrt else "no",
                ]
            )
        if sre_lesion_pending:
            sre_date = index + dt.timedelta(days=rng.randint(40, max(41, (last_fu - index).days)))
            if sre_date <= last_fu:
                events.append(
                    [
                        pid,
                        sre_date.isoformat(),
                        rng.choice(
                            [
                                "pathologic_fracture",
                                "radiation_to_bone",
                                "spinal_cord_compression",
                                "surgery_to_bone",
                            ]
                        ),
                        rng.choice(pt_lesions),
                    ]
                )
        if death_date is not None:
            events.append([pid, death_date.isoformat(), "death", None])

        # --- pain: baseline, 1m, 3m (COMBART: mean NRS 3.52 -> 1.31)
        b_nrs = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8])
        b_level = 0 if b_nrs <= 3 and rng.random() < 0.7 else rng.randint(1, 3)
        b_op = opioid_cell(rng, b_level)
        pain.append([pid, index.isoformat(), "baseline", b_nrs, b_op, rng.choice(["yes", "no"])])
        drop = rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 5, 6])
        for tp, days, frac in (("1m", 30, 0.6), ("3m", 91, 1.0)):
            when = index + dt.timedelta(days=days + rng.randint(-5, 7))
            if when > last_fu or rng.random() < 0.04:
                continue  # dead, lost to follow-up or missed visit
            nrs = max(0, min(10, b_nrs - round(drop * frac) + rng.choice([0, 0, 0, 1, -1])))
            if rng.random() < 0.1:
                nrs = min(10, b_nrs + 2)  # pain flare / progression
            factor = rng.choice([1.0, 1.0, 0.5, 0.7, 1.3, 0.0])
            op = "" if rng.random() < 0.05 else scale_opioid(b_op, factor)
            pain.append([pid, when.isoformat(), tp, nrs, op, rng.choice(["yes", "no"])])

        # --- systemic therapy: CDK4/6i started before RT (concurrent), changes
        cdk_start = index - dt.timedelta(days=rng.randint(20, 400))
        dose = start_dose[drug]
        therapy.append([pid, cdk_start.isoformat(), drug, "start", dose, None, None])
        therapy.append(
            [pid, cdk_start.isoformat(), rng.choice(ENDOCRINE), "start", None, None, None]
        )
        tox_change = rng.random() < 0.25
        if tox_change:
            when = index + dt.timedelta(days=rng.randint(10, 80))
            if when <= last_fu:
                kind = rng.choice(["dose_reduction", "interruption", "interruption"])
                if kind == "dose_reduction":
                    therapy.append(
                        [pid, when.isoformat(), drug, kind, levels[drug][1], "toxicity", None]
                    )
                else:
                    therapy.append(
                        [
                            pid,
                            when.isoformat(),
                            drug,
                            kind,
                            None,
                            "toxicity",
                            rng.choice([5, 7, 10, 14]),
                        ]
                    )
        if bone_agent != "none":
            interval = 28 if schedule == "q4w" else 84
            when = index - dt.timedelta(days=rng.randint(0, 20))
            agent_dose = 120.0 if bone_agent == "denosumab" else 4.0
            while when <= last_fu:
                therapy.append(
                    [pid, when.isoformat(), bone_agent, "administration", agent_dose, None, None]
                )
                when += dt.timedelta(days=interval + rng.choice([0, 0, 0, 3, -2, 10, 21]))

        # --- adverse events (mostly mild)
        pool = [
            ("Fatigue", "cdk46i"),
            ("Nausea", "rt_and_cdk46i"),
            ("Pain flare", "rt"),
            ("Radiation dermatitis", "rt"),
            ("Esophagitis", "rt"),
            ("Neutrophil count decreased", "cdk46i"),
        ]
        if drug == "abemaciclib":
            pool += [("Diarrhea", "cdk46i")] * 3
        for term, attr in rng.sample(pool, k=rng.randint(0, 3)):
            g = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
            when = index + dt.timedelta(days=rng.randint(1, 80))
            if when <= last_fu:
                aes.append([pid, term, g, when.isoformat(), attr])

        # --- labs: neutrophils and ALT at baseline, 1m, 3m; QTc on ribociclib
        anc_base = round(rng.uniform(1.3, 3.5), 2)
        alt_base = rng.choice([18, 22, 25, 31, 35, 55])  # 55 > ULN 40: abnormal baseline
        for days in (0, 30, 91):
            when = index + dt.timedelta(days=days)
            if when > last_fu:
                continue
            anc = round(max(0.3, anc_base - rng.uniform(0, 1.4) if days else anc_base), 2)
            labs.append([pid, when.isoformat(), "neutrophils", anc, "10^9/L", 2.0, None])
            alt = round(alt_base * (rng.uniform(0.8, 3.5) if days else 1.0))
            labs.append([pid, when.isoformat(), "alt", alt, "U/L", None, 40])
            if drug == "ribociclib":
                labs.append([pid, when.isoformat(), "qtc", rng.randint(410, 492), "ms", None, None])

        # --- PET: about two thirds of patients, baseline and ~3 months
        if rng.random() < 0.65:
            liver = round(rng.uniform(1.6, 2.4), 2)
            b_sul = round(rng.uniform(3.5, 12.0), 1)
            pets.append(
                [
                    pid,
                    (index - dt.timedelta(days=rng.randint(3, 25))).isoformat(),
                    "baseline",
                    b_sul,
                    liver,
                    0.25,
                    round(b_sul * rng.uniform(8, 40), 1),
                    60,
                    "PET-A",
                    "no",
                ]
            )
            when = index + dt.timedelta(days=rng.randint(80, 110))
            if when <= last_fu:
                f_sul = round(b_sul * rng.choice([0.2, 0.45, 0.6, 0.8, 0.95, 1.1, 1.45]), 1)
                new = "yes" if rng.random() < 0.08 else "no"
                f_liver = round(liver * rng.choice([1.0, 1.05, 0.95, 1.3]), 2)
                uptake = rng.choice([60, 62, 70, 80])
                pets.append(
                    [
                        pid,
                        when.isoformat(),
                        "followup",
                        f_sul,
                        f_liver,
                        0.25,
                        round(f_sul * rng.uniform(8, 40), 1),
                        uptake,
                        rng.choice(["PET-A", "PET-A", "PET-B"]),
                        new,
                    ]
                )

        patients.append(
            [
                pid,
                "F",
                age,
                weight,
                height,
                creat,
                drug,
                rng.choice(ENDOCRINE),
                bone_agent,
                schedule,
                index.isoformat(),
                last_fu.isoformat(),
            ]
        )

    write(
        "patients.csv",
        [
            "patient_id",
            "sex",
            "age",
            "weight_kg",
            "height_cm",
            "serum_creatinine_mg_dl",
            "cdk46_inhibitor",
            "endocrine_partner",
            "bone_agent",
            "bone_agent_schedule",
            "index_date",
            "last_followup_date",
        ],
        patients,
        out,
    )
    write(
        "lesions.csv",
        ["lesion_id", "patient_id", "site", "lesion_type", "index_site"],
        lesions,
        out,
    )
    write(
        "rt_courses.csv",
        [
            "course_id",
            "patient_id",
            "lesion_id",
            "start_date",
            "end_date",
            "total_dose_gy",
            "fractions",
            "technique",
            "stereotactic",
        ],
        courses,
        out,
    )
    write(
        "systemic_therapy.csv",
        ["patient_id", "date", "drug", "action", "dose_mg", "reason", "duration_days"],
        therapy,
        out,
    )
    write(
        "pain_assessments.csv",
        ["patient_id", "date", "timepoint", "worst_nrs", "opioids", "nsaids"],
        pain,
        out,
    )
    write(
        "adverse_events.csv", ["patient_id", "term", "grade", "onset_date", "attribution"], aes, out
    )
    write("labs.csv", ["patient_id", "date", "test", "value", "unit", "lln", "uln"], labs, out)
    write(
        "pet_scans.csv",
        [
            "patient_id",
            "date",
            "timepoint",
            "sulpeak",
            "liver_sul_mean",
            "liver_sul_sd",
            "tlg",
            "uptake_time_min",
            "scanner",
            "new_lesions",
        ],
        pets,
        out,
    )
    write("events.csv", ["patient_id", "date", "event", "lesion_id"], events, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
