"""osteotrials.outcomes."""
