"""Principal and secondary accounts: identity, lifecycle, options, teleprocedure subscriptions,
their Keycloak mapping (groups, users, roles) and reconciler (rules 1 to 10)."""
