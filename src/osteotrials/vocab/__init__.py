"""osteotrials.vocab."""
