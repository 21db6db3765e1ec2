"""The operators' API of invitations: what is sent, what is answered."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from provisioner.schemas import Email, Input


class InvitationIn(Input):
    """An invitation of the account's first administrator (the older one revoked)."""

    channel: Literal["letter", "email"] = Field(
        default="letter", description="letter: to print (a print run); email: sent at once to ``email``"
    )
    email: Email | None = Field(default=None, description="for an e-mailed invitation")
    locale: Literal["fr", "de", "it", "en"] = Field(default="fr", description="the language of the letter or e-mail")


class InvitationsQuery(Input):
    state: Literal["created", "printed", "sent", "used", "expired", "revoked"] | None = None


class PrintIn(Input):
    invitation_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        default=None, max_length=10_000, description="the letters to print; none: every letter still to print"
    )


class InvitationOut(BaseModel):
    id: int
    account_id: int
    login: str
    company_name: str
    channel: str
    email: str | None
    locale: str
    state: str = Field(description="created, printed, sent, used, expired or revoked")
    expires_at: str
    created_at: str
    created_by: str
    printed_at: str | None
    sent_at: str | None
    used_at: str | None
    revoked_at: str | None


class InvitationRead(BaseModel):
    invitation: InvitationOut
    sent: bool | None = Field(default=None, description="an e-mailed invitation: whether the mail left")


class InvitationList(BaseModel):
    items: list[InvitationOut]
