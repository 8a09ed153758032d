"""Where test data lives.

Tests use the copies under ``tests/data`` and the bundled snapshot inside the
package. ``shared_dir()`` is the only way a test may reach ``../shared``; it
fails with a clear message when that folder is missing instead of skipping.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"
TRIAL_FIXTURES = TEST_DATA / "trials"
MCODE_PATIENTS = TEST_DATA / "patients" / "mcode"
SNAPSHOT_JSONL = REPO_ROOT / "src" / "osteotrials" / "data" / "snapshot" / "breast-snapshot.jsonl"
EXAMPLE_PATIENTS = REPO_ROOT / "examples" / "patients"


def shared_dir() -> Path:
    """Return ``../shared`` next to the checkout, or fail loudly if it is absent."""
    candidate = REPO_ROOT.parent / "shared"
    if not candidate.is_dir():
        raise FileNotFoundError(
            f"../shared is missing (looked for {candidate}); these tests need the "
            "project's shared data folder checked out next to the repository"
        )
    return candidate
