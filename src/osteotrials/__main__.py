"""``python -m osteotrials``."""

from osteotrials.cli import main

main()
