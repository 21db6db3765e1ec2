"""Delegation profiles (« Paramètres de délégation », seeds 002 and 003): a firm's administrator
entrusts part of its portfolio and some teleprocedures to collaborators."""
