"""Parser 0.17.0: the items of a flat list under a head that names the other cancers a
trial allows ("Patients who had the following cancers are eligible if diagnosed and
treated within the past 5 years:") are other-malignancy exceptions. Read as diagnoses in
an inclusion list, "Carcinoma in situ of the cervix" and "Melanoma in situ" were required
cancers, and every patient failed the trial. Real snapshot records."""

from __future__ import annotations

from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import compile_criteria


def test_a_flat_list_of_allowed_other_cancers() -> None:
    items = compile_criteria(criteria_texts()["NCT00513292"])
    listed = {
        "Carcinoma in situ of the cervix",
        "Colon carcinoma in situ",
        "Melanoma in situ",
        "Basal cell and squamous cell carcinoma of the skin",
    }
    found = [i for i in items if i.text in listed]
    assert {i.text for i in found} == listed
    for item in found:
        (c,) = item.constraints
        assert c.family == "other_malignancy" and c.polarity == "allow"
        assert c.params == {"exceptions": [item.text]}
    # the list ends where the other cancers end
    after = next(i for i in items if i.text.startswith("No cardiac disease"))
    assert all(c.family != "other_malignancy" for c in after.constraints)


def test_a_list_of_cancers_a_trial_is_for_is_left_alone() -> None:
    # "Advanced cancer potentially sensitive to vinorelbine:" names the cancers treated (a
    # flat list of alternatives the matcher does not pair yet)
    items = compile_criteria(criteria_texts()["NCT00432562"])
    (nhl,) = [i for i in items if i.text == "Non-Hodgkins lymphoma."]
    assert {c.family for c in nhl.constraints} == {"diagnosis"}


def test_a_basket_trials_list_of_allowed_tumours_is_left_alone() -> None:
    # "For Phase 2, the following solid tumors are allowed:" names the cancers the trial
    # takes, not other cancers: the head must say the cancers are other ones
    items = compile_criteria(criteria_texts()["NCT04787042"])
    (listed,) = [i for i in items if i.text.startswith("Melanoma, RCC, TNBC, NSCLC")]
    assert "diagnosis" in {c.family for c in listed.constraints}
    assert "other_malignancy" not in {c.family for c in listed.constraints}
