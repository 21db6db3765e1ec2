"""Moving every client of a firm's account to another firm's account (rule 16). All or nothing:
the target must hold none of the same clients, establishments or profile names (else nothing
moves, and the refusal lists them). Keys and mandates stay what they are: a waiting key is
entered by the new account; an active mandate works for it at once. The delegation profiles move
without their members (they were the old account's people). The old account's people lose access
to every client with the move: it is no longer theirs. Audited on both accounts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from provisioner.accounts.models import Account
from provisioner.audit import services as audit
from provisioner.context import Context
from provisioner.db import serialize
from provisioner.delegations.models import DelegationProfile, profile_member
from provisioner.errors import Conflict, RuleViolation
from provisioner.mandates.models import Mandate
from provisioner.portfolios import services as portfolios
from provisioner.portfolios.models import Establishment


@dataclass(frozen=True)
class Moved:
    mandates: int
    establishments: int
    profiles: int


def transfer(ctx: Context, source_id: int, target_id: int) -> tuple[Account, Account, Moved]:
    """Every client, establishment and profile of ``source_id``'s firm to ``target_id``'s; the actor
    administers both (an operator)."""
    source, target = portfolios.firm(ctx, source_id), portfolios.firm(ctx, target_id)
    if source.id == target.id:
        raise RuleViolation("Un cabinet ne se transfère pas ses clients à lui-même.", code="same_account")
    for key in sorted((f"mandates:{source.id}", f"mandates:{target.id}")):
        serialize(ctx.session, key)  # two transfers crossing each other wait for one another
    both = {
        "clients": _shared(ctx, Mandate.identifier, Mandate.firm_id, source.id, target.id),
        "establishments": _shared(ctx, Establishment.identifier, Establishment.firm_id, source.id, target.id),
        "profiles": _shared(ctx, DelegationProfile.name, DelegationProfile.firm_id, source.id, target.id),
    }
    if any(both.values()):
        raise Conflict(
            f"Le compte {target.login} a déjà une partie de ce que {source.login} transférerait : rien n'est "
            "transféré. Supprimez ces doublons d'un des deux comptes, puis recommencez.",
            code="transfer_conflicts",
            details={k: v[:100] for k, v in both.items() if v},
        )
    count = {
        name: ctx.session.scalar(select(func.count()).select_from(model).where(model.firm_id == source.id)) or 0
        for name, model in (("mandates", Mandate), ("establishments", Establishment), ("profiles", DelegationProfile))
    }
    savepoint = ctx.session.begin_nested()
    try:
        profiles = select(DelegationProfile.id).where(DelegationProfile.firm_id == source.id)
        ctx.session.execute(delete(profile_member).where(profile_member.c.profile_id.in_(profiles)))
        for model in (Mandate, Establishment, DelegationProfile):
            ctx.session.execute(
                update(model).where(model.firm_id == source.id).values(firm_id=target.id),
                execution_options={"synchronize_session": False},
            )
        ctx.session.flush()
    except IntegrityError as exc:  # the same client added to the target meanwhile
        savepoint.rollback()
        raise Conflict(
            "Un client a été ajouté au compte cible pendant le transfert : rien n'est transféré, recommencez.",
            code="transfer_conflicts",
        ) from exc
    savepoint.commit()
    ctx.session.expire_all()
    moved = Moved(count["mandates"], count["establishments"], count["profiles"])
    facts = {"from": source.login, "to": target.login, **count}
    for account, action in ((source, "firm.transferred_out"), (target, "firm.transferred_in")):
        audit.write(
            ctx.session,
            ctx.actor,
            action,
            portal=ctx.realm,
            target_type="account",
            target_id=account.id,
            account_id=account.id,
            after=facts,
        )
    return source, target, moved


def _shared(ctx: Context, column: object, firm: object, source: int, target: int) -> list[str]:
    """The values of ``column`` both firms hold."""
    mine = select(column).where(firm == source)  # type: ignore[call-overload]
    theirs = select(column).where(firm == target)  # type: ignore[call-overload]
    return sorted(ctx.session.scalars(mine.intersect(theirs)))
