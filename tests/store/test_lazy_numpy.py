"""numpy is imported only by the postings ranking (store/impact.py), used from
FAST_SEARCH_MIN_TRIALS trials on: opening the store, ``data info`` and a search of
the bundled snapshot (ranked by FTS5) run without it (~90 ms of start-up saved)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys
from osteotrials.cli import cli
from osteotrials.store import open_store

loaded = {"import": "numpy" in sys.modules}
for args in (["data", "info", "--json"], ["search", "bone metastases zoledronic acid", "--json"]):
    try:
        cli.main(args, standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, exc.code
    loaded[args[0]] = "numpy" in sys.modules
store = open_store()
hits = store.search("denosumab", limit=5)
loaded["hits"] = len(hits)
loaded["store search"] = "numpy" in sys.modules
store.search("denosumab", limit=5, method="postings")
loaded["postings search"] = "numpy" in sys.modules
print(json.dumps(loaded))
"""


def test_store_and_snapshot_search_do_not_import_numpy(tmp_path: Path) -> None:
    # An empty user-data directory: the commands read the bundled snapshot.
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    env.pop("OSTEOTRIALS_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["hits"] == 5
    assert loaded == {
        "import": False,
        "data": False,
        "search": False,
        "hits": 5,
        "store search": False,
        # the postings ranking does load it: the check above can see numpy
        "postings search": True,
    }
