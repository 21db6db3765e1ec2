"""The people of an account: collaborators (invited, changed, disabled, deleted), their user
lists and exports, lock-outs (rules 11 to 13, 22)."""
