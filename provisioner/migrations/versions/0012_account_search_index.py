"""account search: trigram indexes on PostgreSQL, so a search for part of a login, a name or an
identifier does not read every account of the portal

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 03:15:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# What ``list_accounts`` searches with ILIKE '%…%' (SQLite reads the table: small portals).
COLUMNS = ("login", "company_name", "identifier")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_account_{column}_trgm ON account USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_account_{column}_trgm")
