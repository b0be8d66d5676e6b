"""Consent: each cast performer agrees, beat by beat, to a final version of the plan."""
