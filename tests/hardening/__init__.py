"""Hardening (issue 10): property-based fuzzing, crash safety, load, real-host failure modes, secrets."""
