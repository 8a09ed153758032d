"""Test helpers shared by several test packages (the replay server, AACT exporters)."""
