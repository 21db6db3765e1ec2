"""Clients and their mandates: activation keys, letters, activation by the asking firm,
revocation (rule 15, seed 001)."""
