"""osteotrials.patient."""
