"""the rights generation: a number every committed write to a table holding rights increases
(the authorization API's decision cache, provisioner.db)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "rights_generation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("rights_generation")
