"""Write one benchmark's results into its own section of docs/benchmarks.md.

Each benchmark owns the text between ``<!-- begin:NAME -->`` and
``<!-- end:NAME -->``; running it replaces only that section, so benchmarks can
be re-run one at a time without losing the others' figures.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Measured figures, each section written by the script named in it "
    "(`python benchmarks/run.py` runs them all). Medians unless stated; one core.\n"
)


def machine_line() -> str:
    """Machine and date, for the heading of every section."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = "RAM unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return (
        f"Machine: {cpu}, {os.cpu_count()} cores, {mem}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}. Date: {dt.date.today().isoformat()}. "
        f"Commit: {commit or 'uncommitted'}."
    )


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/benchmarks.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text() if DOC.exists() else HEADER
    block = (
        f"<!-- begin:{name} -->\n## {title}\n\n{machine_line()}\n\n{body.strip()}\n"
        f"<!-- end:{name} -->"
    )
    pattern = re.compile(
        rf"<!-- begin:{re.escape(name)} -->.*?<!-- end:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block
    )
    DOC.write_text(text.rstrip() + "\n")
