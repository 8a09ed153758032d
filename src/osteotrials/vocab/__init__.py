"""Vocabularies as versioned data files: drugs and classes, lab analytes and units, sites.

Loaders only; the data lives in ``osteotrials/vocab/data/*.yaml``, each with a
``version`` key.
"""

from __future__ import annotations

from osteotrials.vocab import drugs, labs, sites


def versions() -> dict[str, str]:
    """Version of every vocabulary file, for provenance of compiled criteria."""
    return {"drugs": drugs.version(), "labs": labs.version(), "sites": sites.version()}


__all__ = ["drugs", "labs", "sites", "versions"]
