"""A collaborator's mobile number, enrolled by an administrator on the spot or cleared (rule 11,
seed 002)."""
