"""Every input layout, and bad input naming the file and record."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from osteotrials.sources import RecordError, read_path, read_trials
from paths import SNAPSHOT_JSONL, TRIAL_FIXTURES

NERATINIB_JSON = (
    TRIAL_FIXTURES
    / "mcode-clinical-trial-matching-service-breastcancertrials.org"
    / "NCT03377387.json"
)


def snapshot_lines(n: int) -> list[str]:
    with SNAPSHOT_JSONL.open() as handle:
        return [next(handle) for _ in range(n)]


def test_whole_snapshot_reads_without_errors() -> None:
    results = list(read_path(SNAPSHOT_JSONL))
    assert len(results) == 1253
    assert [r for r in results if r.error] == []
    ids = [r.trial.nct_id for r in results if r.trial]
    assert len(set(ids)) == 1253


def test_studies_page_and_list(tmp_path: Path) -> None:
    studies = [json.loads(line) for line in snapshot_lines(3)]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies, "nextPageToken": "abc"}))
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps(studies))
    for path in (page, listing):
        assert [t.nct_id for t in read_trials([path])] == [
            s["protocolSection"]["identificationModule"]["nctId"] for s in studies
        ]


def test_bulk_zip_one_json_per_study(tmp_path: Path) -> None:
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for line in snapshot_lines(5):
            nct = json.loads(line)["protocolSection"]["identificationModule"]["nctId"]
            zf.writestr(f"ctg-studies/{nct}.json", line)
        zf.write(NERATINIB_JSON.with_suffix(".xml"), "legacy/NCT03377387.xml")
    trials = list(read_trials([archive]))
    assert len(trials) == 6
    assert trials[-1].nct_id == "NCT03377387"


def test_folder_is_read_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.json").write_text(NERATINIB_JSON.read_text(encoding="utf-8"))
    (tmp_path / "a.jsonl").write_text("".join(snapshot_lines(2)))
    (tmp_path / "notes.txt").write_text("ignored")
    assert len(list(read_trials([tmp_path]))) == 3


def test_invalid_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = snapshot_lines(3)
    lines[1] = lines[1][:200] + "\n"  # truncated record
    path.write_text("".join(lines))
    results = list(read_path(path))
    assert [r.error is None for r in results] == [True, False, True]
    error = results[1].error
    assert error is not None
    assert f"{path}:2" in str(error) and "invalid JSON" in str(error)
    with pytest.raises(RecordError, match=r"bad\.jsonl:2"):
        list(read_trials([path]))


def test_record_without_nct_id_names_its_position(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"studies": [{"protocolSection": {"identificationModule": {}}}]}))
    with pytest.raises(RecordError, match=r"page.json studies\[0\].*no NCT id"):
        list(read_trials([path]))


def test_wrong_type_error_names_file_and_nct_id(tmp_path: Path) -> None:
    study = json.loads(NERATINIB_JSON.read_text(encoding="utf-8"))
    study["protocolSection"]["designModule"]["phases"] = "PHASE2"
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study))
    with pytest.raises(RecordError) as info:
        list(read_trials([path]))
    message = str(info.value)
    assert str(path) in message and "NCT03377387" in message and "phases" in message


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no such file"):
        list(read_trials([tmp_path / "nope.json"]))
    other = tmp_path / "trials.csv"
    other.write_text("a,b")
    with pytest.raises(RecordError, match=r"unsupported file type \.csv"):
        list(read_trials([other]))
    broken_zip = tmp_path / "broken.zip"
    broken_zip.write_bytes(b"PK not really")
    with pytest.raises(RecordError, match="not a valid zip"):
        list(read_trials([broken_zip]))
