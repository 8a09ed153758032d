"""Registry format: the example loads; every kind of bad row is reported, nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from osteotrials.outcomes.errors import OutcomesError, RegistryValidationError
from osteotrials.outcomes.registry import load_registry, parse_opioids

from .conftest import Editor, read_csv, write_csv


def test_example_registry_loads(example_registry: Path) -> None:
    reg = load_registry(example_registry)
    assert len(reg.patients) == len(read_csv(example_registry / "patients.csv")) == 40
    assert len(reg.lesions) == len(read_csv(example_registry / "lesions.csv"))
    assert len(reg.pain_assessments) == len(read_csv(example_registry / "pain_assessments.csv"))


def errors_of(path: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(RegistryValidationError) as exc:
        load_registry(path)
    assert isinstance(exc.value, ValueError)
    return [(e.file, e.row, e.column, e.message) for e in exc.value.errors]


@pytest.mark.parametrize(
    ("table", "index", "column", "value", "needle"),
    [
        ("pain_assessments", 0, "worst_nrs", "11", "outside 0-10"),
        ("pain_assessments", 1, "worst_nrs", "-1", "outside 0-10"),
        ("pain_assessments", 2, "worst_nrs", "4.5", "not a whole number"),
        ("patients", 0, "index_date", "2023-02-30", "not a real calendar date"),
        ("patients", 1, "index_date", "12/03/2023", "YYYY-MM-DD"),
        ("rt_courses", 0, "total_dose_gy", "-8", "negative"),
        ("systemic_therapy", 0, "dose_mg", "-125", "negative"),
        ("labs", 0, "unit", "mg/dL", "not accepted for neutrophils"),
        ("pain_assessments", 0, "opioids", "oxycodone_oral 20 mg/h", "unknown unit"),
        (
            "pain_assessments",
            0,
            "opioids",
            "fentanyl_transdermal 25 mg/day",
            "must be given in ug/h",
        ),
        ("pain_assessments", 0, "opioids", "oxycodone_oral -5 mg/day", "negative"),
        ("pain_assessments", 0, "opioids", "unobtainium 5 mg/day", "unknown opioid"),
        ("patients", 0, "cdk46_inhibitor", "dalpiciclib", "not one of"),
        ("lesions", 0, "patient_id", "SYN-999", "unknown patient"),
        ("adverse_events", 0, "grade", "6", "outside 1-5"),
        ("patients", 0, "sex", "", "value is required"),
    ],
)
def test_row_level_errors(
    registry_copy: Path,
    edit_cell: Editor,
    table: str,
    index: int,
    column: str,
    value: str,
    needle: str,
) -> None:
    edit_cell(table, index, column, value)
    errs = errors_of(registry_copy)
    hits = [e for e in errs if e[0] == f"{table}.csv" and e[2] == column and needle in e[3]]
    assert hits, errs
    # spreadsheet row: header is row 1, so data index 0 is row 2
    assert hits[0][1] == index + 2


def test_end_before_start_and_followup_before_index(registry_copy: Path, edit_cell: Editor) -> None:
    courses = read_csv(registry_copy / "rt_courses.csv")
    edit_cell("rt_courses", 0, "end_date", "2000-01-01")
    edit_cell("patients", 0, "last_followup_date", "2001-01-01")
    errs = errors_of(registry_copy)
    assert ("rt_courses.csv", 2, "end_date", "is before start_date") in errs
    assert ("patients.csv", 2, "last_followup_date", "is before index_date") in errs
    assert courses  # the table was read


def test_duplicates_missing_file_unknown_column(registry_copy: Path) -> None:
    rows = read_csv(registry_copy / "patients.csv")
    write_csv(registry_copy / "patients.csv", [*rows, rows[0]])
    (registry_copy / "rt_courses.csv").unlink()
    les = read_csv(registry_copy / "lesions.csv")
    for r in les:
        r["colour"] = "blue"
    write_csv(registry_copy / "lesions.csv", les)
    errs = errors_of(registry_copy)
    assert any(
        e[0] == "patients.csv" and e[2] == "patient_id" and "duplicate" in e[3] for e in errs
    )
    assert ("rt_courses.csv", 0, "-", "required file is missing") in errs
    assert any(
        e[0] == "lesions.csv" and e[2] == "colour" and "unknown column" in e[3] for e in errs
    )


def test_all_errors_are_collected_and_message_is_readable(
    registry_copy: Path, edit_cell: Editor
) -> None:
    edit_cell("pain_assessments", 0, "worst_nrs", "12")
    edit_cell("labs", 3, "value", "-2")
    with pytest.raises(RegistryValidationError) as exc:
        load_registry(registry_copy)
    assert len(exc.value.errors) == 2
    text = str(exc.value)
    assert "pain_assessments.csv, row 2, column 'worst_nrs'" in text
    assert "labs.csv, row 5, column 'value'" in text


def test_events_after_death(registry_copy: Path) -> None:
    import datetime as dt

    events = read_csv(registry_copy / "events.csv")
    death = next(e for e in events if e["event"] == "death")
    pid = death["patient_id"]
    events.append({"patient_id": pid, "date": death["date"], "event": "death", "lesion_id": ""})
    write_csv(registry_copy / "events.csv", events)
    aes = read_csv(registry_copy / "adverse_events.csv")
    later = (dt.date.fromisoformat(death["date"]) + dt.timedelta(days=1)).isoformat()
    aes.append(
        {
            "patient_id": pid,
            "term": "Fatigue",
            "grade": "1",
            "onset_date": later,
            "attribution": "rt",
        }
    )
    write_csv(registry_copy / "adverse_events.csv", aes)
    errs = errors_of(registry_copy)
    assert any(e[0] == "events.csv" and "second death" in e[3] for e in errs)
    assert any(
        e[0] == "adverse_events.csv"
        and e[1] == len(aes) + 1
        and "after the patient's death" in e[3]
        for e in errs
    )


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OutcomesError) as exc:
        load_registry(tmp_path / "nope")
    assert exc.value.field == "registry_dir"


def test_parse_opioids() -> None:
    assert parse_opioids("none") == ()
    assert parse_opioids("oxycodone_oral 20 mg/day; fentanyl_transdermal 25 µg/h") == (
        ("oxycodone_oral", 20.0, "mg/day"),
        ("fentanyl_transdermal", 25.0, "ug/h"),
    )
    with pytest.raises(ValueError, match="drug amount unit"):
        parse_opioids("oxycodone 20")


def test_row_numbers_count_blank_lines_and_quoted_newlines(registry_copy: Path) -> None:
    path = registry_copy / "lesions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    # line 2 is blank, line 3 holds a valid row, line 4 a bad one
    bad = (
        second.replace(",spine,", ",knee,").replace(",pelvis,", ",knee,").replace(",rib,", ",knee,")
    )
    bad_fields = bad.split(",")
    bad_fields[2] = "knee"
    text = "\n".join([header, "", first, ",".join(bad_fields), *lines[3:]]) + "\n"
    path.write_text(text, encoding="utf-8")
    errs = errors_of(registry_copy)
    assert [e[:3] for e in errs if e[0] == "lesions.csv"] == [("lesions.csv", 4, "site")]


def test_quoted_cell_with_newline_is_one_value(registry_copy: Path) -> None:
    rows = read_csv(registry_copy / "patients.csv")
    rows[0]["endocrine_partner"] = "letrozole\nthen fulvestrant"
    write_csv(registry_copy / "patients.csv", rows)
    reg = load_registry(registry_copy)
    assert reg.patients[rows[0]["patient_id"]].endocrine_partner == "letrozole\nthen fulvestrant"
