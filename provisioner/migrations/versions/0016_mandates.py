"""mandates: a firm's clients, their activation keys and the firms' wrong keys (seed 001)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mandate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("identifier", sa.String(32), nullable=False),
        sa.Column("company_name", sa.String(255), nullable=False),
        sa.Column("address_line1", sa.String(255), nullable=False),
        sa.Column("address_line2", sa.String(255), nullable=True),
        sa.Column("postcode", sa.String(16), nullable=False),
        sa.Column("city", sa.String(128), nullable=False),
        sa.Column("teleprocedures", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("key_sealed", sa.Text(), nullable=True),
        sa.Column("key_expires_at", sa.DateTime(), nullable=True),
        sa.Column("wrong_firm_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("activated_by", sa.String(255), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(16), nullable=True),
        sa.UniqueConstraint("firm_id", "identifier", name="uq_mandate_firm_identifier"),
        sa.UniqueConstraint("key_hash", name="uq_mandate_key_hash"),
    )
    op.create_index("ix_mandate_portal", "mandate", ["portal"])
    op.create_index("ix_mandate_firm_id", "mandate", ["firm_id"])
    op.create_index("ix_mandate_identifier", "mandate", ["identifier"])
    op.create_table(
        "mandate_key_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mandate_key_attempt_firm_id", "mandate_key_attempt", ["firm_id"])
    op.create_index("ix_mandate_key_attempt_created_at", "mandate_key_attempt", ["created_at"])


def downgrade() -> None:
    op.drop_table("mandate_key_attempt")
    op.drop_table("mandate")
