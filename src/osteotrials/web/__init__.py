"""osteotrials.web."""
