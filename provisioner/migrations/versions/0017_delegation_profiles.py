"""delegation profiles: a firm's profiles, their establishments and collaborators (seeds 002, 003)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation_profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("firm_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("teleprocedures", sa.JSON(), nullable=False),
        sa.Column("whole_portfolio", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("firm_id", "name", name="uq_delegation_profile_firm_name"),
    )
    op.create_index("ix_delegation_profile_firm_id", "delegation_profile", ["firm_id"])
    op.create_table(
        "delegation_profile_establishment",
        sa.Column(
            "profile_id", sa.Integer(), sa.ForeignKey("delegation_profile.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "establishment_id",
            sa.Integer(),
            sa.ForeignKey("portfolio_establishment.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_table(
        "delegation_profile_member",
        sa.Column(
            "profile_id", sa.Integer(), sa.ForeignKey("delegation_profile.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_delegation_profile_member_person_id", "delegation_profile_member", ["person_id"])


def downgrade() -> None:
    op.drop_table("delegation_profile_member")
    op.drop_table("delegation_profile_establishment")
    op.drop_table("delegation_profile")
