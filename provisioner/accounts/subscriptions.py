"""The accounts keep the teleprocedure subscriptions: they answer the catalogue's questions (who
holds a code, how many) and withdraw a retired one (``provisioner.catalogue.usage``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provisioner.accounts.models import Account, Subscription
from provisioner.accounts.services import withdraw_teleprocedure
from provisioner.catalogue import usage
from provisioner.context import Context


class AccountSubscribers:
    def holders(self, session: Session, portal: str, code: str, document_types: set[str] | None) -> list[int]:
        query = (
            select(Subscription)
            .join(Account, Subscription.account_id == Account.id)
            .where(Account.portal == portal, Subscription.code == code)
            .order_by(Subscription.account_id)
        )
        return [
            s.account_id
            for s in session.scalars(query)
            if document_types is None or document_types & set(s.document_types)
        ]

    def counts(self, session: Session, portal: str) -> dict[str, int]:
        query = (
            select(Subscription.code, func.count())
            .join(Account, Subscription.account_id == Account.id)
            .where(Account.portal == portal)
            .group_by(Subscription.code)
        )
        return {code: count for code, count in session.execute(query)}

    def withdraw(self, ctx: Context, account_id: int, code: str, document_types: set[str] | None) -> None:
        withdraw_teleprocedure(ctx, ctx.session.get_one(Account, account_id), code, document_types)


usage.register(AccountSubscribers())
