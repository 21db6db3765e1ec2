"""outbox queues: one principal account's items apply in order, other accounts' in parallel

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch:
        batch.add_column(sa.Column("queue", sa.String(length=120), nullable=True))
        batch.create_index(batch.f("ix_sync_outbox_queue"), ["queue"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch:
        batch.drop_index(batch.f("ix_sync_outbox_queue"))
        batch.drop_column("queue")
