"""osteotrials.report."""
