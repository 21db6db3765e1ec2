"""registration: invitations with an access code, registrations under way, failed attempts; the
terms of use a person accepted; whether the portal checked an account's identity

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 02:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("email", sa.String(255)),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("code_sealed", sa.Text()),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("printed_at", sa.DateTime()),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("used_at", sa.DateTime()),
        sa.Column("revoked_at", sa.DateTime()),
        sa.UniqueConstraint("code_hash", name="uq_invitation_code_hash"),
    )
    op.create_index("ix_invitation_portal", "invitation", ["portal"])
    op.create_index("ix_invitation_account_id", "invitation", ["account_id"])
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("invitation_id", sa.Integer(), sa.ForeignKey("invitation.id", ondelete="CASCADE")),
        sa.Column("application", sa.JSON()),
        sa.Column("email", sa.String(255)),
        sa.Column("email_code_hash", sa.String(64)),
        sa.Column("email_code_expires_at", sa.DateTime()),
        sa.Column("email_codes_sent", sa.Integer(), nullable=False),
        sa.Column("email_code_attempts", sa.Integer(), nullable=False),
        sa.Column("email_verified_at", sa.DateTime()),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime()),
        sa.Column("account_id", sa.Integer()),
    )
    op.create_index("ix_registration_portal", "registration", ["portal"])
    op.create_index("ix_registration_invitation_id", "registration", ["invitation_id"])
    op.create_table(
        "registration_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("portal", sa.String(64), nullable=False),
        sa.Column("ip_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_registration_attempt_ip_hash", "registration_attempt", ["ip_hash"])
    op.create_index("ix_registration_attempt_code_hash", "registration_attempt", ["code_hash"])
    op.create_index("ix_registration_attempt_created_at", "registration_attempt", ["created_at"])
    # Plain ALTER TABLE … ADD COLUMN: a batch copy would drop tables others refer to.
    op.add_column("person", sa.Column("terms_version", sa.String(32)))
    op.add_column("person", sa.Column("terms_accepted_at", sa.DateTime()))
    op.add_column("account", sa.Column("identity_checked", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy would drop tables others refer to.
    op.drop_column("account", "identity_checked")
    op.drop_column("person", "terms_accepted_at")
    op.drop_column("person", "terms_version")
    op.drop_table("registration_attempt")
    op.drop_table("registration")
    op.drop_table("invitation")
