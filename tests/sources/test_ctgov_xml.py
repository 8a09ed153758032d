"""Legacy <clinical_study> XML: parsed to the same fields as its API v2 twin."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from osteotrials.model import Trial
from osteotrials.sources import RecordError, read_path
from osteotrials.sources.ctgov_xml import legacy_date, study_from_xml, textblock_to_markdown
from paths import TRIAL_FIXTURES

NERATINIB = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service-breastcancertrials.org"
PALLAS = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service"


def one(path: object) -> Trial:
    results = list(read_path(path))  # type: ignore[arg-type]
    assert len(results) == 1 and results[0].error is None, results
    assert results[0].trial is not None
    return results[0].trial


def normalised(text: str | None) -> str:
    """Criteria text without API v2 markdown escapes and layout whitespace."""
    assert text is not None
    return re.sub(r"\s+", " ", re.sub(r"\\([<>*_\[\]()#+^-])", r"\1", text)).strip()


@pytest.mark.parametrize("folder, nct_id", [(NERATINIB, "NCT03377387"), (PALLAS, "NCT02513394")])
def test_xml_twin_has_same_id_title_and_criteria(folder: object, nct_id: str) -> None:
    from_json = one(folder / f"{nct_id}.json")  # type: ignore[operator]
    from_xml = one(folder / f"{nct_id}.xml")  # type: ignore[operator]
    assert from_xml.nct_id == from_json.nct_id == nct_id
    assert from_xml.brief_title == from_json.brief_title
    assert from_xml.official_title == from_json.official_title
    assert normalised(from_xml.eligibility.criteria) == normalised(from_json.eligibility.criteria)
    assert from_xml.eligibility.minimum_age_years == from_json.eligibility.minimum_age_years
    assert from_xml.phases == from_json.phases
    assert from_xml.study_type == from_json.study_type
    assert from_xml.design == from_json.design


def test_xml_twin_locations_match_json() -> None:
    from_json = one(NERATINIB / "NCT03377387.json")
    from_xml = one(NERATINIB / "NCT03377387.xml")

    def place(t: Trial) -> Counter[tuple[str | None, ...]]:
        return Counter((loc.city, loc.state, loc.zip, loc.country) for loc in t.locations)

    assert place(from_xml) == place(from_json)
    # One Miami site was renamed between the 2020 XML and the 2023 JSON version.
    renamed = {loc.facility for loc in from_xml.locations} ^ {
        loc.facility for loc in from_json.locations
    }
    assert renamed == {"Baptist Health South Florida", "Baptist Alliance - McI"}
    assert [loc.status for loc in from_xml.locations] == ["RECRUITING"] * 10


def test_older_xml_version_of_pallas_is_a_subset_of_the_newer_sites() -> None:
    # The XML (last update 2020-03-09) lists 233 sites, the JSON (2023-06-15) 437:
    # sites were added and renamed in between, so compare places, not names.
    from_json = one(PALLAS / "NCT02513394.json")
    from_xml = one(PALLAS / "NCT02513394.xml")
    assert len(from_xml.locations) == 233
    json_places = {(loc.city, loc.country) for loc in from_json.locations}
    xml_places = {(loc.city, loc.country) for loc in from_xml.locations}
    assert len(xml_places & json_places) / len(xml_places) > 0.95
    assert from_xml.record_version == "2020-03-09"
    assert from_json.record_version == "2023-06-15"


def test_xml_status_dates_and_version() -> None:
    trial = one(NERATINIB / "NCT03377387.xml")
    assert trial.overall_status == "RECRUITING"
    assert trial.start_date == "2017-12-13"
    assert trial.completion_date == "2021-12"
    assert trial.record_version == "2020-07-14"
    assert trial.record_version_basis == "last_update_posted"
    assert trial.provenance.source_date == "2020-07-24"
    assert "Rajani" not in str(trial.raw)  # contact names are not read


def test_textblock_reflow_keeps_words_and_nesting() -> None:
    text = """
        Inclusion Criteria:

          -  First item that wraps
             onto a second line.

               -  A nested item.

          -  Second item.

        Exclusion Criteria:

          1. Numbered item.
    """
    assert textblock_to_markdown(text) == (
        "Inclusion Criteria:\n\n* First item that wraps onto a second line.\n"
        "  * A nested item.\n* Second item.\n\nExclusion Criteria:\n\n1. Numbered item."
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [("March 9, 2020", "2020-03-09"), ("December 2021", "2021-12"), ("", None), (None, None)],
)
def test_legacy_dates(text: str | None, iso: str | None) -> None:
    assert legacy_date(text) == iso


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<clinical_study><id_info>", "invalid XML"),
        ("<study><nct_id>NCT03377387</nct_id></study>", "expected a <clinical_study>"),
        ("<clinical_study><brief_title>x</brief_title></clinical_study>", "no NCT id"),
    ],
)
def test_bad_xml_is_a_clear_error(xml: str, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        study_from_xml(xml)
