"""ended Keycloak sessions (back-channel logout of the administration UI)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ui_ended_session",
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sid"),
    )
    op.create_index(op.f("ix_ui_ended_session_ended_at"), "ui_ended_session", ["ended_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ui_ended_session_ended_at"), table_name="ui_ended_session")
    op.drop_table("ui_ended_session")
