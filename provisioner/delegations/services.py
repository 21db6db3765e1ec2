"""Delegation profiles: a firm's administrator names profiles (teleprocedures, establishments of
the portfolio or all of it) and gives them to collaborators. Under a mandate, a collaborator who
is not an administrator of the firm acts for a client only within its profiles (the
authorization API's ``not_in_profile``); the firm's administrators act for the whole portfolio."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, select

from provisioner.accounts.models import Account, Person
from provisioner.audit import services as audit
from provisioner.catalogue import store as catalogue_store
from provisioner.context import Context
from provisioner.db import serialize
from provisioner.delegations.models import DelegationProfile
from provisioner.delegations.schemas import ProfileIn, ProfilePatch, profile_out
from provisioner.errors import Conflict, InvalidInput, NotFound
from provisioner.portfolios import services as portfolios
from provisioner.portfolios.models import Establishment

MAX_ESTABLISHMENTS = 10_000  # a profile's establishments (as ``ProfileIn`` allows)


firm = portfolios.firm  # the firm's principal account, if the actor administers it (else 404)


def list_profiles(ctx: Context, account: Account) -> list[DelegationProfile]:
    return list(
        ctx.session.scalars(
            select(DelegationProfile).where(DelegationProfile.firm_id == account.id).order_by(DelegationProfile.name)
        )
    )


def get_profile(ctx: Context, profile_id: int) -> DelegationProfile:
    """A profile of a firm the actor administers, locked until the change is saved; else 404
    (who may see it is part of the locking query: another firm's profile is never waited for)."""
    query = select(DelegationProfile).where(DelegationProfile.id == profile_id, DelegationProfile.portal == ctx.realm)
    if not ctx.actor.operator:
        query = query.where(DelegationProfile.firm_id == ctx.actor.principal_id if ctx.actor.administrator else false())
    found = ctx.session.scalar(query.with_for_update())
    if found is None:
        raise NotFound("Profil de délégation introuvable.", code="profile_not_found")
    return found


def _establishments(ctx: Context, firm_id: int, ids: list[int]) -> list[Establishment]:
    found = list(
        ctx.session.scalars(select(Establishment).where(Establishment.firm_id == firm_id, Establishment.id.in_(ids)))
    )
    missing = sorted(set(ids) - {e.id for e in found})
    if missing:
        raise InvalidInput(
            "Ces établissements ne sont pas dans le portefeuille du cabinet.",
            code="not_in_portfolio",
            details={"field": "establishment_ids", "ids": missing},
        )
    return found


def _members(ctx: Context, firm_id: int, ids: list[int]) -> list[Person]:
    found = list(
        ctx.session.scalars(
            select(Person)
            .join(Account, Person.account_id == Account.id)
            .where(Person.id.in_(ids), or_(Account.id == firm_id, Account.parent_id == firm_id))
        )
    )
    missing = sorted(set(ids) - {p.id for p in found})
    if missing:
        raise InvalidInput(
            "Ces personnes ne sont pas des collaborateurs du cabinet.",
            code="not_a_collaborator",
            details={"field": "member_ids", "ids": missing},
        )
    return found


def _name_free(ctx: Context, firm_id: int, name: str, profile_id: int | None = None) -> None:
    serialize(ctx.session, f"delegation-profiles:{firm_id}")
    taken = ctx.session.scalar(
        select(DelegationProfile.id).where(DelegationProfile.firm_id == firm_id, DelegationProfile.name == name)
    )
    if taken is not None and taken != profile_id:
        raise Conflict(
            f"Un profil « {name} » existe déjà : choisissez un autre nom.",
            code="profile_name_taken",
            details={"field": "name"},
        )


def _audited(ctx: Context, action: str, profile: DelegationProfile, before: dict[str, Any] | None) -> None:
    audit.write(
        ctx.session,
        ctx.actor,
        action,
        portal=ctx.realm,
        target_type="delegation_profile",
        target_id=profile.id,
        account_id=profile.firm_id,
        before=before,
        after=None if action == "delegation.deleted" else profile_out(profile),
    )


def create(ctx: Context, account: Account, data: ProfileIn) -> DelegationProfile:
    codes = catalogue_store.require_codes(ctx.session, ctx.realm, data.teleprocedures)
    establishments = _establishments(ctx, account.id, data.establishment_ids)
    members = _members(ctx, account.id, data.member_ids)
    _name_free(ctx, account.id, data.name)
    profile = DelegationProfile(
        portal=ctx.realm, firm_id=account.id, name=data.name, teleprocedures=codes, whole_portfolio=data.whole_portfolio
    )
    profile.establishments = establishments
    profile.members = members
    ctx.session.add(profile)
    ctx.session.flush()
    _audited(ctx, "delegation.created", profile, None)
    return profile


def update(ctx: Context, profile: DelegationProfile, patch: ProfilePatch) -> DelegationProfile:
    before = profile_out(profile)
    changes = patch.model_dump(exclude_unset=True)
    if "name" in changes:
        _name_free(ctx, profile.firm_id, changes["name"], profile.id)
        profile.name = changes["name"]
    if "teleprocedures" in changes:
        profile.teleprocedures = catalogue_store.require_codes(ctx.session, ctx.realm, changes["teleprocedures"])
    if "whole_portfolio" in changes:
        profile.whole_portfolio = changes["whole_portfolio"]
    if "establishment_ids" in changes:
        profile.establishments = _establishments(ctx, profile.firm_id, changes["establishment_ids"])
    if "member_ids" in changes:
        profile.members = _members(ctx, profile.firm_id, changes["member_ids"])
    ctx.session.flush()
    _audited(ctx, "delegation.updated", profile, before)
    return profile


def delete(ctx: Context, profile: DelegationProfile) -> None:
    _audited(ctx, "delegation.deleted", profile, profile_out(profile))
    ctx.session.delete(profile)
    ctx.session.flush()


def establishment_ids(ctx: Context, firm_id: int, sirets: list[str]) -> list[int]:
    """The portfolio entries of these SIRETs (as typed on the page: spaces allowed), or a clear
    error listing those the portfolio does not hold."""
    wanted = {"".join(s.split()) for s in sirets if s.strip()}
    if len(wanted) > MAX_ESTABLISHMENTS:
        raise InvalidInput(
            f"Au plus {MAX_ESTABLISHMENTS} établissements par profil : pour tout le portefeuille, cochez-le.",
            code="too_many_establishments",
            details={"field": "establishments", "count": len(wanted)},
        )
    rows = ctx.session.execute(
        select(Establishment.identifier, Establishment.id).where(
            Establishment.firm_id == firm_id, Establishment.identifier.in_(wanted)
        )
    )
    found = {identifier: entry_id for identifier, entry_id in rows}
    missing = sorted(wanted - set(found))
    if missing:
        raise InvalidInput(
            f"Pas dans le portefeuille du cabinet : {', '.join(missing)}. Ajoutez-les d'abord à « Mon portefeuille ».",
            code="not_in_portfolio",
            details={"field": "establishments", "identifiers": missing},
        )
    return sorted(found.values())


def collaborators(ctx: Context, account: Account) -> list[Person]:
    """The people a firm's profiles may be given to: its collaborators and its secondaries' logins."""
    return list(
        ctx.session.scalars(
            select(Person)
            .join(Account, Person.account_id == Account.id)
            .where(or_(Account.id == account.id, Account.parent_id == account.id), Person.enabled.is_(True))
            .order_by(Person.last_name, Person.first_name)
        )
    )
