"""osteotrials.criteria."""
