"""Sync tests: the replay server, resumable sync, faults, kill -9, imports."""
