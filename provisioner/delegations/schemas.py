"""Shapes of delegation profiles (API and pages)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, StringConstraints

from provisioner.catalogue.schemas import CODE_PATTERN
from provisioner.delegations.models import DelegationProfile
from provisioner.schemas import Absent, Input, Text

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]


class ProfileIn(Input):
    name: Text(128)  # type: ignore[valid-type]
    teleprocedures: list[Code] = Field(min_length=1, max_length=50)
    whole_portfolio: StrictBool = Field(
        default=False, description="every establishment of the portfolio, today's and later ones"
    )
    establishment_ids: list[Id] = Field(
        default_factory=list, max_length=10_000, description="establishments of the portfolio"
    )
    member_ids: list[Id] = Field(
        default_factory=list, max_length=1_000, description="the firm's collaborators (people ids)"
    )


class ProfilePatch(Input):
    """Only the fields sent change; lists are replaced whole."""

    name: Text(128) = Absent()  # type: ignore[valid-type]
    teleprocedures: list[Code] = Absent(min_length=1, max_length=50)
    whole_portfolio: StrictBool = Absent()
    establishment_ids: list[Id] = Absent(max_length=10_000)
    member_ids: list[Id] = Absent(max_length=1_000)


class ProfileOut(Input):
    id: int
    firm_id: int
    name: str
    teleprocedures: list[str]
    whole_portfolio: bool
    establishment_ids: list[int]
    member_ids: list[int]


class ProfileRead(Input):
    profile: ProfileOut


class ProfileList(Input):
    items: list[ProfileOut]


class Deleted(Input):
    deleted: int


def profile_out(profile: DelegationProfile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "firm_id": profile.firm_id,
        "name": profile.name,
        "teleprocedures": list(profile.teleprocedures),
        "whole_portfolio": profile.whole_portfolio,
        "establishment_ids": sorted(e.id for e in profile.establishments),
        "member_ids": sorted(p.id for p in profile.members),
    }
