"""Reading the vocabulary data files bundled in ``osteotrials.vocab.data``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> dict[str, Any]:
    """Parse ``osteotrials/vocab/data/<name>``; every file must carry a ``version`` key."""
    text = resources.files("osteotrials.vocab.data").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"vocabulary file {name} has no version key")
    return data


def version(name: str) -> str:
    return str(load_yaml(name)["version"])
