"""sms events: the administrator who had a code sent (admin enrolment caps)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sms_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by", sa.String(length=255), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_sms_event_requested_by"), ["requested_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_event_requested_by"))
        batch_op.drop_column("requested_by")
