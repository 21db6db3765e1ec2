"""portfolio: the establishments of a firm's portfolio (seed 003)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolio_establishment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("identifier", sa.String(32), nullable=False),
        sa.Column("company_name", sa.String(255), nullable=True),
        sa.Column("partner_group", sa.String(128), nullable=True),
        sa.Column("monthly_deadline", sa.Integer(), nullable=True),
        sa.Column("seeding_requested", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("last_filing_on", sa.Date(), nullable=True),
        sa.Column("last_filing_teleprocedure", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("firm_id", "identifier", name="uq_portfolio_firm_identifier"),
    )
    op.create_index("ix_portfolio_establishment_firm_id", "portfolio_establishment", ["firm_id"])
    op.create_index("ix_portfolio_establishment_identifier", "portfolio_establishment", ["identifier"])


def downgrade() -> None:
    op.drop_table("portfolio_establishment")
