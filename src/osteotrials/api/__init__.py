"""osteotrials.api."""
