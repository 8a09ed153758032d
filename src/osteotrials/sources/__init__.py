"""Readers and clients that turn outside formats into :mod:`osteotrials.model` objects."""

from osteotrials.sources.ctgov_json import trial_from_study
from osteotrials.sources.ctgov_xml import study_from_xml
from osteotrials.sources.errors import RecordError
from osteotrials.sources.readers import ReadResult, read_path, read_paths, read_trials

__all__ = [
    "ReadResult",
    "RecordError",
    "read_path",
    "read_paths",
    "read_trials",
    "study_from_xml",
    "trial_from_study",
]
