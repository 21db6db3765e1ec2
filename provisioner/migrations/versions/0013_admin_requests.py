"""requests to an establishment's administrators (a forgotten password, a dead e-mail address)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ip_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by", sa.String(255), nullable=True),
        sa.Column("outcome", sa.String(255), nullable=True),
    )
    for column in ("portal", "person_id", "principal_id", "ip_hash", "created_at"):
        op.create_index(f"ix_admin_request_{column}", "admin_request", [column])


def downgrade() -> None:
    op.drop_table("admin_request")
