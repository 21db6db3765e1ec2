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


outbox = sa.table(
    "sync_outbox",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("status", sa.String),
    sa.column("queue", sa.String),
)
person = sa.table("person", sa.column("id", sa.Integer), sa.column("account_id", sa.Integer))
account = sa.table("account", sa.column("id", sa.Integer), sa.column("parent_id", sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch:
        batch.add_column(sa.Column("queue", sa.String(length=120), nullable=True))
        batch.create_index(batch.f("ix_sync_outbox_queue"), ["queue"], unique=False)
    # Items still to apply join their account's queue (or the catalogue's), as new ones do.
    bind = op.get_bind()
    principal_of_person = dict(
        bind.execute(
            sa.select(person.c.id, sa.func.coalesce(account.c.parent_id, account.c.id)).join(
                account, person.c.account_id == account.c.id
            )
        ).all()
    )
    waiting = bind.execute(
        sa.select(outbox.c.id, outbox.c.action, outbox.c.payload).where(outbox.c.status.in_(("pending", "running")))
    ).all()
    for item_id, action, payload in waiting:
        queue = None
        if action == "reconcile_account":
            queue = f"account:{payload['account_id']}"
        elif action in ("send_invitation", "set_phone") and payload.get("person_id") in principal_of_person:
            queue = f"account:{principal_of_person[payload['person_id']]}"
        elif action == "apply_catalogue":
            queue = "apply_catalogue"
        if queue is not None:
            bind.execute(sa.update(outbox).where(outbox.c.id == item_id).values(queue=queue))


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch:
        batch.drop_index(batch.f("ix_sync_outbox_queue"))
        batch.drop_column("queue")
