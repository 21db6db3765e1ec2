"""person: index on keycloak_user_id, the subject the authorization API is asked about (a token's
``sub``), found without reading the portal's people

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:00:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_keycloak_user_id", "person", ["keycloak_user_id"])


def downgrade() -> None:
    op.drop_index("ix_person_keycloak_user_id", table_name="person")
