"""osteotrials.match."""
