"""osteotrials.sources."""
