"""Who is acting, and what they may see. Pure: the API builds an ``Actor`` from a token."""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.errors import Forbidden

OPERATOR_ROLE = "portal-operator"


@dataclass(frozen=True)
class Actor:
    name: str  # written to the audit log
    operator: bool = False
    principal_id: int | None = None  # the principal account an administrator manages
    account_id: int | None = None  # the account the person belongs to (a secondary's own id)
    administrator: bool = False

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(name=name, operator=True)

    def may_see(self, principal_id: int, account_id: int | None = None) -> bool:
        if self.operator:
            return True
        if self.principal_id != principal_id:
            return False
        # An administrator of the principal sees the principal and all its secondaries;
        # a secondary account's own login sees only itself.
        return self.administrator or account_id is None or account_id == self.account_id

    def require_operator(self) -> None:
        if not self.operator:
            raise Forbidden("Réservé aux opérateurs du portail.", code="operator_only")

    def administers(self, principal_id: int) -> bool:
        """An operator, or an administrator of this principal account (and so of its secondaries)."""
        return self.operator or (self.administrator and self.principal_id == principal_id)

    def require_administrator_of(self, principal_id: int) -> None:
        if not self.administers(principal_id):
            raise Forbidden("Vous n'administrez pas ce compte.", code="not_account_administrator")
