"""Disease-site, condition and histology synonyms (``data/sites.yaml``)."""

from __future__ import annotations

import re
from functools import cache

from osteotrials.vocab._data import load_yaml

DATA_FILE = "sites.yaml"


@cache
def version() -> str:
    return str(load_yaml(DATA_FILE)["version"])


def _compile(group: str) -> dict[str, re.Pattern[str]]:
    raw = load_yaml(DATA_FILE)[group]
    return {
        str(k): re.compile("|".join(f"(?:{p})" for p in v), re.IGNORECASE) for k, v in raw.items()
    }


@cache
def site_patterns() -> dict[str, re.Pattern[str]]:
    return _compile("sites")


@cache
def condition_patterns() -> dict[str, re.Pattern[str]]:
    return _compile("conditions")


@cache
def histology_patterns() -> dict[str, re.Pattern[str]]:
    return _compile("histology")


@cache
def metastasis_pattern() -> re.Pattern[str]:
    raw = load_yaml(DATA_FILE)["metastasis_terms"]
    return re.compile("|".join(f"(?:{p})" for p in raw), re.IGNORECASE)


def find_sites(text: str) -> list[str]:
    """Canonical site ids named in ``text``, in a stable order."""
    return [site for site, pattern in site_patterns().items() if pattern.search(text)]


def find_conditions(text: str) -> list[str]:
    return [c for c, pattern in condition_patterns().items() if pattern.search(text)]


def normalise_site(name: str) -> str | None:
    """The canonical id of a single site name ("osseous" -> "bone"), else None."""
    found = find_sites(name)
    return found[0] if found else None
