"""The audit log: who changed what, before and after, when; every feature writes to it."""
