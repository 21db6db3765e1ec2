"""Filings reported by relying apps: they bring establishments into firms' portfolios and are
the uses of the firms' mandates."""
