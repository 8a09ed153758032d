# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0: a radiotherapy rule that names a site the parser has no category for
("to the bladder or kidney", "pelvic", "encompassing > 30% of marrow", "to the
mediastinum") says so (``site: ["other"]``); read as any radiotherapy, it had failed every
patient with a course on file. Sites next to other words ("non-target lesion", "axillary
dissection") are not taken. Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Prior or concurrent pelvic radiation therapy.", "exclusion"),
        ("Previous radiotherapy encompassing greater than 30% of marrow", "exclusion"),
        ("History of radiation to the vaginal area", "exclusion"),
        ("Prior ipsilateral axillary radiation", "exclusion"),
        ("No prior radiotherapy to the mediastinum", "inclusion"),
    ],
)
def test_a_site_without_a_category(text: str, kind: str) -> None:
    (c,) = fam(text, "radiotherapy", kind)
    assert c.params["site"] == ["other"]


def test_words_beside_the_rule_are_no_site() -> None:
    (c,) = fam(
        "More than 2 weeks since prior radiotherapy, except radiotherapy to a non-target lesion only or single-dose palliative radiotherapy",
        "radiotherapy",
    )
    assert "site" not in c.params
    (c,) = fam(
        "Concurrent radiotherapy to painful bone metastases or areas of impending bone fracture allowed provided radiotherapy is initiated before study entry",
        "radiotherapy",
    )
    assert c.params.get("site") == ["bone"]
    # bone marrow is no bone site: what share of the marrow was irradiated is not read
    (c,) = fam("Radiotherapy to greater than 25% of bone marrow", "radiotherapy", "exclusion")
    assert c.params.get("site") == ["other"]


def test_a_share_of_the_marrow_is_no_bone_site() -> None:
    (c,) = fam(
        "Prior radiation that included 30% of major bone marrow-containing areas.",
        "radiotherapy",
        "exclusion",
    )
    assert c.params["site"] == ["other"]


def test_a_share_of_the_marrow_written_in_words() -> None:
    (c,) = fam(
        "Have a history of radiation therapy involving more than 25 percent of the bone marrow.",
        "radiotherapy",
        "exclusion",
    )
    assert c.params["site"] == ["other"]


# --- parser 0.18.5 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Participants must have at least 1 measurable lesion as defined by RECIST version 1.1 that has not been previously irradiated.",
        "For biomarker analysis, adequate newly obtained core or excisional biopsy of a not-previously-irradiated metastatic tumor lesion (mandatory)",
        "Site of measurable disease must not have been irradiated (except chest wall recurrence treated with adjuvant radiation therapy)",
    ],
)
def test_lesion_not_previously_irradiated_asks_for_a_non_irradiated_lesion(text: str) -> None:
    # read as an exclusion of prior radiotherapy, it failed every patient with a course
    (c,) = fam(text, "radiotherapy")
    assert c.polarity == "require" and "non_irradiated_lesion" in c.params["aspect"]


def test_radiotherapy_excepted_with_its_abbreviation_is_no_rule() -> None:
    text = "No prior anti-cancer treatment in previous 4 weeks, other than palliative radiotherapy (RT)."
    assert fam(text, "radiotherapy") == []
    (c,) = fam(text, "prior_therapy")
    # "in previous 4 weeks" (no "the") is a window too
    assert c.time_window is not None and (c.time_window.relation, c.time_window.days) == (
        "within",
        28,
    )
