"""permissions per teleprocedure (rule 12): "declarant" becomes one "declarant:<CODE>" per
teleprocedure the person's account subscribes to; every principal account is then queued for the
reconciler, so Keycloak's roles follow (accounting and read-only collaborators lose theirs)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:30:00
"""

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

person = sa.table(
    "person", sa.column("id", sa.Integer), sa.column("account_id", sa.Integer), sa.column("roles", sa.JSON)
)
subscription = sa.table("subscription", sa.column("account_id", sa.Integer), sa.column("code", sa.String))
account = sa.table("account", sa.column("id", sa.Integer), sa.column("portal", sa.String), sa.column("kind", sa.String))
outbox = sa.table(
    "sync_outbox",
    sa.column("portal", sa.String),
    sa.column("action", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("status", sa.String),
    sa.column("attempts", sa.Integer),
    sa.column("created_at", sa.DateTime),
)


def _roles(value: Any) -> list[str]:
    return list(json.loads(value) if isinstance(value, str) else value or [])


def upgrade() -> None:
    bind = op.get_bind()
    codes: dict[int, list[str]] = {}
    for account_id, code in bind.execute(sa.select(subscription.c.account_id, subscription.c.code)):
        codes.setdefault(account_id, []).append(code)
    people = bind.execute(sa.select(person.c.id, person.c.account_id, person.c.roles)).all()
    for person_id, account_id, value in people:
        roles = _roles(value)
        if "declarant" in roles:
            new = sorted({r for r in roles if r != "declarant"} | {f"declarant:{c}" for c in codes.get(account_id, [])})
            bind.execute(sa.update(person).where(person.c.id == person_id).values(roles=new))
    now = datetime.now(UTC).replace(tzinfo=None)
    principals = bind.execute(sa.select(account.c.id, account.c.portal).where(account.c.kind == "principal")).all()
    for principal_id, portal in principals:
        bind.execute(
            sa.insert(outbox).values(
                portal=portal,
                action="reconcile_account",
                payload={"account_id": principal_id},
                status="pending",
                attempts=0,
                created_at=now,
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    for person_id, value in bind.execute(sa.select(person.c.id, person.c.roles)):
        roles = _roles(value)
        if any(r.startswith("declarant:") for r in roles):
            new = sorted({r for r in roles if not r.startswith("declarant:")} | {"declarant"})
            bind.execute(sa.update(person).where(person.c.id == person_id).values(roles=new))
