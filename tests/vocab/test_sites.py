"""Site and condition synonyms."""

from __future__ import annotations

from osteotrials.vocab import sites, versions


def test_site_synonyms() -> None:
    assert sites.normalise_site("osseous") == "bone"
    assert sites.normalise_site("skeletal") == "bone"
    assert sites.normalise_site("hepatic") == "liver"
    assert sites.normalise_site("CNS") == "brain"
    assert sites.normalise_site("leptomeningeal") == "leptomeningeal"
    assert sites.normalise_site("kidney") is None


def test_find_sites_in_real_text() -> None:
    # NCT00003782 (NLI4CT): "Skeletal pain allowed if bone scan negative for metastases"
    assert sites.find_sites("Skeletal pain allowed if bone scan negative for metastases") == [
        "bone"
    ]
    found = sites.find_sites("Known brain metastases or leptomeningeal disease")
    assert found == ["brain", "leptomeningeal"]
    assert "spinal_cord" in sites.find_sites("symptomatic spinal cord compression")
    assert "bone" not in sites.find_sites("symptomatic spinal cord compression")


def test_conditions() -> None:
    assert "breast_cancer" in sites.find_conditions(
        "Histologically confirmed adenocarcinoma of the breast"
    )
    assert "metastatic" in sites.find_conditions("stage IV disease")
    assert "locally_advanced" in sites.find_conditions("locally advanced or metastatic")


def test_versions() -> None:
    assert set(versions()) == {"drugs", "labs", "sites"}
    assert all(versions().values())
