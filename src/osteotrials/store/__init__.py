"""osteotrials.store."""
