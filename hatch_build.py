"""Build hook: compile the bundled snapshot database into the wheel.

The database is built by osteotrials' own ingest code from the JSONL snapshot
shipped in ``src/osteotrials/data/snapshot``, so the shipped database always
matches the code that reads it. Editable installs skip this: at run time the
package builds the same database into the user cache when it is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root / "src"))
        try:
            from osteotrials.store.bundle import BUNDLED_DB_NAME, build_bundled_database
        finally:
            sys.path.pop(0)
        out = root / "build" / "bundle" / BUNDLED_DB_NAME
        build_bundled_database(out)
        build_data["force_include"][str(out)] = f"osteotrials/data/{BUNDLED_DB_NAME}"
