"""The synthetic demo district: deterministic, pure generation (no I/O)."""
